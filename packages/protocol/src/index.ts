export * from './clock.js';
export * from './errors.js';
export * from './events.js';
export * from './limits.js';
export * from './playback.js';
export * from './room.js';
export * from './time.js';
export * from './upload.js';
