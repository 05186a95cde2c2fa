export * from './event-store.port.js';
export * from './idempotency.port.js';
export * from './system.port.js';
export * from './command-observer.port.js';
export * from './plan-drafts.port.js';
export * from './read-audit.port.js';
export * from './reorganisation-reads.port.js';
