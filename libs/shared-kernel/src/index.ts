export * from './text.js';
export * from './actor.js';
export * from './dates.js';
export * from './decision-error.js';
export * from './input-checks.js';
export * from './indicators.js';
