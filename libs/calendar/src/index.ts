export * from './vietnamese-lunar.js';
export * from './public-holidays.js';
export * from './working-days.js';
export * from './holiday-calendar.decider.js';
