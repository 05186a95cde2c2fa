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
  // One test file at a time on a 2-core host (jest's default there; JEST_MAX_WORKERS to change):
  // files running side by side on one PostgreSQL server see each other's open transactions in
  // the log's readable head, and the PGlite files are CPU-bound.
  ...(process.env.JEST_MAX_WORKERS ? { maxWorkers: process.env.JEST_MAX_WORKERS } : {}),
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
