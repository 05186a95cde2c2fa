import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

// The architecture rules are only worth something if `npm run lint` enforces them. Each case adds
// one offending file to the real tree, runs the very script lint runs, and expects it to fail
// naming the rule; the tree as committed passes.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const probeName = `boundary-probe-${process.pid}`;

interface LintRun {
  code: number;
  output: string;
}

function lintArchitecture(): Promise<LintRun> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'lint:architecture'],
      { cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** Writes the files, runs lint's architecture check, removes the files (and folders it made). */
async function lintWith(files: Record<string, string>): Promise<LintRun> {
  const madeDirectories: string[] = [];
  try {
    for (const [path, text] of Object.entries(files)) {
      const directory = join(root, dirname(path));
      if (!existsSync(directory)) {
        await mkdir(directory, { recursive: true });
        madeDirectories.push(directory);
      }
      await writeFile(join(root, path), text, { flag: 'wx' });
    }
    return await lintArchitecture();
  } finally {
    for (const path of Object.keys(files)) await rm(join(root, path), { force: true });
    for (const directory of madeDirectories.reverse()) await rmdir(directory).catch(() => undefined);
  }
}

const probes: { what: string; files: Record<string, string>; rule: string }[] = [
  {
    what: 'a domain file importing @nestjs/common',
    files: {
      [`libs/tasks/src/${probeName}.ts`]: `import { Injectable } from '@nestjs/common';\nexport const probe = Injectable;\n`,
    },
    rule: 'domain-not-to-packages',
  },
  {
    what: 'a domain file importing node:fs',
    files: {
      [`libs/plans/src/${probeName}.ts`]: `import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n`,
    },
    rule: 'domain-not-to-node',
  },
  {
    what: 'a domain file importing only a type of typeorm',
    files: {
      [`libs/agencies/src/${probeName}.ts`]: `import type { Repository } from 'typeorm';\nexport type Probe = Repository<object>;\n`,
    },
    rule: 'domain-not-to-packages',
  },
  {
    what: 'a domain file importing the event store',
    files: {
      [`libs/shared-kernel/src/${probeName}.ts`]: `import type { EventStore } from '#libs/event-store';\nexport type Probe = EventStore;\n`,
    },
    rule: 'domain-not-to-adapters',
  },
  {
    what: 'an application file importing typeorm',
    files: {
      [`libs/application/src/${probeName}.ts`]: `import { DataSource } from 'typeorm';\nexport const probe = DataSource;\n`,
    },
    rule: 'application-not-to-frameworks-or-drivers',
  },
  {
    what: 'an application file running event-store code (its types are allowed)',
    files: {
      [`libs/application/src/${probeName}.ts`]: `import { PostgresEventStore } from '#libs/event-store';\nexport const probe = PostgresEventStore;\n`,
    },
    rule: 'application-only-types-from-port-shapes',
  },
  {
    what: 'an application file importing the projections',
    files: {
      [`libs/application/src/${probeName}.ts`]: `import type { ProjectionRunner } from '#libs/projections';\nexport type Probe = ProjectionRunner;\n`,
    },
    rule: 'application-only-to-domain',
  },
  {
    what: 'a library importing an app',
    files: {
      [`libs/fanout/src/${probeName}.ts`]: `export type { ApiModule } from '../../../apps/api/src/api.module.js';\n`,
    },
    rule: 'libs-not-to-apps',
  },
  {
    what: 'an app importing another app',
    files: {
      [`apps/worker/src/${probeName}.ts`]: `export type { ApiModule } from '../../api/src/api.module.js';\n`,
    },
    rule: 'apps-not-to-other-apps',
  },
  {
    what: 'two modules importing only types of each other',
    files: {
      [`libs/projections/src/${probeName}-a.ts`]: `import type { B } from './${probeName}-b.js';\nexport interface A { b?: B }\n`,
      [`libs/projections/src/${probeName}-b.ts`]: `import type { A } from './${probeName}-a.js';\nexport interface B { a?: A }\n`,
    },
    rule: 'no-cycles',
  },
  {
    what: 'the ledger verifier importing pg',
    files: {
      [`libs/ledger-verifier/src/${probeName}.ts`]: `import pg from 'pg';\nexport const probe = pg;\n`,
    },
    rule: 'ledger-verifier-stands-alone',
  },
  {
    what: 'the API client importing node:fs',
    files: {
      [`libs/api-client/src/${probeName}.ts`]: `import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n`,
    },
    rule: 'api-client-stands-alone',
  },
];

describe('architecture rules in npm run lint', () => {
  it('runs lint:architecture (dependency-cruiser with the project config) as part of lint', async () => {
    const scripts = (
      JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['lint']).toContain('npm run --silent lint:architecture');
    expect(scripts['lint:architecture']).toMatch(/^depcruise .*--config \.dependency-cruiser\.cjs/);
  });

  it('passes on the tree as it is', async () => {
    const run = await lintArchitecture();
    expect(run.output).toContain('no dependency violations found');
    expect(run.code).toBe(0);
  });

  // Every probe is written at once, under a name of its own, and checked in one run: a run
  // cruises the whole tree, which takes seconds.
  const named = probes.map((probe, index) => ({
    ...probe,
    files: Object.fromEntries(
      Object.entries(probe.files).map(([path, text]) => [
        path.replaceAll(probeName, `${probeName}-${index}`),
        text.replaceAll(probeName, `${probeName}-${index}`),
      ]),
    ),
  }));
  let allProbes: Promise<LintRun> | undefined;

  it.each(named)('fails on $what ($rule)', async ({ files, rule }) => {
    allProbes ??= lintWith(Object.assign({}, ...named.map((probe) => probe.files)) as Record<string, string>);
    const run = await allProbes;
    expect(run.code).not.toBe(0);
    const offender = Object.keys(files)[0]!;
    const reported = run.output.split('\n').filter((line) => line.includes(`error ${rule}:`));
    expect(reported.join('\n')).toContain(offender);
  });
});
