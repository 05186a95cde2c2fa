/**
 * The ledger verifier: everything an auditor needs to check the service's ledger, and nothing of
 * the service (no Nest, no database driver). RFC 9162 Merkle trees, RFC 8785 canonical entries,
 * C2SP signed notes, checkpoints and cosignatures.
 */
export * from './merkle.js';
export * from './canonical-json.js';
export * from './entry.js';
export * from './note.js';
export * from './verify.js';
