export * from './rating-level.js';
export * from './national-survey.js';
export * from './wilson.js';
export * from './level-counts.js';
export * from './rates.js';
export * from './china-time.js';
