/**
 * Frontend unit tests: Angular components and services under jsdom, compiled by
 * jest-preset-angular as CommonJS (run with plain `jest`, no VM modules).
 */
const { createCjsPreset } = require('jest-preset-angular/presets');

const preset = createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' });

module.exports = {
  ...preset,
  displayName: 'frontend',
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  // jsdom, through the environment jest-preset-angular ships (jest-environment-jsdom is not installed).
  testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env',
  setupFilesAfterEnv: ['<rootDir>/src/setup-jest.ts'],
  // @musync/protocol (and anything shipped as .mjs) is ES module JavaScript: compile it to CommonJS too.
  transformIgnorePatterns: ['node_modules/(?!(@musync/protocol/|.*\\.mjs$))'],
};
