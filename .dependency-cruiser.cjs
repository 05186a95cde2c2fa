// Architecture rules, checked by `npm run lint` (depcruise apps libs test bench).
// The arrows are drawn in README.md (Architecture). A rule here is the only thing that keeps them true.

/** The pure core: deciders, evolve folds, the agency directory, the shared kernel. */
const domain = '^libs/(tasks|plans|agencies|calendar|shared-kernel)/src/';
/** Use cases over the domain (commands, handlers, ports): no framework, no driver. */
const application = '^libs/application/src/';
/** Libraries whose types the application layer's ports name (recorded events, plan drafts). */
const portShapes = '^libs/(event-store|plan-intake)/';
/** Test code may reach for files and fixtures; the rules below are about what ships. */
const testCode = ['[.]spec[.]ts$', '/test/', '/testing/'];

/** Framework, HTTP, database drivers, ORM, broker and document readers: adapters' business. */
const frameworksAndDrivers = [
  '^node_modules/@nestjs/',
  '^node_modules/typeorm/',
  '^node_modules/pg/',
  '^node_modules/pg-[^/]+/',
  '^node_modules/@electric-sql/',
  '^node_modules/@nats-io/',
  '^node_modules/fastify/',
  '^node_modules/@fastify/',
  '^node_modules/mammoth/',
];

/** Every kind of dependency on an installed package. */
const packageTypes = [
  'npm',
  'npm-dev',
  'npm-optional',
  'npm-peer',
  'npm-bundled',
  'npm-no-pkg',
  'npm-unknown',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-not-to-node',
      severity: 'error',
      comment:
        'The domain does no I/O and reads no clock or randomness: ids and times arrive in commands and ' +
        'metadata. node:* (fs, crypto, path, ...) belongs in adapters. No domain file uses one today.',
      from: { path: domain, pathNot: testCode },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'domain-not-to-packages',
      severity: 'error',
      comment:
        'The domain is plain TypeScript: no framework, ORM, driver or other package, type-only imports ' +
        'included. A pure helper package would be allowed here by name, after a review.',
      from: { path: domain, pathNot: testCode },
      to: { dependencyTypes: packageTypes },
    },
    {
      name: 'domain-not-to-adapters',
      severity: 'error',
      comment:
        'The domain depends only on the domain: not on the event store, projections, fan-out, platform, ' +
        'plan intake, the application layer or an app.',
      from: { path: domain, pathNot: testCode },
      to: { path: '^(libs|apps)/', pathNot: domain },
    },
    {
      name: 'shared-kernel-depends-on-nothing',
      severity: 'error',
      comment: 'Every domain library may use the shared kernel, so it may use none of them.',
      from: { path: '^libs/shared-kernel/src/', pathNot: testCode },
      to: { path: '^(libs|apps)/', pathNot: '^libs/shared-kernel/' },
    },
    {
      name: 'application-only-to-domain',
      severity: 'error',
      comment:
        'Use cases orchestrate the domain through ports: they import domain libraries and the shared ' +
        'kernel, never the adapters that implement the ports, nor an app.',
      from: { path: application, pathNot: testCode },
      to: { path: '^(libs|apps)/', pathNot: [domain, application, portShapes] },
    },
    {
      name: 'application-only-types-from-port-shapes',
      severity: 'error',
      comment:
        'The ports speak of recorded events and plan drafts, whose shapes live with their adapters ' +
        '(event store, plan intake): use cases may name those types, never run that code.',
      from: { path: application, pathNot: testCode },
      to: { path: portShapes, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'application-not-to-frameworks-or-drivers',
      severity: 'error',
      comment:
        'No @nestjs/*, typeorm, pg, PGlite, NATS, fastify or mammoth in use cases: the Nest modules ' +
        'in the apps wire them to the ports.',
      from: { path: application, pathNot: testCode },
      to: { path: frameworksAndDrivers },
    },
    {
      name: 'application-not-to-io',
      severity: 'error',
      comment:
        'Files, network and processes are adapters. node:crypto stays allowed: a use case may mint ' +
        'the ids of the events it records.',
      from: { path: application, pathNot: testCode },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'plan-intake-not-to-frameworks',
      severity: 'error',
      comment:
        'Reading a plan document is text work: no Nest, ORM, driver or broker. Only docx-text.ts ' +
        'may use mammoth (the .docx reader).',
      from: { path: '^libs/plan-intake/src/', pathNot: testCode },
      to: { path: frameworksAndDrivers, pathNot: '^node_modules/mammoth/' },
    },
    {
      name: 'plan-intake-mammoth-only-in-docx-text',
      severity: 'error',
      from: {
        path: '^libs/plan-intake/src/',
        pathNot: [...testCode, '^libs/plan-intake/src/docx-text[.]ts$'],
      },
      to: { path: '^node_modules/mammoth/' },
    },
    {
      name: 'ledger-verifier-stands-alone',
      severity: 'error',
      comment:
        'The ledger verifier is what an auditor trusts instead of the service: it may use node:* and ' +
        'nothing else: never Nest, an ORM, a driver, a broker, or any other lib or app.',
      from: { path: '^libs/ledger-verifier/src/' },
      to: {
        pathNot: ['^libs/ledger-verifier/src/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'webhooks-stand-alone',
      severity: 'error',
      comment:
        'The decisions of webhook delivery are plain functions: no framework, driver or other lib; ' +
        'node:crypto only, for signatures (libs/webhooks/README.md).',
      from: { path: '^libs/webhooks/src/', pathNot: testCode },
      to: {
        pathNot: ['^libs/webhooks/src/', '^(node:)?crypto$'],
      },
    },
    {
      name: 'api-client-stands-alone',
      severity: 'error',
      comment:
        'The typed client runs in the dashboard (a browser) and in the CLI: its generated types and ' +
        'openapi-fetch, nothing of the service and no node:* (libs/api-client).',
      from: { path: '^libs/api-client/src/', pathNot: testCode },
      to: { pathNot: ['^libs/api-client/src/', '^node_modules/openapi-fetch/'] },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Libraries serve the apps; an app is never a library of anything.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-not-to-other-apps',
      severity: 'error',
      comment:
        'Each app (api, worker, cli) is deployed on its own: what two of them share belongs in a library.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'Modules form a tree, type-only imports included (tsPreCompilationDeps): a cycle makes load ' +
        'order matter and a module impossible to understand on its own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing: a typo, or a package missing from package.json.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dependencies',
      severity: 'error',
      comment: 'What ships is installed with --omit=dev: it cannot import a devDependency.',
      from: { path: '^(apps|libs)/', pathNot: testCode },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules may be a link to a shared install: name packages by where they are imported from.
    preserveSymlinks: true,
    exclude: { path: '^(dist|data|coverage)/' },
    // Type-only imports are dependencies too: they make cycles and leak frameworks into the domain.
    tsPreCompilationDeps: true,
    // Resolves #libs/* to the sources (tsconfig paths), not to package.json's dist/ imports.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
