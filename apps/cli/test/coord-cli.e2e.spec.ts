import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';

const run = promisify(execFile);

/** Runs the built `coord` tool (npm test builds first) the way an operator would. */
function coord(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['bin/coord.js', ...args], {
    env: { ...withoutDemoTokens(process.env), LOG_LEVEL: 'silent', ...env },
  });
}

/** The tool never needs the API's DEMO_TOKENS: none of its commands takes a token. */
function withoutDemoTokens(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DEMO_TOKENS: _demoTokens, ...rest } = env;
  return rest;
}

/** Runs `coord ...` piped into a reader, in bash with pipefail: the pipeline fails if coord does. */
function coordPipedTo(args: string, reader: string) {
  return run('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" bin/coord.js ${args} | ${reader}`], {
    env: { ...withoutDemoTokens(process.env), LOG_LEVEL: 'silent' },
  });
}

describe('the coord command-line tool', () => {
  it('prints the demo tokens as JSON', async () => {
    const { stdout } = await coord(['demo-tokens', '--json']);
    const tokens = JSON.parse(stdout) as {
      token: string;
      principal: { agencyCode: string; roles: string[] };
    }[];
    expect(tokens).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          token: 'demo.issuer.lc-ubnd-tinh',
          principal: expect.objectContaining({ roles: ['issuer', 'officer'] }),
        }),
        expect.objectContaining({ token: 'demo.officer.lc-so-ldtbxh' }),
        expect.objectContaining({ token: 'demo.officer.lsc-phong-ldtbxh' }),
      ]),
    );
  });

  it('stops quietly when its reader closes the pipe early (`coord demo-tokens | head -1`)', async () => {
    const head = await coordPipedTo('demo-tokens', 'head -1');
    expect(head.stdout).toMatch(/^demo\.issuer\.lc-ubnd-tinh\s/);
    expect(head.stdout.trim().split('\n')).toHaveLength(1);
    expect(head.stderr).toBe('');
    // A reader that reads nothing at all: every write meets a closed pipe.
    const closed = await coordPipedTo('demo-tokens --json', 'true');
    expect(closed.stderr).toBe('');
  });

  it('reports a failure in one readable line and exits 1; the stack only with --verbose', async () => {
    const failed = await coord(['import', 'no-such-plan.docx']).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 1 });
    const { stderr } = failed as { stderr: string };
    expect(stderr).toBe("coord: ENOENT: no such file or directory, open 'no-such-plan.docx'\n");

    const verbose = (await coord(['import', 'no-such-plan.docx', '--verbose']).catch(
      (error: unknown) => error,
    )) as {
      code: number;
      stderr: string;
    };
    expect(verbose.code).toBe(1);
    expect(verbose.stderr.split('\n')[0]).toBe(
      "coord: ENOENT: no such file or directory, open 'no-such-plan.docx'",
    );
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('reports a database it cannot reach in one line', async () => {
    const failed = (await coord(['projections'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    }).catch((error: unknown) => error)) as { code: number; stderr: string };
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^coord: .*ECONNREFUSED.*\n$/);
  });

  it('refuses an unknown projection name', async () => {
    await expect(coord(['rebuild', 'nonsense'])).rejects.toMatchObject({ code: 1 });
  });

  describe('import, on the embedded database', () => {
    const plan = 'libs/plan-intake/seed-plans/langson-city-2024-nq121-kh.txt';
    let dataDir: string;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'coord-cli-'));
    });

    afterAll(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('shows a draft with --dry-run and records nothing', async () => {
      const { stdout } = await coord(['import', plan, '--dry-run', '--json'], { DATA_DIR: dataDir });
      const { draft } = JSON.parse(stdout) as {
        draft: { draftId: string | null; summary: { dutyTasks: number } };
      };
      expect(draft.draftId).toBeNull();
      expect(draft.summary.dutyTasks).toBe(11);
      const status = await coord(['projections'], { DATA_DIR: dataDir });
      expect(status.stdout).toContain('at position 0');
    });

    it('shows its progress on stderr while it reads a large document', async () => {
      const large = join(dataDir, 'large-plan.txt');
      const text = await readFile(plan, 'utf8');
      await writeFile(large, `${text}\n${'Phụ lục: số liệu trẻ em theo xã.\n'.repeat(60_000)}`);
      const { stdout, stderr } = await coord(['import', large, '--dry-run'], { DATA_DIR: dataDir });
      expect(stderr).toMatch(/large-plan\.txt: \d+\.\d MB, read in a worker thread\n {2}reading \.\.\.\n/u);
      expect(stderr).toMatch(/ {2}done in \d+\.\d s: \d+ tasks drafted\n$/u);
      expect(stdout).toContain('dry run: nothing stored');
    });

    it('records the plan with --confirm, and nothing new the second time', async () => {
      const first = await coord(['import', plan, '--confirm'], { DATA_DIR: dataDir });
      expect(first.stdout).toContain('confirmed: plan issued, 34 tasks assigned, 0 already present');
      const second = await coord(['import', plan, '--confirm'], { DATA_DIR: dataDir });
      expect(second.stdout).toContain('confirmed: plan already issued, 0 tasks assigned, 34 already present');
    });
  });

  describe('import, on PostgreSQL', () => {
    const plan = 'libs/plan-intake/seed-plans/langson-city-2024-nq121-kh.txt';
    const schema = uniqueSchema('cli_import');

    afterAll(async () => {
      const pool = await connectTestPostgres(1);
      await dropSchema(pool, schema);
      await pool.end();
    });

    it('records the plan with --confirm through DATABASE_URL, without DEMO_TOKENS', async () => {
      const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
      const { stdout } = await coord(['import', plan, '--confirm', '--json'], env);
      const { draft, confirmation } = JSON.parse(stdout) as {
        draft: { draftId: string; planId: string; summary: { tasksNeedingReview: number } };
        confirmation?: { planId: string; planIssued: boolean; tasksAssigned: number };
      };
      expect(draft.draftId).toMatch(/^[0-9a-f-]{36}$/);
      expect(confirmation).toMatchObject({ planId: draft.planId, planIssued: true, tasksAssigned: 34 });

      const pool = await connectTestPostgres(1);
      try {
        const events = await pool.query<{ type: string; n: string }>(
          `select type, count(*) as n from ${schema}.events group by type`,
        );
        const counts = Object.fromEntries(events.rows.map((row) => [row.type, Number(row.n)]));
        expect(counts).toEqual({ PlanIssued: 1, TaskAssigned: confirmation!.tasksAssigned });
      } finally {
        await pool.end();
      }
    });
  });

  describe('rebuild, on PostgreSQL', () => {
    let api: ApiHarness;

    beforeAll(async () => {
      api = await startApi('postgres');
    });

    afterAll(async () => {
      await api.close();
    });

    it('rebuilds every projection from position 0 to the same answers', async () => {
      const taskId = randomUUID();
      const assigned = await api.request('POST', '/tasks', 'demo.issuer.lc-ubnd-tinh', {
        taskId,
        planId: await api.plan(),
        title: 'Báo cáo năm 2025',
        duty: 'Báo cáo kết quả thực hiện',
        sourceClause: { section: 'VI', start: 0, end: 10 },
        dueDate: '2025-11-30',
        assignees: [{ agencyCode: 'lc-so-y-te', role: 'lead' }],
      });
      const path = `/agencies/lc-so-y-te/outstanding?asOf=2025-11-01T00:00:00Z&minPosition=${assigned.body.position}`;
      const before = await api.request('GET', path, 'demo.officer.lc-so-y-te');
      expect(before.body.items).toEqual([expect.objectContaining({ taskId })]);

      const { stdout } = await coord(['rebuild'], {
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: api.schema!,
      });
      expect(stdout).toContain(`rebuilt outstanding-tasks up to position ${assigned.body.position}`);

      const after = await api.request('GET', path, 'demo.officer.lc-so-y-te');
      expect(after.body).toEqual(before.body);
    });
  });
});
