export * from './event-store-adapter.js';
export * from './postgres-idempotency-store.js';
export * from './postgres-plan-draft-store.js';
export * from './node-system.js';
export * from './plan-document-reader.js';
export * from './command-layer.js';
