import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApi } from '../../../test/support/api-harness.js';

const run = promisify(execFile);

/** The built `coord` tool (npm test builds first) on its own embedded database. */
function coord(args: string[], dataDir: string) {
  const { DEMO_TOKENS: _demo, DATABASE_URL: _url, ...env } = process.env;
  return run(process.execPath, ['bin/coord.js', ...args], {
    env: { ...env, LOG_LEVEL: 'silent', DATA_DIR: dataDir },
  });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected coord to fail');
    },
    (error: unknown) => error as { code: number; stdout: string; stderr: string },
  );

/**
 * `coord directory import` and `coord reorganise` as an operator runs them on the embedded
 * default: a malformed directory file answers each error with its line and field and records
 * nothing; the 2025 scenario is shown with --dry-run and recorded with --confirm.
 */
describe('coord directory import and coord reorganise, on the embedded database', () => {
  let dir: string;
  // Both tests use one embedded database, in order: each `coord` run opens it anew (seconds).

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coord-reorganise-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a malformed directory file line by line and records nothing; a good one is recorded with the seed', async () => {
    const data = join(dir, 'data');
    const bad = join(dir, 'bad.jsonl');
    await writeFile(
      bad,
      [
        '{"type":"agency","code":"lc-xa-a","name":"Ủy ban nhân dân xã A","level":"commune","parentCode":"lc-ubnd-tinh","jurisdiction":"lai-chau","aliases":[]}',
        '{"type":"agency","code":"lc-xa-b","name":"","level":"hamlet","parentCode":"lc-ubnd-tinh","jurisdiction":"lai-chau","aliases":[]}',
        '{"type":"agency","code":"lc-xa-c",',
      ].join('\n'),
    );
    const refused = await failure(coord(['directory', 'import', bad], data));
    expect(refused.code).toBe(1);
    const lines = refused.stderr.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `${bad}:2: /name: must be a non-empty string`,
      `${bad}:2: /level: must be one of province, department, district, commune, mass-organisation`,
    ]);
    expect(lines[2]).toMatch(/:3: \(record\): not a JSON record: /);
    expect(lines.slice(3)).toEqual(['coord: 3 error(s); nothing recorded', '']);

    const good = join(dir, 'good.jsonl');
    await writeFile(
      good,
      '{"type":"agency","code":"lc-xa-a","name":"Ủy ban nhân dân xã A","level":"commune","parentCode":"lc-ubnd-tinh","jurisdiction":"lai-chau","aliases":["UBND xã A"]}\n',
    );
    const recorded = await coord(['directory', 'import', good, '--json'], data);
    // The seed's 68 events, recorded with the first change, then this one: the refused file left nothing.
    expect(JSON.parse(recorded.stdout)).toMatchObject({
      ok: true,
      dryRun: false,
      events: 1,
      summary: { created: 1 },
      position: '69',
    });
  });

  it('shows the 2025 scenario with --dry-run, then records it with --confirm (same database)', async () => {
    const data = join(dir, 'data');
    await coord(['import', 'libs/plan-intake/seed-plans/langson-city-2024-nq121-kh.txt', '--confirm'], data);
    const scenario = 'deploy/reorganisations/2025-seed-provinces.json';

    const dry = JSON.parse(
      (await coord(['reorganise', '--file', scenario, '--dry-run', '--json'], data)).stdout,
    ) as {
      draft: {
        plans: { toIssuer: string }[];
        moves: { taskId: string; fromAgency: string; toAgency: string }[];
        needsDecision: { taskId: string; fromAgency: string; cycle?: unknown }[];
      };
      result?: unknown;
    };
    expect(dry.result).toBeUndefined();
    expect(dry.draft.plans).toEqual([
      expect.objectContaining({ fromIssuer: 'lsc-ubnd-thanh-pho', toIssuer: 'ls-ubnd-tinh' }),
    ]);
    expect(dry.draft.moves.filter((m) => m.fromAgency === 'lsc-phong-ldtbxh').length).toBeGreaterThan(0);

    const confirmed = await coord(['reorganise', '--file', scenario, '--confirm'], data);
    expect(confirmed.stdout).toMatch(
      /confirmed: \d+ responsibilities moved, \d+ handoffs offered to successors, 1 plans passed on, \d+ reports of cycles not opened yet moved, 4 agencies succeeded/,
    );

    // The API started on that database answers for the old body with its successors; its tokens
    // read, and act no more.
    const api = await startApi('pglite', { DATA_DIR: data });
    try {
      const officer = 'demo.officer.lsc-phong-ldtbxh';
      const agency = await api.request('GET', '/agencies/lsc-phong-ldtbxh', officer);
      expect(agency.body).toMatchObject({
        successors: [
          { function: 'child-protection', agencyCode: 'ls-so-y-te' },
          { function: 'labour', agencyCode: 'ls-so-noi-vu' },
        ],
        succession: {
          kind: 'dissolve',
          effectiveDate: '2025-07-01',
          basis: { number: 'Nghị quyết số 1672/NQ-UBTVQH15' },
        },
      });
      const outstanding = await api.request('GET', '/agencies/lsc-phong-ldtbxh/outstanding', officer);
      // What is left is exactly what the draft left to a person (a report naming no function);
      // the cycles not opened yet it left are not outstanding, nobody owes them yet.
      expect(outstanding.body).toMatchObject({ successors: agency.body.successors });
      expect((outstanding.body.items as { taskId: string }[]).map((i) => i.taskId).sort()).toEqual(
        dry.draft.needsDecision
          .filter((d) => d.fromAgency === 'lsc-phong-ldtbxh' && d.cycle === undefined)
          .map((d) => d.taskId)
          .sort(),
      );
      const moved = dry.draft.moves.find((m) => m.fromAgency === 'lsc-phong-ldtbxh')!;
      const trail = await api.request('GET', `/tasks/${moved.taskId}/trail`, officer);
      expect(JSON.stringify(trail.body)).toContain(
        'responsibility passed to Sở Y tế tỉnh Lạng Sơn by decision Nghị quyết số 1672/NQ-UBTVQH15 of 2025-06-16, effective 2025-07-01',
      );
      const acting = await api.request('POST', `/tasks/${moved.taskId}/acknowledge`, officer, {});
      expect(acting.status).toBe(403);
      expect(acting.body).toMatchObject({ code: 'agency.dissolved' });
    } finally {
      await api.close();
    }
  });
});
