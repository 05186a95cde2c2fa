/**
 * npm run bench:rebuild — rebuilding every projection from the log (`coord rebuild`).
 *
 * For each database (PostgreSQL, then PGlite as `npm start` runs it) a log of BENCH_EVENTS events
 * (default 1,000,000) is written: task lifecycles of 10 events (assigned to a lead and a supporter
 * among the seed plans' agencies, acknowledged by both, five progress reports, then submitted and
 * accepted or still open, or cancelled), tasks interleaved as a busy province would record them.
 * The events go straight into the store's table in large statements (through the store's API it
 * would take minutes); they are what the store holds, nothing else is written. Then
 * `rebuildAllInShadow` (what `coord rebuild` runs: shadow tables swapped in at the end, ADR 0045;
 * BENCH_MODE=in-place times `ProjectionRunner.rebuildAll` instead) replays the log into every
 * projection, timed: events/s, the time of each stage, CPU of
 * this process (with PGlite, the database too) and, on a local PostgreSQL, of the server's
 * processes; the time each projection's `apply` took. Meanwhile a reader asks an agency's
 * outstanding list (first page of 50, the query GET /agencies/{code}/outstanding runs) every
 * 20 ms on its own connection (PGlite: the one connection, between the rebuild's transactions):
 * p50/p99 and the count of answers. Target (issue #21): >= 40,000 events/s on PostgreSQL,
 * >= 15,000 on PGlite.
 *
 * BENCH_ADAPTERS (default `postgres,pglite`), BENCH_EVENTS (e.g. 50000 for a smoke run),
 * BENCH_DATABASE_URL, BENCH_KEEP_LOG=true keeps the PostgreSQL schema and BENCH_LOG_SCHEMA=<schema>
 * rebuilds it again without writing a log (A/B runs on one log), BENCH_ROUNDS (default 1)
 * rebuilds that many times in a row, BENCH_MD5=true prints the md5 of each projection table's
 * ordered rows afterwards (the same rows, the same sums: compare A/B runs), BENCH_BATCH sets the events per replay transaction (the runner's default, 20,000).
 * The host is shared: the load average is printed; compare
 * figures of one run, or interleaved runs, not across days.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { SEED_AGENCIES } from '#libs/agencies';
import { openDatabase, PostgresEventStore, type Database } from '#libs/event-store';
import {
  allProjections,
  listOutstanding,
  openProjectionDataSource,
  ProjectionRunner,
  rebuildAllInShadow,
  type Projection,
} from '#libs/projections';
import type { TaskEvent } from '#libs/tasks';
import { percentile, processTicks, TICK_MS } from './support/http-load.js';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADAPTERS = (process.env.BENCH_ADAPTERS ?? 'postgres,pglite').split(',').map((a) => a.trim());
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
const KEEP_LOG = process.env.BENCH_KEEP_LOG === 'true';
const REUSED_SCHEMA = process.env.BENCH_LOG_SCHEMA;
/** `shadow` (what `coord rebuild` does) or `in-place` (ProjectionRunner.rebuildAll: A/B runs). */
const MODE = process.env.BENCH_MODE ?? 'shadow';
const PRINT_MD5 = process.env.BENCH_MD5 === 'true';
const EVENTS_PER_TASK = 10;
const TASKS = Math.ceil(EVENTS / EVENTS_PER_TASK);
/** Tasks recorded side by side: their events interleave in the log. */
const WINDOW = 2_000;
const APPLICATION_NAME = 'coord-bench-rebuild';
const TARGETS: Record<string, number> = { postgres: 40_000, pglite: 15_000 };
const DAY = 86_400_000;
const START = Date.parse('2025-01-01T00:00:00Z');

const AGENCIES = SEED_AGENCIES.map((agency) => agency.code);
const ISSUER = AGENCIES[0]!;
const agency = (n: number) => AGENCIES[n % AGENCIES.length]!;
const format = (n: number) => Math.round(n).toLocaleString('en');

interface Row {
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data: TaskEvent['data'];
  metadata: { actor: { personId: string; agencyCode: string }; occurredAt: string; correlationId: string };
  occurred_at: string;
  recorded_at: string;
}

/** The 10 events of task `n`: most are completed, some still open, a few cancelled. */
function taskEvents(n: number): TaskEvent[] {
  const ref = { taskId: `bench-task-${n}`, planId: `bench-plan-${n % 40}` };
  const lead = agency(n);
  const support = agency(n * 7 + 3);
  const begin = START + (n % 365) * DAY;
  const report = (i: number, by: string, role: 'lead' | 'support'): TaskEvent => ({
    type: 'ProgressReported',
    data: {
      ...ref,
      agencyCode: by,
      role,
      text: `Báo cáo tiến độ lần ${i}: đã rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt`,
      indicatorValues: [],
    },
  });
  const events: TaskEvent[] = [
    {
      type: 'TaskAssigned',
      data: {
        ...ref,
        title: `Rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt ${n}`,
        duty: 'Chủ trì, phối hợp rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt trên địa bàn',
        sourceClause: { section: 'V.1', start: 0, end: 10 },
        dueDate: new Date(begin + 180 * DAY).toISOString().slice(0, 10),
        assignees: [
          { agencyCode: lead, role: 'lead' },
          { agencyCode: support, role: 'support' },
        ],
        issuerAgencyCode: ISSUER,
        kind: 'duty',
        reportYear: null,
        byAgency: ISSUER,
      },
    },
    { type: 'TaskAcknowledged', data: { ...ref, agencyCode: lead, role: 'lead' } },
    { type: 'TaskAcknowledged', data: { ...ref, agencyCode: support, role: 'support' } },
    report(1, lead, 'lead'),
    report(2, support, 'support'),
    report(3, lead, 'lead'),
    report(4, support, 'support'),
    report(5, lead, 'lead'),
  ];
  if (n % 10 === 9) {
    events.push(report(6, lead, 'lead'), {
      type: 'TaskCancelled',
      data: { ...ref, reason: 'Nhiệm vụ được lồng ghép vào kế hoạch khác', byAgency: ISSUER },
    });
  } else if (n % 3 === 0) {
    events.push(report(6, support, 'support'), report(7, lead, 'lead'));
  } else {
    events.push(
      {
        type: 'CompletionSubmitted',
        data: { ...ref, agencyCode: lead, role: 'lead', report: 'Đã hoàn thành' },
      },
      {
        type: 'CompletionAccepted',
        data: { ...ref, agencyCode: lead, role: 'lead', reason: null, byAgency: ISSUER, decidedAs: 'issuer' },
      },
    );
  }
  return events;
}

/** Rows of tasks [first, first + count): one step of every task in turn, a day apart. */
function windowRows(first: number, count: number): Row[] {
  const lifecycles = Array.from({ length: count }, (_, i) => taskEvents(first + i));
  const rows: Row[] = [];
  for (let step = 0; step < EVENTS_PER_TASK; step++) {
    for (const [i, events] of lifecycles.entries()) {
      const event = events[step];
      if (!event) continue;
      const n = first + i;
      const at = new Date(START + (n % 365) * DAY + step * DAY).toISOString();
      rows.push({
        event_id: randomUUID(),
        stream_id: `task-bench-task-${n}`,
        stream_version: step + 1,
        type: event.type,
        data: event.data,
        metadata: {
          actor: { personId: 'bench', agencyCode: agency(n) },
          occurredAt: at,
          correlationId: randomUUID(),
        },
        occurred_at: at,
        recorded_at: at,
      });
    }
  }
  return rows;
}

async function writeLog(pool: pg.Pool, schema: string): Promise<number> {
  let written = 0;
  for (let first = 0; first < TASKS; first += WINDOW) {
    const rows = windowRows(first, Math.min(WINDOW, TASKS - first));
    // Several transactions per window, as commits of many writers would be.
    for (let offset = 0; offset < rows.length; offset += 5_000) {
      await pool.query(
        `insert into ${schema}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, recorded_at)
         select r.event_id, r.stream_id, r.stream_version, r.type, 1, r.data, r.metadata, r.occurred_at, r.recorded_at
         from jsonb_to_recordset($1::jsonb) as r(event_id uuid, stream_id text, stream_version integer, type text,
           data jsonb, metadata jsonb, occurred_at timestamptz, recorded_at timestamptz)`,
        [JSON.stringify(rows.slice(offset, offset + 5_000))],
      );
    }
    written += rows.length;
  }
  return written;
}

/** The local server's processes working for this run (its backends and background workers). */
async function serverTicks(pool: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>(
    `select pid from pg_stat_activity where application_name = $1 or backend_type <> 'client backend'`,
    [APPLICATION_NAME],
  );
  // Processes that are gone (or not on this host) are left out.
  return new Map(
    rows.map((row) => [row.pid, processTicks(row.pid)] as const).filter(([, ticks]) => !Number.isNaN(ticks)),
  );
}

function serverCpuMs(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, value] of after) ticks += value - (before.get(pid) ?? 0);
  return ticks * TICK_MS;
}

/** Each projection's `apply`, timed (wall clock, inside the rebuild's transactions). */
function timed(projections: readonly Projection[], spent: Map<string, number>): Projection[] {
  return projections.map((projection) => ({
    ...projection,
    reset: (manager) => projection.reset(manager),
    apply: async (events, manager) => {
      const t0 = performance.now();
      try {
        await projection.apply(events, manager);
      } finally {
        spent.set(projection.name, (spent.get(projection.name) ?? 0) + performance.now() - t0);
      }
    },
  }));
}

/** Asks the outstanding list every 20 ms until stopped; the latencies in ms. */
function reader(readDatabase: Database, schema: string, agencyCode: string) {
  const latencies: number[] = [];
  let errors = 0;
  let stopped = false;
  const done = (async () => {
    const dataSource = await openProjectionDataSource({ pool: readDatabase.pool, schema });
    try {
      while (!stopped) {
        const t0 = performance.now();
        try {
          await listOutstanding(dataSource.manager, agencyCode, { limit: 50, asOf: new Date() });
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await dataSource.destroy();
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return { latencies: latencies.sort((a, b) => a - b), errors };
    },
  };
}

/** The projection tables (bench:rebuild prints their md5 with BENCH_MD5=true). */
const PROJECTION_TABLES = [
  'projection_checkpoints',
  'projection_task_states',
  'plans',
  'tasks',
  'responsibilities',
  'outstanding_tasks',
  'task_trail',
  'plan_progress',
  'agency_tasks',
  'deadline_timers',
  'deadline_notices',
  'task_outcomes',
  'agency_intervals',
  'agency_interval_events',
  'deadline_plans',
  'deadline_holiday_amendments',
  'agency_interval_tasks',
];

/** The md5 of each projection table's rows in a stable order: equal rows, equal sums (A/B checks). */
async function printMd5(pool: pg.Pool, schema: string): Promise<void> {
  for (const name of PROJECTION_TABLES) {
    // A checkpoint's updated_at is the time it was written, not part of what was built.
    const source =
      name === 'projection_checkpoints'
        ? `(select projection_name, version, transaction_id, global_position from ${schema}.${name}) t`
        : `${schema}.${name} t`;
    const { rows } = await pool.query<{ md5: string; n: string }>(
      `select md5(string_agg(t::text, '|' order by t::text)) as md5, count(*)::text as n from ${source}`,
    );
    console.log(`    md5 ${name.padEnd(28)} ${rows[0]!.md5} (${format(Number(rows[0]!.n))} rows)`);
  }
}

async function run(adapter: string): Promise<void> {
  const dataDir = adapter === 'pglite' ? await mkdtemp(join(tmpdir(), 'coord-bench-rebuild-')) : undefined;
  const database = await openDatabase({
    databaseUrl: adapter === 'postgres' ? DATABASE_URL : undefined,
    dataDir: dataDir ?? 'memory',
    poolSize: 4,
    applicationName: APPLICATION_NAME,
  });
  const reused = adapter === 'postgres' ? REUSED_SCHEMA : undefined;
  const schema = reused ?? `bench_rb_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const keep = adapter === 'postgres' && (KEEP_LOG || reused !== undefined);
  try {
    const store = new PostgresEventStore(database.pool, { schema });
    await store.migrate();
    const dataSource = await openProjectionDataSource({ pool: database.pool, schema });
    try {
      let logged = 0;
      if (!reused) {
        const t0 = performance.now();
        logged = await writeLog(database.pool, schema);
        console.log(
          `\n${adapter}: ${format(logged)} events of ${format(TASKS)} tasks written in ${((performance.now() - t0) / 1000).toFixed(1)} s (schema ${schema})`,
        );
      } else {
        const { rows } = await database.pool.query<{ n: string }>(
          `select count(*)::text as n from ${schema}.events`,
        );
        logged = Number(rows[0]!.n);
        console.log(`\n${adapter}: rebuilding the log of ${format(logged)} events in schema ${schema}`);
      }
      await database.pool.query(`vacuum analyze ${schema}.events`);

      for (let round = 1; round <= ROUNDS; round++) {
        const spent = new Map<string, number>();
        const runner = new ProjectionRunner({
          dataSource,
          store,
          projections: timed(allProjections, spent),
          ...(BATCH ? { batchSize: BATCH } : {}),
        });
        const load = loadavg()[0]!;
        // The reader uses the same pool on PGlite (its one connection), a connection of its own on PostgreSQL.
        const read = reader(database, schema, agency(0));
        const serverBefore = adapter === 'postgres' ? await serverTicks(database.pool) : undefined;
        const cpuBefore = process.cpuUsage();
        const stages: { stage: string; at: number }[] = [];
        const t0 = performance.now();
        if (MODE === 'in-place') await runner.rebuildAll();
        else {
          await rebuildAllInShadow({
            pool: database.pool,
            databaseKind: database.kind,
            schema,
            store,
            projections: timed(allProjections, spent),
            ...(BATCH ? { batchSize: BATCH } : {}),
            onProgress: ({ stage }) => {
              if (stage !== stages.at(-1)?.stage) stages.push({ stage, at: performance.now() });
            },
          });
        }
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        const serverMs = serverBefore ? serverCpuMs(serverBefore, await serverTicks(database.pool)) : NaN;
        const reads = await read.stop();
        const nodeSeconds = (cpu.user + cpu.system) / 1e6;
        const rate = logged / seconds;
        const target = TARGETS[adapter] ?? 0;
        console.log(
          `  round ${round}: ${MODE === 'in-place' ? 'rebuildAll' : 'rebuildAllInShadow'} ${format(rate)} events/s in ${seconds.toFixed(1)} s (target >= ${format(target)}: ${rate >= target ? 'met' : 'MISSED'}); ` +
            `load average ${load.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
        );
        console.log(
          `    CPU: node ${nodeSeconds.toFixed(1)} s (${((nodeSeconds * 1e6) / logged).toFixed(1)} µs/event, ${(nodeSeconds / seconds).toFixed(2)} cores)` +
            (Number.isNaN(serverMs)
              ? ''
              : `, PostgreSQL ${(serverMs / 1000).toFixed(1)} s (${((serverMs * 1000) / logged).toFixed(1)} µs/event, ${(serverMs / 1000 / seconds).toFixed(2)} cores)`),
        );
        if (stages.length > 0) {
          const end = t0 + seconds * 1000;
          const times = stages.map(
            ({ stage, at }, i) => `${stage} ${(((stages[i + 1]?.at ?? end) - at) / 1000).toFixed(1)} s`,
          );
          console.log(`    stages: ${times.join(', ')}`);
        }
        console.log(
          `    outstanding list during the rebuild: ${reads.latencies.length} answers, ${reads.errors} errors, p50 ${percentile(reads.latencies, 50).toFixed(1)} ms, p99 ${percentile(reads.latencies, 99).toFixed(1)} ms, max ${(reads.latencies.at(-1) ?? NaN).toFixed(1)} ms`,
        );
        // A batch's projections apply together on one connection (ADR 0040): each one's time runs
        // from its start to its end, waits for the others' statements included, so they overlap.
        console.log(
          `    apply per projection (ms from its start to its end in each batch, summed; they run together, so the times overlap; % of the rebuild's ${format(seconds * 1000)} ms):`,
        );
        for (const [name, ms] of [...spent].sort((a, b) => b[1] - a[1])) {
          console.log(
            `      ${name.padEnd(20)} ${format(ms).padStart(8)} ms  ${((ms / (seconds * 1000)) * 100).toFixed(0).padStart(3)}%`,
          );
        }
        if (PRINT_MD5) await printMd5(database.pool, schema);
      }
    } finally {
      await dataSource.destroy();
    }
  } finally {
    if (!keep && adapter === 'postgres') await database.pool.query(`drop schema if exists ${schema} cascade`);
    else if (keep) console.log(`  kept schema ${schema} (BENCH_LOG_SCHEMA=${schema} rebuilds it again)`);
    await database.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

for (const adapter of ADAPTERS) {
  if (adapter !== 'postgres' && adapter !== 'pglite') throw new Error(`Unknown adapter ${adapter}`);
  await run(adapter);
}
