export * from './postgres-read-audit.js';
export * from './read-audit.module.js';
