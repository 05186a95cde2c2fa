export * from './principal.js';
export * from './demo-principals.js';
export * from './token-verifier.js';
