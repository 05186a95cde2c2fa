export * from './deadline-timers.js';
export * from './deadline.events.js';
