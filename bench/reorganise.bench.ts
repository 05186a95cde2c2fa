/**
 * Reorganisation benchmark: `npm run bench:reorganise`.
 *
 * 10,000 open duties (BENCH_REORGANISE_DUTIES) led by the Lai Châu Sở LĐTBXH, half about child
 * protection, half about employment, are assigned with real TaskAssigned events and projected.
 * Then a split of the Sở by function (child protection to the Sở Y tế, labour to the Sở Nội vụ)
 * is drafted and confirmed through the application layer, as `coord reorganise --confirm` does.
 * Printed: the draft's time, the confirmation's time (it drafts again from the log, then records
 * one TaskReassigned per duty and the directory's events), and the check that every duty moved
 * to the successor of its function.
 *
 * Runs in a fresh schema `bench_reorg_<random>` at BENCH_DATABASE_URL, dropped at the end.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { ReorganisationScenario } from '#libs/agencies';
import { ExpectedVersion, PostgresEventStore, type NewEvent } from '#libs/event-store';
import { openProjectionDataSource, ProjectionRunner, allProjections } from '#libs/projections';
import { openReorganisations } from '#libs/platform';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DUTIES = Number(process.env.BENCH_REORGANISE_DUTIES ?? 10_000);
const OLD = 'lc-so-ldtbxh';

const scenario: ReorganisationScenario = {
  id: 'bench-split',
  title: 'Bench: the Sở LĐTBXH split by function',
  effectiveDate: '2025-07-01',
  basis: {
    number: 'Nghị định số 45/2025/NĐ-CP',
    date: '2025-02-28',
    title: 'Tổ chức các cơ quan chuyên môn',
  },
  functions: {
    'child-protection': { name: 'Bảo vệ trẻ em', keywords: ['trẻ em', 'xâm hại'] },
    labour: { name: 'Lao động, việc làm', keywords: ['việc làm', 'học nghề'] },
  },
  changes: [
    {
      kind: 'split',
      agency: OLD,
      successors: [
        { function: 'child-protection', agencyCode: 'lc-so-y-te' },
        { function: 'labour', agencyCode: 'lc-so-noi-vu' },
      ],
    },
  ],
};

async function main(): Promise<void> {
  const schema = `bench_reorg_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  const store = new PostgresEventStore(pool, { schema });
  await store.migrate();
  const dataSource = await openProjectionDataSource({ pool, schema });
  try {
    const setup = performance.now();
    const appends: { streamId: string; events: NewEvent[]; expected: ExpectedVersion }[] = [];
    for (let i = 0; i < DUTIES; i++) {
      const taskId = `bench-${i}`;
      const child = i % 2 === 0;
      appends.push({
        streamId: `task-${taskId}`,
        expected: ExpectedVersion.noStream,
        events: [
          {
            id: randomUUID(),
            type: 'TaskAssigned',
            data: {
              taskId,
              planId: 'plan-bench',
              title: child ? `Phòng, chống xâm hại trẻ em ${i}` : `Hỗ trợ học nghề, việc làm ${i}`,
              duty: child ? 'Triển khai các biện pháp bảo vệ trẻ em' : 'Tư vấn giới thiệu việc làm',
              sourceClause: { section: 'IV', start: 0, end: 10 },
              dueDate: '2026-11-30',
              assignees: [
                { agencyCode: OLD, role: 'lead' },
                { agencyCode: 'lc-so-gddt', role: 'support' },
              ],
              issuerAgencyCode: 'lc-ubnd-tinh',
              kind: 'duty',
              reportYear: null,
              byAgency: 'lc-ubnd-tinh',
            },
            metadata: {
              actor: { personId: 'bench', agencyCode: 'lc-ubnd-tinh' },
              occurredAt: '2025-01-15T02:00:00.000Z',
            },
          },
        ],
      });
    }
    for (let i = 0; i < appends.length; i += 1000)
      await store.appendAllWith(pool, appends.slice(i, i + 1000));
    const runner = new ProjectionRunner({ dataSource, store, projections: allProjections, batchSize: 2000 });
    await runner.catchUp();
    console.log(
      `setup: ${DUTIES} open duties of ${OLD} assigned and projected in ${((performance.now() - setup) / 1000).toFixed(1)} s`,
    );

    const reorganisations = openReorganisations({ store, dataSource });
    let started = performance.now();
    const draft = await reorganisations.draft(scenario);
    console.log(
      `draft: ${draft.summary.duties} duties, ${draft.summary.timers} timers, ${draft.summary.needsDecision} for a person, in ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
    started = performance.now();
    const result = await reorganisations.confirm(
      scenario,
      {},
      { personId: 'bench', agencyCode: 'lc-ubnd-tinh', roles: ['issuer'] },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `confirm: ${result.responsibilitiesMoved} responsibilities moved in ${seconds.toFixed(2)} s ` +
        `(${Math.round(result.responsibilitiesMoved / seconds)}/s, draft included) ${seconds <= 10 ? '<= 10 s: ok' : '> 10 s: TOO SLOW'}`,
    );
    const { rows } = await pool.query<{ to_agency: string; n: string }>(
      `select data->>'toAgency' as to_agency, count(*) as n from ${schema}.events where type = 'TaskReassigned' group by 1 order by 1`,
    );
    const byAgency = Object.fromEntries(rows.map((r) => [r.to_agency, Number(r.n)]));
    const ok =
      byAgency['lc-so-y-te'] === Math.ceil(DUTIES / 2) && byAgency['lc-so-noi-vu'] === Math.floor(DUTIES / 2);
    console.log(
      `check: ${JSON.stringify(byAgency)} ${ok ? 'every duty with the successor of its function' : 'WRONG'}`,
    );
    if (!ok || seconds > 10) process.exitCode = 1;
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
