export * from './migrations.js';
export * from './ledger-entries.js';
export * from './tiles.js';
export * from './ledger-store.js';
export * from './signing-key.js';
export * from './checkpoints.js';
export * from './export.js';
export * from './ledger-consumer.js';
