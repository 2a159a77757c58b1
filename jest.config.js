/**
 * Jest runs the TypeScript sources as ES modules through ts-jest, because NestJS 12 ships
 * ES modules only. Type checking is left to `tsc --noEmit`, which `npm test` runs first.
 */
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  setupFiles: ['reflect-metadata'],
  collectCoverageFrom: ['src/ws-auth/**/*.ts', '!src/ws-auth/**/*.spec.ts', '!src/ws-auth/index.ts'],
  coverageThreshold: {
    'src/ws-auth/': { lines: 95, branches: 90 },
  },
  coverageReporters: ['text-summary', 'text'],
  testTimeout: 20000,
};
