export * from './problem-details.js';
export * from './problem-details.filter.js';
export * from './validation.js';
export * from './field-formats.js';
export * from './database-unavailable.js';
export * from './json-limits.js';
