// Jest runs in native ESM mode (NestJS 12 ships ES modules only); @swc/jest strips types
// and keeps decorator metadata, which Nest's dependency injection needs.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^#libs/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/data/'],
};

// The event-store contract against a real KurrentDB server: part of every run when KURRENTDB_URL
// is set, and of `npm run test:kurrentdb` (which fails without it); otherwise CI prints that it
// needs KURRENTDB_URL (.ci/run). It is never a skipped test.
const kurrentdb =
  process.env.KURRENTDB_URL || process.env.COORD_KURRENTDB_SUITE === '1'
    ? [{ ...common, displayName: 'kurrentdb', testMatch: ['<rootDir>/**/*.kurrentdb.spec.ts'] }]
    : [];

module.exports = {
  // Real databases and booted apps: the embedded database alone takes seconds to start, and
  // many more on a busy 2-core host.
  testTimeout: 120_000,
  // Two test files at a time (JEST_MAX_WORKERS to change), also on a 2-core host: much of a file's
  // time is spent waiting (outages, timers, child processes starting). Each worker has a
  // PostgreSQL server of its own (the log's readable head follows every transaction running on
  // its server): the machine's for the first, a private one for each further worker.
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // In ESM mode a worker keeps every module graph it loaded (each e2e file loads the whole app):
  // a worker above this after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '1GB',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/**/*.e2e.spec.ts'] },
    ...kurrentdb,
  ],
};
