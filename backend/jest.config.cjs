/**
 * Backend tests run as ES modules (NestJS 12 ships ESM only), so jest runs with
 * --experimental-vm-modules (see the root package.json).
 */
module.exports = {
  displayName: 'backend',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 20000,
};
