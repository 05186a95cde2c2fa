import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { TEST_DATABASE_URL } from '../../../test/support/postgres.js';

const run = promisify(execFile);

/** Runs the built `coord` tool (npm test builds first) the way an operator would. */
function coord(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['bin/coord.js', ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
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

    it('records the plan with --confirm, and nothing new the second time', async () => {
      const first = await coord(['import', plan, '--confirm'], { DATA_DIR: dataDir });
      expect(first.stdout).toContain('confirmed: plan issued, 34 tasks assigned, 0 already present');
      const second = await coord(['import', plan, '--confirm'], { DATA_DIR: dataDir });
      expect(second.stdout).toContain('confirmed: plan already issued, 0 tasks assigned, 34 already present');
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
