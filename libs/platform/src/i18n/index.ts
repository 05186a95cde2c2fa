export * from './languages.js';
export * from './translate.js';
export * from './trail-summaries.js';
export * from './problems.js';
export * from './answer-language.js';
