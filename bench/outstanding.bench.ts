/**
 * npm run bench:outstanding — an agency's outstanding list over HTTP, with 50,000 open tasks.
 *
 * For each database (PostgreSQL, then PGlite as `npm start` runs it) an API is booted in this
 * process and one agency is given BENCH_OPEN_TASKS open tasks (default 50,000), among
 * BENCH_OTHER_TASKS rows of 100 other agencies (default 100,000). The rows are written straight
 * into the `outstanding_tasks` projection table, which is what the list reads (through the API it
 * would take an hour of commands); due dates spread over two years, so many tasks share one, and
 * states over all seven. Then one client on a keep-alive connection asks, each BENCH_REQUESTS times
 * (default 1,000) after a warm-up, the cases in turn (one request of each per round; the two
 * costly ones in rounds of their own):
 * - the first page of 50 (sort by due date, the default): the target is p99 <= 5 ms;
 * - a page deep in the list (after 40,000 tasks) by its cursor;
 * - for comparison: the first page with count=true (the whole list counted), the same deep page by
 *   offset=40000 (what a client paging by offset pays), the first page by state and latest first.
 * Each answer is checked (200, 50 items, a next cursor). The first and deep pages are also timed
 * at the query layer (listOutstanding, what the controller calls) to tell the database's part from
 * the HTTP stack's. The audit of reads is on, as by default
 * (BENCH_READ_AUDIT=false to leave it out): every read is recorded before it is answered.
 * Prints p50/p99 in ms per case and, on PostgreSQL, the plan of the first page's query; for each
 * group of cases measured together, the CPU this process spent per request (process.cpuUsage over
 * the measured rounds: the API and the client both run here; the database's own CPU is not in it),
 * the garbage collector's pauses in those rounds, and how many of the slowest 1% of requests of
 * each case overlapped a pause (is the tail the collector's?).
 * The host is shared: compare figures of one run, not across runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { performance, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import pg from 'pg';
import { loadConfig, PROJECTION_DATA_SOURCE } from '#libs/platform';
import { listOutstanding, OUTSTANDING_STATES, projectionSchema } from '#libs/projections';
import { createApiApplication } from '../apps/api/src/bootstrap.js';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const OPEN_TASKS = Number(process.env.BENCH_OPEN_TASKS ?? 50_000);
const OTHER_TASKS = Number(process.env.BENCH_OTHER_TASKS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1_000);
const DEEP = Math.min(40_000, Math.floor(OPEN_TASKS * 0.8));
const READ_AUDIT = process.env.BENCH_READ_AUDIT ?? 'true';
const AGENCY = 'lc-so-ldtbxh';
const TOKEN = `demo.officer.${AGENCY}`;
const TARGET_P99_MS = 5;

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Answer {
  readonly status: number;
  readonly body: { items?: unknown[]; next?: string | null; total?: number };
}

function get(agent: http.Agent, url: URL, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${TOKEN}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'],
          }),
        );
      },
    );
    request.on('error', reject);
  });
}

/** One agency's open tasks and other agencies' rows, written as the projection writes them. */
async function load(dataSource: DataSource): Promise<void> {
  const s = projectionSchema(dataSource);
  const states = `(array[${OUTSTANDING_STATES.map((state) => `'${state}'`).join(',')}])`;
  const rows = (agency: string, from: number, count: number) => `
    insert into ${s}.outstanding_tasks
      (agency_code, task_id, plan_id, title, role, due_date, state, state_rank)
    select ${agency}, 'bench-' || lpad(i::text, 7, '0'), 'bench-plan-' || (i % 40),
           'Rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt số ' || i,
           (array['lead','support','requested'])[1 + i % 3], date '2025-01-01' + (i * 7919 % 730),
           ${states}[1 + i % ${OUTSTANDING_STATES.length}], i % ${OUTSTANDING_STATES.length}
    from generate_series(${from}, ${from + count - 1}) i`;
  await dataSource.query(rows(`'${AGENCY}'`, 1, OPEN_TASKS));
  await dataSource.query(rows(`'bench-other-' || (i % 100)`, OPEN_TASKS + 1, OTHER_TASKS));
  // As autovacuum would after such a load (then it does not run during the measurement).
  await dataSource.query(`vacuum analyze ${s}.outstanding_tasks`);
}

/** The garbage collector's pauses, as perf_hooks reports them (start and duration, in ms). */
const gcPauses: { start: number; duration: number }[] = [];
const keepPauses = (entries: readonly PerformanceEntry[]) => {
  for (const entry of entries) gcPauses.push({ start: entry.startTime, duration: entry.duration });
};
const gcObserver = new PerformanceObserver((list) => keepPauses(list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });

const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

interface Measured {
  /** Each case's latencies, sorted, in ms. */
  readonly latencies: number[][];
  /** Per case, how many of its slowest 1% of requests overlapped a garbage collector's pause. */
  readonly tailInGc: number[];
  readonly summary: string;
}

/**
 * Each case REQUESTS times, in rounds of one request per case (after 200 unmeasured rounds): a busy
 * moment of the shared host falls on every case alike rather than on whichever ran then.
 */
async function measure(agent: http.Agent, url: URL, paths: readonly string[]): Promise<Measured> {
  const check = (path: string, answer: Answer) => {
    if (answer.status !== 200 || answer.body.items?.length !== 50 || typeof answer.body.next !== 'string') {
      throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
  };
  const warmUp = Math.min(200, REQUESTS);
  const samples = paths.map((): { start: number; ms: number }[] => []);
  let cpu = process.cpuUsage();
  let from = performance.now();
  for (let round = 0; round < warmUp + REQUESTS; round++) {
    if (round === warmUp) {
      cpu = process.cpuUsage();
      from = performance.now();
    }
    for (const [i, path] of paths.entries()) {
      const t0 = performance.now();
      const answer = await get(agent, url, path);
      if (round >= warmUp) samples[i]!.push({ start: t0, ms: performance.now() - t0 });
      check(path, answer);
    }
  }
  const used = process.cpuUsage(cpu);
  const to = performance.now();
  // Node records a pause in a callback of the turn after it: one turn, then the entries not yet
  // delivered to the observer are taken.
  await new Promise((resolve) => setImmediate(resolve));
  keepPauses(gcObserver.takeRecords());
  const pauses = gcPauses.filter((pause) => pause.start >= from && pause.start <= to);
  const overlapsGc = ({ start, ms }: { start: number; ms: number }) =>
    pauses.some((pause) => pause.start < start + ms && pause.start + pause.duration > start);
  const tailInGc = samples.map((list) => {
    const slowest = [...list].sort((a, b) => b.ms - a.ms).slice(0, Math.ceil(list.length / 100));
    return slowest.filter(overlapsGc).length;
  });
  const requests = REQUESTS * paths.length;
  const gcMs = pauses.reduce((sum, pause) => sum + pause.duration, 0);
  const maxGc = pauses.reduce((max, pause) => Math.max(max, pause.duration), 0);
  return {
    latencies: samples.map((list) => list.map(({ ms }) => ms).sort((a, b) => a - b)),
    tailInGc,
    summary: `${requests} requests: CPU ${((used.user + used.system) / 1000 / requests).toFixed(3)} ms per request (user ${(used.user / 1000 / requests).toFixed(3)}, system ${(used.system / 1000 / requests).toFixed(3)}), GC ${pauses.length} pauses ${gcMs.toFixed(0)} ms (max ${maxGc.toFixed(1)}), load average ${loadAverage()}`,
  };
}

async function run(backend: 'postgres' | 'pglite'): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coord-bench-outstanding-'));
  const schema = `bench_out_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    SEED_PLANS: 'false',
    READ_AUDIT,
    RATE_LIMIT_PER_PRINCIPAL: '1000000',
    RATE_LIMIT_PER_IP: '1000000',
    ...(backend === 'pglite'
      ? { DATA_DIR: dataDir }
      : { DATABASE_URL, DATABASE_SCHEMA: schema, DEMO_TOKENS: 'true' }),
  });
  const app = await createApiApplication(config);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await app.listen(0, '127.0.0.1');
    const url = new URL(await app.getUrl());
    const dataSource = app.get<DataSource>(PROJECTION_DATA_SOURCE);
    let t0 = performance.now();
    await load(dataSource);
    console.log(
      `\n${backend}: ${OPEN_TASKS.toLocaleString('en')} open tasks of ${AGENCY} and ${OTHER_TASKS.toLocaleString('en')} of 100 other agencies written into outstanding_tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s (load average ${loadAverage()})`,
    );
    const base = `/agencies/${AGENCY}/outstanding?limit=50`;
    // The cursor of the page after DEEP tasks, found by following next in pages of 500.
    t0 = performance.now();
    let cursor: string | null = null;
    for (let read = 0; read < DEEP; read += 500) {
      const answer = await get(
        agent,
        url,
        `/agencies/${AGENCY}/outstanding?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      if (answer.status !== 200 || !answer.body.next) throw new Error(`paging stopped at ${read}`);
      cursor = answer.body.next;
    }
    console.log(
      `  followed next through ${DEEP.toLocaleString('en')} tasks in pages of 500: ${(performance.now() - t0).toFixed(0)} ms`,
    );
    if (backend === 'postgres') {
      const plan = await dataSource.query<{ 'QUERY PLAN': string }[]>(
        `explain select * from ${projectionSchema(dataSource)}.outstanding_tasks where agency_code = $1
         order by due_date, task_id limit 51`,
        [AGENCY],
      );
      console.log(`  plan of the first page: ${plan.map((row) => row['QUERY PLAN'].trim()).join(' / ')}`);
    }
    const cases: [string, string][] = [
      ['first page of 50 (due date)', base],
      [`page after ${DEEP.toLocaleString('en')} by cursor`, `${base}&cursor=${cursor!}`],
      ['first page, sort=state', `${base}&sort=state`],
      ['first page, sort=-dueDate', `${base}&sort=-dueDate`],
      ['first page with count=true', `${base}&count=true`],
      [`page after ${DEEP.toLocaleString('en')} by offset`, `${base}&offset=${DEEP}`],
    ];
    console.log(`  ${'case'.padEnd(40)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    // The query layer alone (what the controller calls), to tell the database's part from HTTP's.
    const asOf = new Date().toISOString();
    for (const [name, after] of [
      ['query layer: first page of 50', undefined],
      [`query layer: page after ${DEEP.toLocaleString('en')}`, cursor!],
    ] as const) {
      const latencies: number[] = [];
      let cpu = process.cpuUsage();
      for (let i = 0; i < REQUESTS + Math.min(200, REQUESTS); i++) {
        if (i === Math.min(200, REQUESTS)) cpu = process.cpuUsage();
        const t0 = performance.now();
        const page = await listOutstanding(dataSource.manager, AGENCY, {
          asOf,
          limit: 50,
          ...(after === undefined ? {} : { cursor: after }),
        });
        if (i >= Math.min(200, REQUESTS)) latencies.push(performance.now() - t0);
        if (page.items.length !== 50 || page.next === null) throw new Error(`${name}: not a full page`);
      }
      const used = process.cpuUsage(cpu);
      const sorted = latencies.sort((a, b) => a - b);
      console.log(
        `  ${name.padEnd(40)} ${percentile(sorted, 50).toFixed(2).padStart(8)} ${percentile(sorted, 99).toFixed(2).padStart(8)}  CPU ${((used.user + used.system) / 1000 / REQUESTS).toFixed(3)} ms per call`,
      );
    }
    // The cheap cases in turn, then the costly ones apart: on PGlite the database shares the
    // process, and a case right after a costly one would pay for its garbage.
    const groups = [
      await measure(
        agent,
        url,
        cases.slice(0, 4).map(([, path]) => path),
      ),
      await measure(
        agent,
        url,
        cases.slice(4).map(([, path]) => path),
      ),
    ];
    const measured = groups.flatMap((group) => group.latencies);
    const tailInGc = groups.flatMap((group) => group.tailInGc);
    for (const [i, [name]] of cases.entries()) {
      const sorted = measured[i]!;
      const p99 = percentile(sorted, 99);
      const verdict = name.startsWith('first page of 50')
        ? `  target p99 <= ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'met' : 'MISSED'}`
        : '';
      console.log(
        `  HTTP: ${name.padEnd(34)} ${percentile(sorted, 50).toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)}  slowest 1% in a GC pause: ${tailInGc[i]}/${Math.ceil(sorted.length / 100)}${verdict}`,
      );
    }
    console.log(`  the first four cases, ${groups[0]!.summary}`);
    console.log(`  the last two cases, ${groups[1]!.summary}`);
  } finally {
    agent.destroy();
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
  console.log(
    `bench:outstanding — ${REQUESTS} requests per case, one client, read audit ${READ_AUDIT === 'false' ? 'off' : 'on'} (shared host: compare figures within one run)`,
  );
  const backends = (process.env.BENCH_BACKENDS ?? 'postgres,pglite')
    .split(',')
    .map((name) => name.trim())
    .filter((name): name is 'pglite' | 'postgres' => name === 'pglite' || name === 'postgres');
  for (const backend of backends) await run(backend);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
