export * from './webhook-store.js';
export * from './webhook-dispatcher.js';
export * from './webhook-sender.js';
export * from './webhooks.module.js';
export * from './webhook-post.js';
