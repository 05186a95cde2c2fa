export * from './endpoint-url.js';
export * from './event-types.js';
export * from './ordering.js';
export * from './retry-schedule.js';
export * from './delivery-outcome.js';
export * from './secrets.js';
export * from './signature.js';
