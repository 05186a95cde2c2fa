export * from './config.js';
export * from './tokens.js';
export * from './database.module.js';
export * from './logging.js';
export * from './subscription-host.js';
export * from './http/index.js';
export * from './auth/index.js';
export * from './read-models.module.js';
