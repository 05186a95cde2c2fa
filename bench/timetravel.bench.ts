/**
 * npm run bench:timetravel — past states and the cost of auditing reads.
 *
 * 1. Past state on a log of 1,000,000 events (PostgreSQL): 100,000 tasks of 10 events each
 *    (assigned, acknowledged, 8 progress reports; a tenth of the reports entered late: occurred
 *    weeks before they were recorded), spread over 1,000 agencies (each task has a lead and a
 *    supporter, so an agency is a party to about 200 tasks, 2,000 events). The events are written
 *    straight into the store's table, with the rows the projections would write for them (the
 *    agency-tasks index, the agency intervals folded by the projection's own function, its copy
 *    of the events), not through the API: that takes minutes otherwise. Then, on random tasks and
 *    agencies, at random instants on both axes, the past-state queries the API runs: one task (its
 *    stream folded), one agency's outstanding tasks and responsibilities (the rows of its
 *    intervals that hold the instant, docs/adr/0029), and, for comparison, the agency's
 *    outstanding tasks folded from its tasks' streams (ADR 0020), whose answer must be the same.
 *    p50/p99 in ms; target p99 <= 50 ms.
 * 2. Current-state reads with the audit of reads on and off: an API in this process (PGlite, as
 *    `npm start` runs it, and PostgreSQL with a worker), 16 clients on keep-alive connections
 *    reading GET /tasks/{id}/trail (audited) for BENCH_SECONDS each way, after a warm-up.
 *    p50/p99 and reads/s; target: p99 with the audit at most 20% above without.
 * The host is shared: compare figures of one run, not across runs. BENCH_KEEP_LOG=true keeps the
 * log's schema and BENCH_LOG_SCHEMA=<schema> measures it again without writing it;
 * BENCH_SKIP_PAST=true or BENCH_SKIP_READS=true leaves out part 1 or 2; BENCH_READS_BACKENDS=pglite
 * (or postgres) runs part 2 on one database only.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { PostgresEventStore, type RecordedEvent } from '#libs/event-store';
import { loadConfig } from '#libs/platform';
import {
  agencyIntervalsOf,
  agencyRowsAt,
  agencyTasksAt,
  openProjectionDataSource,
  outstandingAt,
  pageOutstanding,
  pageResponsibilities,
  taskAt,
  type PastInstant,
} from '#libs/projections';
import type { TaskEvent } from '#libs/tasks';
import { createApiApplication } from '../apps/api/src/bootstrap.js';
import { WorkerModule } from '../apps/worker/src/worker.module.js';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const EVENTS_PER_TASK = 10;
const AGENCIES = Number(process.env.BENCH_AGENCIES ?? 1_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 400);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = 16;
const DAY = 86_400_000;
/** The log covers two years of record time from here. */
const START = Date.parse('2024-06-01T00:00:00Z');
const SPAN = 2 * 365 * DAY;

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (${samples.length} queries)`;
};
const agency = (n: number) => `bench-agency-${String(n % AGENCIES).padStart(4, '0')}`;
/** A bench row as the store hands it out (positions are not needed by the folds). */
const asRecorded = (row: Row): RecordedEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  globalPosition: 0n,
  transactionId: 0n,
  type: row.type,
  schemaVersion: 1,
  data: row.data,
  metadata: { ...row.metadata, recordedAt: row.recorded_at },
});
const newSchema = () => `bench_tt_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

interface Row {
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data: TaskEvent['data'];
  metadata: { actor: { personId: string; agencyCode: string }; occurredAt: string };
  occurred_at: string;
  recorded_at: string;
}

/** The 10 events of task `n`, recorded one day apart from the task's start. */
function taskEvents(n: number): Row[] {
  const taskId = `bench-task-${n}`;
  const ref = { taskId, planId: 'bench-plan' };
  const lead = agency(n);
  const support = agency(n * 7 + 13);
  const begin = START + Math.floor((n / TASKS) * (SPAN - 30 * DAY));
  const events: TaskEvent[] = [
    {
      type: 'TaskAssigned',
      data: {
        ...ref,
        title: `Task ${n}`,
        duty: 'Rà soát trẻ em có hoàn cảnh đặc biệt',
        sourceClause: { section: 'V.1', start: 0, end: 10 },
        dueDate: new Date(begin + 180 * DAY).toISOString().slice(0, 10),
        assignees: [
          { agencyCode: lead, role: 'lead' },
          { agencyCode: support, role: 'support' },
        ],
        issuerAgencyCode: 'bench-ubnd',
        kind: 'duty',
        reportYear: null,
        byAgency: 'bench-ubnd',
      },
    },
    { type: 'TaskAcknowledged', data: { ...ref, agencyCode: lead, role: 'lead' } },
    ...Array.from({ length: EVENTS_PER_TASK - 2 }, (_, i): TaskEvent => ({
      type: 'ProgressReported',
      data: {
        ...ref,
        agencyCode: i % 2 ? support : lead,
        role: i % 2 ? 'support' : 'lead',
        text: `Báo cáo ${i}`,
        indicatorValues: [],
      },
    })),
  ];
  return events.map((event, index) => {
    const recorded = begin + index * DAY;
    // One report in ten is entered late: it happened three weeks before it was recorded.
    const occurred = index >= 2 && (n + index) % 10 === 0 ? recorded - 21 * DAY : recorded;
    return {
      event_id: randomUUID(),
      stream_id: `task-${taskId}`,
      stream_version: index + 1,
      type: event.type,
      data: event.data,
      metadata: {
        actor: { personId: 'bench', agencyCode: lead },
        occurredAt: new Date(occurred).toISOString(),
      },
      occurred_at: new Date(occurred).toISOString(),
      recorded_at: new Date(recorded).toISOString(),
    };
  });
}

async function pastStates(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  // BENCH_LOG_SCHEMA: a log written by an earlier run (kept with BENCH_KEEP_LOG=true) is reused.
  const reused = process.env.BENCH_LOG_SCHEMA;
  const schema = reused ?? newSchema();
  try {
    const store = new PostgresEventStore(pool, { schema });
    await store.migrate();
    const dataSource = await openProjectionDataSource({ pool, schema });
    const began = performance.now();
    const BATCH = 1_000;
    for (let first = 0; reused === undefined && first < TASKS; first += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, TASKS - first) }, (_, i) =>
        taskEvents(first + i),
      ).flat();
      await pool.query(
        `insert into ${schema}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, recorded_at)
         select r.event_id, r.stream_id, r.stream_version, r.type, 1, r.data, r.metadata, r.occurred_at, r.recorded_at
         from jsonb_to_recordset($1::jsonb) as r(event_id uuid, stream_id text, stream_version integer, type text,
           data jsonb, metadata jsonb, occurred_at timestamptz, recorded_at timestamptz)`,
        [JSON.stringify(rows)],
      );
      // What the agency-intervals projection writes: its copy of the events, the intervals.
      await pool.query(
        `insert into ${schema}.agency_interval_events (task_id, stream_version, event)
         select substr(e.stream_id, 6), e.stream_version, jsonb_build_object(
           'id', e.event_id, 'streamId', e.stream_id, 'streamVersion', e.stream_version,
           'globalPosition', e.global_position::text, 'transactionId', e.transaction_id::text,
           'type', e.type, 'schemaVersion', e.schema_version, 'data', e.data,
           'metadata', e.metadata::jsonb || jsonb_build_object('recordedAt',
             to_char(e.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
         from ${schema}.events e where e.stream_id = any($1::text[])`,
        [[...new Set(rows.map((row) => row.stream_id))]],
      );
      const streams = new Map<string, RecordedEvent[]>();
      for (const row of rows)
        streams.set(row.stream_id, [...(streams.get(row.stream_id) ?? []), asRecorded(row)]);
      const intervals = [...streams].flatMap(([streamId, events]) =>
        agencyIntervalsOf(streamId.slice('task-'.length), events),
      );
      await pool.query(
        `insert into ${schema}.agency_intervals (task_id, axis, agency_code, from_at, until_at, responsibilities, outstanding)
         select r.task_id, r.axis, r.agency_code, r.from_at, r.until_at, r.responsibilities, r.outstanding
         from jsonb_to_recordset($1::jsonb) as r(task_id text, axis text, agency_code text, from_at timestamptz,
           until_at timestamptz, responsibilities jsonb, outstanding jsonb)`,
        [
          JSON.stringify(
            intervals.map((interval) => ({
              task_id: interval.taskId,
              axis: interval.axis,
              agency_code: interval.agencyCode,
              from_at: interval.fromAt,
              until_at: interval.untilAt,
              responsibilities: interval.responsibilities,
              outstanding: interval.outstanding,
            })),
          ),
        ],
      );
      const index = Array.from({ length: Math.min(BATCH, TASKS - first) }, (_, i) => first + i).flatMap(
        (n) => [
          { agency_code: agency(n), task_id: `bench-task-${n}` },
          { agency_code: agency(n * 7 + 13), task_id: `bench-task-${n}` },
        ],
      );
      await pool.query(
        `insert into ${schema}.agency_tasks (agency_code, task_id, plan_id)
         select r.agency_code, r.task_id, 'bench-plan' from jsonb_to_recordset($1::jsonb) as r(agency_code text, task_id text)
         on conflict do nothing`,
        [JSON.stringify(index)],
      );
    }
    await pool.query(`analyze ${schema}.events`);
    await pool.query(`analyze ${schema}.agency_tasks`);
    await pool.query(`analyze ${schema}.agency_intervals`);
    const count = await pool.query<{ n: string }>(`select count(*)::text as n from ${schema}.events`);
    console.log(
      `log: ${Number(count.rows[0]?.n).toLocaleString('en')} events, ${TASKS.toLocaleString('en')} tasks, ${AGENCIES} agencies (written in ${((performance.now() - began) / 1000).toFixed(0)} s)`,
    );

    const instant = (i: number): PastInstant => ({
      axis: i % 2 ? 'knownAt' : 'validAt',
      at: new Date(START + Math.random() * SPAN).toISOString(),
    });
    const oneTask: number[] = [];
    const outstandingNow: number[] = [];
    const responsibilitiesNow: number[] = [];
    const outstandingFolded: number[] = [];
    let agencyRows = 0;
    let foldedTasks = 0;
    let differing = 0;
    for (let i = 0; i < QUERIES + 20; i++) {
      const warm = i >= 20; // the first 20: warm-up
      let t0 = performance.now();
      await taskAt(store, `bench-task-${Math.floor(Math.random() * TASKS)}`, instant(i));
      if (warm) oneTask.push(performance.now() - t0);
      const at = instant(i);
      const agencyCode = agency(Math.floor(Math.random() * AGENCIES));
      const options = { asOf: at.at, limit: 50 };
      t0 = performance.now();
      const { outstanding } = await agencyRowsAt(dataSource.manager, agencyCode, at, 'outstanding');
      const fromIntervals = pageOutstanding(outstanding, agencyCode, options);
      if (warm) outstandingNow.push(performance.now() - t0);
      t0 = performance.now();
      const { responsibilities } = await agencyRowsAt(dataSource.manager, agencyCode, at, 'responsibilities');
      pageResponsibilities(responsibilities, agencyCode, { status: 'all', limit: 50 });
      if (warm) responsibilitiesNow.push(performance.now() - t0);
      t0 = performance.now();
      const tasks = await agencyTasksAt(store, dataSource.manager, agencyCode, at);
      const folded = outstandingAt(tasks, agencyCode, options);
      if (warm) outstandingFolded.push(performance.now() - t0);
      foldedTasks += tasks.length;
      agencyRows += responsibilities.length;
      if (JSON.stringify(folded) !== JSON.stringify(fromIntervals)) differing += 1;
    }
    const runs = QUERIES + 20;
    console.log(`past state of one task (its stream folded, both axes):            ${summary(oneTask)}`);
    console.log(
      `past state of one agency, outstanding (its intervals at the instant): ${summary(outstandingNow)}`,
    );
    console.log(
      `past state of one agency, responsibilities (~${Math.round(agencyRows / runs)} rows at the instant): ${summary(responsibilitiesNow)}`,
    );
    console.log(
      `for comparison, outstanding folded from ~${Math.round(foldedTasks / runs)} task streams (ADR 0020): ${summary(outstandingFolded)}`,
    );
    console.log(`answers that differ between intervals and fold: ${differing} of ${runs}`);
    if (differing > 0) throw new Error('the agency intervals answered differently from the fold');
    await dataSource.destroy();
    if (process.env.BENCH_KEEP_LOG === 'true') console.log(`log kept: BENCH_LOG_SCHEMA=${schema}`);
    else await pool.query(`drop schema ${schema} cascade`);
  } finally {
    await pool.end();
  }
}

function get(agent: http.Agent, url: URL, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
  });
}

async function send(base: string, method: string, path: string, token: string, body: unknown): Promise<any> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function readLoad(backend: 'pglite' | 'postgres', readAudit: boolean): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coord-bench-tt-'));
  const schema = newSchema();
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    SEED_PLANS: 'false',
    READ_AUDIT: String(readAudit),
    RATE_LIMIT_PER_PRINCIPAL: '1000000',
    RATE_LIMIT_PER_IP: '1000000',
    ...(backend === 'pglite'
      ? { DATA_DIR: dataDir }
      : { DATABASE_URL, DATABASE_SCHEMA: schema, DEMO_TOKENS: 'true' }),
  });
  const app = await createApiApplication(config);
  let worker: INestApplicationContext | undefined;
  try {
    await app.listen(0, '127.0.0.1');
    if (backend === 'postgres') {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
      await worker.init();
    }
    const base = await app.getUrl();
    const issuer = 'demo.issuer.lc-ubnd-tinh';
    const text = [
      'ỦY BAN NHÂN DÂN',
      'TỈNH LAI CHÂU',
      '',
      `Số: ${Date.now() % 1e6}/KH-UBND`,
      '',
      'Lai Châu, ngày 3 tháng 6 năm 2024',
      '',
      'KẾ HOẠCH',
      '',
      'Đo hiệu năng',
      '',
      'I. TỔ CHỨC THỰC HIỆN',
      '',
      '1. Sở Lao động - Thương binh và Xã hội',
      '',
      'Chủ trì rà soát.',
      '',
    ].join('\n');
    const draft = await send(base, 'POST', '/plans/import', issuer, {
      fileName: 'kh.txt',
      contentBase64: Buffer.from(text).toString('base64'),
    });
    await send(base, 'POST', `/plans/drafts/${draft.draftId}/confirm`, issuer, {
      plan: { issuerAgencyCode: 'lc-ubnd-tinh' },
      tasks: draft.tasks.map(({ taskId }: { taskId: string }) => ({ taskId, exclude: true })),
    });
    const taskId = randomUUID();
    const assigned = await send(base, 'POST', '/tasks', issuer, {
      taskId,
      planId: draft.planId,
      title: 'Rà soát',
      duty: 'Rà soát',
      sourceClause: { section: 'I.1', start: 0, end: 10 },
      dueDate: '2025-11-30',
      assignees: [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }],
    });
    await fetch(`${base}/tasks/${taskId}?minPosition=${assigned.position}`, {
      headers: { authorization: `Bearer ${issuer}` },
    });
    const url = new URL(base);
    const path = `/tasks/${taskId}/trail`;
    const run = async (ms: number, latencies?: number[]) => {
      const until = performance.now() + ms;
      let failures = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
          while (performance.now() < until) {
            const t0 = performance.now();
            const status = await get(agent, url, path, 'demo.officer.lc-so-ldtbxh');
            if (status !== 200) failures += 1;
            latencies?.push(performance.now() - t0);
          }
          agent.destroy();
        }),
      );
      if (failures > 0) throw new Error(`${failures} reads were not answered 200`);
    };
    await run(3_000);
    const latencies: number[] = [];
    await run(SECONDS * 1000, latencies);
    return `${summary(latencies)}, ${(latencies.length / SECONDS).toFixed(0)} reads/s`;
  } finally {
    await worker?.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
    if (backend === 'postgres') {
      const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
      await pool.query(`drop schema if exists ${schema} cascade`);
      await pool.end();
    }
  }
}

async function main(): Promise<void> {
  console.log('bench:timetravel (shared host: compare figures within one run)');
  if (process.env.BENCH_SKIP_PAST !== 'true') await pastStates();
  if (process.env.BENCH_SKIP_READS === 'true') return;
  const backends = (process.env.BENCH_READS_BACKENDS ?? 'pglite,postgres')
    .split(',')
    .map((name) => name.trim())
    .filter((name): name is 'pglite' | 'postgres' => name === 'pglite' || name === 'postgres');
  for (const backend of backends) {
    const off = await readLoad(backend, false);
    const on = await readLoad(backend, true);
    console.log(`GET /tasks/{id}/trail, ${CLIENTS} clients, ${backend}, audit of reads off: ${off}`);
    console.log(`GET /tasks/{id}/trail, ${CLIENTS} clients, ${backend}, audit of reads on:  ${on}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
