export * from './clock.js';
export * from './deadline-firer.js';
export * from './deadline-timers.module.js';
export * from './deadline-mailer.js';
