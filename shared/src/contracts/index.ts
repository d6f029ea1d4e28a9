export * from './errors.js';
export * from './window-card.js';
export * from './rating.js';
export * from './auth.js';
export * from './results.js';
export * from './api.js';
