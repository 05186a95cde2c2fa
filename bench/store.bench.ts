/**
 * Event store benchmark: `npm run bench:store`.
 *
 * For each adapter (PostgreSQL at BENCH_DATABASE_URL, embedded PGlite in memory) it measures
 *   1. single-event appends/s: N concurrent writers, each appending 1 event per call to its own
 *      stream with an exact expected version (p50/p99 latency reported),
 *   2. events/s appending 100-event batches with N concurrent writers, each to its own streams,
 *   3. catch-up read events/s: the whole log from its start, in pages, two ways in alternate passes:
 *      readAll called page after page, and readLogBatches (how consumers catch up: the next page
 *      read while the caller handles one).
 * Every run works in a fresh schema `bench_<random>` that is dropped at the end.
 *
 * Environment (all optional): BENCH_DATABASE_URL, BENCH_ADAPTERS (postgres,pglite), BENCH_WRITERS (16),
 * BENCH_POOL_SIZE (8; PostgreSQL only, PGlite always uses its one connection), BENCH_READ_BATCH (1000),
 * BENCH_APPEND_CONCURRENCY (batches of concurrent appends written at once; default: the store's),
 * BENCH_SCALE (multiplies every count and time limit, e.g. 0.1 for a smoke run),
 * BENCH_PGBENCH (seconds; when set, PostgreSQL's own pgbench also runs single-row INSERT
 * transactions from WRITERS clients into a scratch table right after the single-append phase, and
 * the ratio of the two is printed; fails when pgbench is not installed).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  ExpectedVersion,
  PostgresEventStore,
  START_OF_LOG,
  openDatabase,
  readLogBatches,
  type LogPosition,
  type NewEvent,
} from '#libs/event-store';
import { pgbenchInserts } from './support/pgbench.js';

type AdapterName = 'postgres' | 'pglite';

interface Limits {
  /** Single-event phase: stops at whichever comes first. */
  readonly singleCount: number;
  readonly singleSeconds: number;
  /** Batched phase, in batches of BATCH_SIZE events. */
  readonly batchCount: number;
  readonly batchSeconds: number;
  /** The log is topped up (unmeasured) to at least this many events before the read phase. */
  readonly minLogEvents: number;
  /** The read phase reads the whole log again until this long has passed. */
  readonly readSeconds: number;
}

const BATCH_SIZE = 100;
const SCALE = numberFromEnv('BENCH_SCALE', 1);
const WRITERS = Math.max(1, Math.round(numberFromEnv('BENCH_WRITERS', 16)));
const POOL_SIZE = Math.max(1, Math.round(numberFromEnv('BENCH_POOL_SIZE', 8)));
/** Batches of concurrent appends the store writes at once; unset: the store's default for the pool. */
const APPEND_CONCURRENCY = process.env.BENCH_APPEND_CONCURRENCY
  ? Math.max(1, Math.round(numberFromEnv('BENCH_APPEND_CONCURRENCY', 1)))
  : undefined;
const CONCURRENT_BATCH_EVENTS = process.env.BENCH_CONCURRENT_BATCH_EVENTS
  ? Math.max(1, Math.round(numberFromEnv('BENCH_CONCURRENT_BATCH_EVENTS', 1)))
  : undefined;
const READ_BATCH = Math.max(1, Math.round(numberFromEnv('BENCH_READ_BATCH', 1000)));
/** Seconds of pgbench single-row INSERTs to compare single appends with; 0: not run. */
const PGBENCH_SECONDS = Math.round(numberFromEnv('BENCH_PGBENCH', 0, { zero: true }));
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADAPTERS = (process.env.BENCH_ADAPTERS ?? 'postgres,pglite')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is AdapterName => {
    if (name === 'postgres' || name === 'pglite') return true;
    throw new Error(`BENCH_ADAPTERS: unknown adapter "${name}" (use postgres, pglite)`);
  });

const LIMITS: Record<AdapterName, Limits> = {
  postgres: scaled({
    // Enough work for several seconds per phase on a fast host, so one hiccup does not set the figure.
    singleCount: 50_000,
    singleSeconds: 10,
    batchCount: 3_000,
    batchSeconds: 20,
    minLogEvents: 100_000,
    readSeconds: 6,
  }),
  pglite: scaled({
    singleCount: 15_000,
    singleSeconds: 10,
    batchCount: 1_000,
    batchSeconds: 10,
    minLogEvents: 0,
    readSeconds: 3,
  }),
};

/** What PostgreSQL should reach on this machine. */
const TARGETS = { singlePerSecond: 5_000, batchedEventsPerSecond: 50_000, readEventsPerSecond: 50_000 };

interface PhaseResult {
  readonly operations: number;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /**
   * CPU used, in cores: this node process (with PGlite, the database too), the local PostgreSQL
   * server (every session; NaN when not measurable) and the whole host (NaN off Linux).
   */
  readonly cpu: { readonly node: number; readonly server: number; readonly host: number };
  readonly latenciesMs?: Float64Array;
}

interface AdapterResult {
  readonly adapter: AdapterName;
  readonly single: PhaseResult;
  readonly batched: PhaseResult;
  /** readAll called page after page. */
  readonly read: PhaseResult;
  /** readLogBatches, the same pages with the next one read ahead. */
  readonly readAhead: PhaseResult;
  readonly logEvents: number;
  /** pgbench single-row INSERT transactions/s, when BENCH_PGBENCH asked for them. */
  readonly pgbenchTps?: number;
}

let aborted = false;

// ---------------------------------------------------------------------------------------------
// Events shaped like the real ones: task events with Vietnamese text, agency codes and dates.

const AGENCIES = [
  'lc-so-ldtbxh',
  'lc-so-gddt',
  'lc-so-yte',
  'lc-cong-an-tinh',
  'lc-ubnd-h-bat-xat',
  'lc-tinh-doan',
];
const TITLES = [
  'Rà soát, cập nhật danh sách trẻ em có hoàn cảnh đặc biệt trên địa bàn',
  'Tổ chức tập huấn kỹ năng phòng, chống xâm hại trẻ em cho cán bộ cấp xã',
  'Báo cáo kết quả thực hiện Chương trình bảo vệ trẻ em năm 2024',
  'Hỗ trợ can thiệp, trợ giúp trẻ em bị bạo lực, bóc lột, xâm hại',
];
const PROGRESS = [
  'Đã hoàn thành rà soát tại 12/15 xã; còn 3 xã vùng cao đang tiếp tục thực hiện.',
  'Đã tổ chức 02 lớp tập huấn với 86 học viên tham gia, đạt 95% kế hoạch.',
  'Đang tổng hợp số liệu từ các huyện, dự kiến gửi báo cáo trước ngày 15/12.',
];

function pick<T>(items: readonly T[], i: number): T {
  return items[i % items.length]!;
}

function taskEvent(taskId: string, planId: string, i: number): NewEvent {
  const agency = pick(AGENCIES, i);
  const metadata = {
    actor: { personId: `officer-${(i % 97) + 1}`, agencyCode: agency },
    occurredAt: new Date(Date.UTC(2024, i % 12, (i % 28) + 1, 2, 30)).toISOString(),
    correlationId: randomUUID(),
  };
  if (i % 2 === 0) {
    return {
      id: randomUUID(),
      type: 'TaskAssigned',
      data: {
        taskId,
        planId,
        title: pick(TITLES, i),
        duty: 'Chủ trì, phối hợp với UBND các huyện, thị xã, thành phố triển khai thực hiện.',
        sourceClause: { section: 'IV.2.a', start: 4_812 + (i % 500), end: 5_107 + (i % 500) },
        dueDate: '2024-12-31',
        assignees: [
          { agencyCode: agency, role: 'lead' },
          { agencyCode: pick(AGENCIES, i + 1), role: 'support' },
        ],
        issuerAgencyCode: 'lc-ubnd-tinh',
        kind: 'duty',
        reportYear: null,
        byAgency: 'lc-ubnd-tinh',
      },
      metadata,
    };
  }
  return {
    id: randomUUID(),
    type: 'ProgressReported',
    data: {
      taskId,
      planId,
      agencyCode: agency,
      role: 'lead',
      text: pick(PROGRESS, i),
      indicatorValues: [
        { indicator: 'Số trẻ em có hoàn cảnh đặc biệt được hỗ trợ', value: 40 + (i % 60), unit: 'trẻ' },
      ],
    },
    metadata,
  };
}

function eventSizes(): { data: number; metadata: number } {
  const sample = [taskEvent(randomUUID(), randomUUID(), 0), taskEvent(randomUUID(), randomUUID(), 1)];
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  return {
    data: Math.round(sample.reduce((sum, e) => sum + bytes(e.data), 0) / sample.length),
    metadata: Math.round(sample.reduce((sum, e) => sum + bytes(e.metadata), 0) / sample.length),
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers.

const CORES = availableParallelism();
/** Linux reports process CPU times in USER_HZ ticks, 100 per second on every common platform. */
const TICK_MS = 10;

/** Busy and total jiffies of the whole host, summed over every core; undefined off Linux. */
function hostCpuTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** CPU ticks of each process, read from /proc; processes that are gone are left out. */
function processTicks(pids: Iterable<number>): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // exited meanwhile
    }
  }
  return ticks;
}

/**
 * Reads, from /proc, the CPU of the server processes that work for the benchmark: its own
 * backends (by application_name) and the server's background processes (WAL writer,
 * checkpointer, autovacuum ...), but not other sessions' backends, so other jobs using the same
 * server do not count. Only possible when the server runs on this host.
 */
type ServerProbe = () => Promise<Map<number, number> | undefined>;

function serverProbe(pool: pg.Pool, applicationName: string): ServerProbe {
  let readable = true;
  return async () => {
    if (!readable) return undefined;
    const { rows } = await pool.query<{ pid: number }>(
      `select pid from pg_stat_activity where application_name = $1 or backend_type <> 'client backend'`,
      [applicationName],
    );
    const ticks = processTicks(rows.map((row) => row.pid));
    if (ticks.size === 0) readable = false;
    return readable ? ticks : undefined;
  };
}

interface CpuSample {
  readonly at: number;
  readonly node: NodeJS.CpuUsage;
  readonly host: { busy: number; total: number } | undefined;
  readonly server: Map<number, number> | undefined;
}

async function sampleCpu(probe?: ServerProbe): Promise<CpuSample> {
  const server = probe ? await probe() : undefined;
  return { at: performance.now(), node: process.cpuUsage(), host: hostCpuTicks(), server };
}

/** Server CPU ms between two samples: processes that started meanwhile count in full. */
function serverMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, value] of after) ticks += value - (before.get(pid) ?? 0);
  return ticks * TICK_MS;
}

/** CPU used between two samples, in cores (1 = one core busy the whole time). */
function cpuBetween(
  before: CpuSample,
  after: CpuSample,
): { seconds: number; node: number; server: number; host: number } {
  const ms = after.at - before.at;
  const node = (after.node.user - before.node.user + after.node.system - before.node.system) / 1000 / ms;
  const server =
    before.server && after.server ? serverMsBetween(before.server, after.server) / ms : Number.NaN;
  const host =
    before.host && after.host && after.host.total > before.host.total
      ? ((after.host.busy - before.host.busy) / (after.host.total - before.host.total)) * CORES
      : Number.NaN;
  return { seconds: ms / 1000, node, server, host };
}

/** Runs `work`, timing it and the CPU the node process, the local server and the host spent meanwhile. */
async function measured(
  probe: ServerProbe | undefined,
  work: () => Promise<{ operations: number; events: number; latenciesMs?: Float64Array }>,
): Promise<PhaseResult> {
  const before = await sampleCpu(probe);
  const outcome = await work();
  const cpu = cpuBetween(before, await sampleCpu(probe));
  return {
    ...outcome,
    seconds: cpu.seconds,
    eventsPerSecond: outcome.events / cpu.seconds,
    cpu: { node: cpu.node, server: cpu.server, host: cpu.host },
  };
}

/**
 * Runs `writers` loops that each claim the next operation until `count` are claimed or
 * `seconds` have passed; every loop owns its streams, so no append ever conflicts.
 */
async function runWriters(
  writers: number,
  count: number,
  seconds: number,
  operation: (writer: number, index: number) => Promise<void>,
): Promise<{ operations: number; latenciesMs: Float64Array }> {
  const latencies = new Float64Array(count);
  let claimed = 0;
  let completed = 0;
  const deadline = performance.now() + seconds * 1000;
  const loop = async (writer: number): Promise<void> => {
    while (!aborted && claimed < count && performance.now() < deadline) {
      const index = claimed++;
      const started = performance.now();
      await operation(writer, index);
      latencies[completed++] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, writer) => loop(writer)));
  if (aborted) throw new Error('interrupted');
  return { operations: completed, latenciesMs: latencies.subarray(0, completed) };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------------------------------------
// The phases.

interface Writer {
  stream: string;
  taskId: string;
  version: number;
  appends: number;
}

function newWriter(): Writer {
  const taskId = randomUUID();
  return { stream: `task-${taskId}`, taskId, version: 0, appends: 0 };
}

const PLAN_ID = randomUUID();

async function singleAppends(store: PostgresEventStore, count: number, seconds: number) {
  const writers = Array.from({ length: WRITERS }, newWriter);
  const run = await runWriters(WRITERS, count, seconds, async (w) => {
    const writer = writers[w]!;
    const result = await store.append(
      writer.stream,
      [taskEvent(writer.taskId, PLAN_ID, writer.version)],
      ExpectedVersion.exact(writer.version),
    );
    writer.version = result.nextVersion;
  });
  const sorted = Float64Array.from(run.latenciesMs).sort();
  return { operations: run.operations, events: run.operations, latenciesMs: sorted };
}

/** Each writer fills a stream with up to 1,000 events (ten batches), then moves to a new one. */
async function batchedAppends(store: PostgresEventStore, count: number, seconds: number, writers = WRITERS) {
  const state = Array.from({ length: writers }, newWriter);
  const run = await runWriters(writers, count, seconds, async (w) => {
    let writer = state[w]!;
    if (writer.appends === 10) writer = state[w] = newWriter();
    const events = Array.from({ length: BATCH_SIZE }, (_, i) =>
      taskEvent(writer.taskId, PLAN_ID, writer.version + i),
    );
    const result = await store.append(writer.stream, events, ExpectedVersion.exact(writer.version));
    writer.version = result.nextVersion;
    writer.appends += 1;
  });
  const sorted = Float64Array.from(run.latenciesMs).sort();
  return { operations: run.operations, events: run.operations * BATCH_SIZE, latenciesMs: sorted };
}

type ReadMode = 'readAll' | 'readLogBatches';

/**
 * Reads the whole log from its start, again and again until `seconds` have passed for each way of
 * reading (at least one pass each), the two ways in alternate passes so that both meet the same
 * host: one pass over 100,000 events lasts a second or two, too short for a steady figure.
 */
async function catchUpReads(
  store: PostgresEventStore,
  probe: ServerProbe | undefined,
  expected: number,
  seconds: number,
): Promise<Record<ReadMode, PhaseResult & { passes: number }>> {
  const passes: Record<ReadMode, PhaseResult[]> = { readAll: [], readLogBatches: [] };
  const elapsed = (mode: ReadMode) => passes[mode].reduce((sum, pass) => sum + pass.seconds, 0);
  while (elapsed('readAll') < seconds || elapsed('readLogBatches') < seconds) {
    for (const mode of ['readAll', 'readLogBatches'] as const) {
      passes[mode].push(await measured(probe, () => catchUpRead(store, expected, mode)));
    }
  }
  return { readAll: combined(passes.readAll), readLogBatches: combined(passes.readLogBatches) };
}

/** Passes of one phase as one: their events, time and CPU summed. */
function combined(passes: readonly PhaseResult[]): PhaseResult & { passes: number } {
  const sum = (value: (pass: PhaseResult) => number) =>
    passes.reduce((total, pass) => total + value(pass), 0);
  const seconds = sum((pass) => pass.seconds);
  const events = sum((pass) => pass.events);
  const cores = (value: (pass: PhaseResult) => number) => sum((pass) => value(pass) * pass.seconds) / seconds;
  return {
    operations: sum((pass) => pass.operations),
    events,
    seconds,
    eventsPerSecond: events / seconds,
    cpu: {
      node: cores((p) => p.cpu.node),
      server: cores((p) => p.cpu.server),
      host: cores((p) => p.cpu.host),
    },
    passes: passes.length,
  };
}

async function catchUpRead(store: PostgresEventStore, expected: number, mode: ReadMode) {
  let position: LogPosition = START_OF_LOG;
  let events = 0;
  let batches = 0;
  let waitedMs = 0;
  for (;;) {
    if (aborted) throw new Error('interrupted');
    if (mode === 'readAll') {
      const batch = await store.readAll(position, READ_BATCH);
      batches += 1;
      events += batch.events.length;
      position = batch.next;
      if (batch.events.length > 0) continue;
    } else {
      for await (const batch of readLogBatches(store, position, READ_BATCH)) {
        batches += 1;
        events += batch.events.length;
        position = batch.next;
      }
    }
    if (events >= expected) break;
    // Another session's open transaction holds back the readable horizon; wait for it a little.
    if (waitedMs >= 15_000) {
      throw new Error(
        `catch-up read stopped at ${events} of ${expected} events: a long-running transaction ` +
          'on the server keeps the rest unreadable (see pg_stat_activity)',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    waitedMs += 100;
  }
  if (events !== expected) throw new Error(`catch-up read returned ${events} events, expected ${expected}`);
  return { operations: batches, events };
}

// ---------------------------------------------------------------------------------------------

async function benchAdapter(adapter: AdapterName): Promise<AdapterResult> {
  const limits = LIMITS[adapter];
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const applicationName = `coord-${schema}`;
  let pool: pg.Pool;
  let closeDatabase: () => Promise<void>;
  let where: string;
  if (adapter === 'postgres') {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_SIZE, application_name: applicationName });
    pool.on('error', () => undefined);
    closeDatabase = () => pool.end();
    where = `${redact(DATABASE_URL)}, pool ${POOL_SIZE}`;
  } else {
    log(`[${adapter}] starting the embedded database ...`);
    const database = await openDatabase({ dataDir: 'memory', applicationName });
    pool = database.pool;
    closeDatabase = () => database.close();
    where = 'in memory, 1 pooled connection';
  }
  // The server's CPU can be read from /proc only when it runs on this host.
  const probe =
    adapter === 'postgres' && isLocalUrl(DATABASE_URL) ? serverProbe(pool, applicationName) : undefined;
  log(`[${adapter}] ${where}, schema ${schema}, ${WRITERS} writers`);
  const store = new PostgresEventStore(pool, {
    schema,
    ...(APPEND_CONCURRENCY === undefined ? {} : { appendConcurrency: APPEND_CONCURRENCY }),
    ...(CONCURRENT_BATCH_EVENTS === undefined
      ? {}
      : { minEventsForConcurrentBatch: CONCURRENT_BATCH_EVENTS }),
  });
  try {
    await store.migrate();
    // Warm-up: every pooled connection plans append_events once, outside the measurements.
    await singleAppends(store, WRITERS * 4, 30);
    await batchedAppends(store, WRITERS, 30);
    let logEvents = WRITERS * 4 + WRITERS * BATCH_SIZE;

    log(
      `[${adapter}] 1/3 single-event appends: ${WRITERS} writers, up to ${limits.singleCount} appends or ${limits.singleSeconds} s ...`,
    );
    const single = await measured(probe, () =>
      singleAppends(store, limits.singleCount, limits.singleSeconds),
    );
    logEvents += single.events;
    const sorted = single.latenciesMs!;
    log(
      `[${adapter}]     ${single.events} appends in ${single.seconds.toFixed(1)} s = ${fmt(single.eventsPerSecond)}/s` +
        ` (p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms)`,
    );

    let pgbenchTps: number | undefined;
    if (adapter === 'postgres' && PGBENCH_SECONDS > 0) {
      log(
        `[${adapter}]     pgbench: ${WRITERS} clients, one-row INSERT transactions for ${PGBENCH_SECONDS} s ...`,
      );
      pgbenchTps = await pgbenchInserts(pool, DATABASE_URL, schema, WRITERS, PGBENCH_SECONDS);
      log(
        `[${adapter}]     pgbench ${fmt(pgbenchTps)} tx/s; single appends ${(single.eventsPerSecond / pgbenchTps).toFixed(2)}x of it`,
      );
    }

    log(
      `[${adapter}] 2/3 batched appends: ${WRITERS} writers, ${BATCH_SIZE} events per append, up to ${limits.batchCount} batches or ${limits.batchSeconds} s ...`,
    );
    const batched = await measured(probe, () =>
      batchedAppends(store, limits.batchCount, limits.batchSeconds),
    );
    logEvents += batched.events;
    log(
      `[${adapter}]     ${batched.events} events in ${batched.seconds.toFixed(1)} s = ${fmt(batched.eventsPerSecond)} events/s` +
        ` (p50 ${percentile(batched.latenciesMs!, 50).toFixed(1)} ms per batch)`,
    );

    if (logEvents < limits.minLogEvents) {
      const missing = Math.ceil((limits.minLogEvents - logEvents) / BATCH_SIZE);
      log(`[${adapter}]     topping up the log with ${missing * BATCH_SIZE} events (not measured) ...`);
      const fill = await batchedAppends(store, missing, 120);
      logEvents += fill.events;
    }

    log(
      `[${adapter}] 3/3 catch-up reads of the ${logEvents} events in pages of ${READ_BATCH}, readAll and readLogBatches in alternate passes, for at least ${limits.readSeconds} s each ...`,
    );
    const reads = await catchUpReads(store, probe, logEvents, limits.readSeconds);
    const read = reads.readAll;
    const readAhead = reads.readLogBatches;
    for (const [mode, result] of Object.entries(reads)) {
      log(
        `[${adapter}]     ${mode}: ${result.events} events (${result.passes} passes over the log) in ${result.seconds.toFixed(1)} s = ${fmt(result.eventsPerSecond)} events/s`,
      );
    }
    return {
      adapter,
      single,
      batched,
      read,
      readAhead,
      logEvents,
      ...(pgbenchTps === undefined ? {} : { pgbenchTps }),
    };
  } finally {
    log(`[${adapter}] dropping schema ${schema} and closing`);
    await pool.query(`drop schema if exists ${schema} cascade`).catch((error: unknown) => {
      log(`[${adapter}] could not drop schema ${schema}: ${String(error)}`);
    });
    await closeDatabase();
  }
}

function printSummary(results: readonly AdapterResult[]): void {
  const rows: string[][] = [
    [
      'adapter',
      'single appends/s',
      'p50 ms',
      'p99 ms',
      'batched events/s',
      'catch-up read events/s (readAll)',
      '(readLogBatches)',
      'log events',
    ],
  ];
  for (const r of results) {
    rows.push([
      r.adapter,
      fmt(r.single.eventsPerSecond),
      percentile(r.single.latenciesMs!, 50).toFixed(2),
      percentile(r.single.latenciesMs!, 99).toFixed(2),
      fmt(r.batched.eventsPerSecond),
      fmt(r.read.eventsPerSecond),
      fmt(r.readAhead.eventsPerSecond),
      fmt(r.logEvents),
    ]);
  }
  rows.push([
    'target (postgres)',
    `>= ${fmt(TARGETS.singlePerSecond)}`,
    '',
    '',
    `>= ${fmt(TARGETS.batchedEventsPerSecond)}`,
    `>= ${fmt(TARGETS.readEventsPerSecond)}`,
    `>= ${fmt(TARGETS.readEventsPerSecond)}`,
    '',
  ]);
  console.log('');
  console.log(table(rows));

  const cores = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(2));
  const cpuRows: string[][] = [
    [
      'adapter / phase',
      'events',
      'seconds',
      'node CPU',
      'node µs/event',
      'postgres CPU',
      'postgres µs/event',
      'other processes',
      'host busy',
    ],
  ];
  for (const r of results) {
    for (const [phase, p] of [
      ['single', r.single],
      ['batched', r.batched],
      ['read (readAll)', r.read],
      ['read (readLogBatches)', r.readAhead],
    ] as const) {
      const perEvent = (value: number) =>
        Number.isNaN(value) ? 'n/a' : ((value * p.seconds * 1e6) / p.events).toFixed(1);
      const other = p.cpu.host - p.cpu.node - (Number.isNaN(p.cpu.server) ? 0 : p.cpu.server);
      cpuRows.push([
        `${r.adapter} ${phase}`,
        fmt(p.events),
        p.seconds.toFixed(1),
        cores(p.cpu.node),
        perEvent(p.cpu.node),
        cores(p.cpu.server),
        perEvent(p.cpu.server),
        cores(Math.max(0, other)),
        cores(p.cpu.host),
      ]);
    }
  }
  console.log('');
  console.log(
    `Where the CPU went, in cores busy (this host has ${CORES}). node = this process (for PGlite, the database too);` +
      " postgres = the local server's processes working for this run (its backends, WAL writer, checkpointer, autovacuum);" +
      ' other = the rest of the host, e.g. other jobs and their database sessions.',
  );
  console.log(table(cpuRows));

  const pgResult = results.find((r) => r.adapter === 'postgres');
  if (pgResult) {
    const verdict = (value: number, target: number) =>
      `${fmt(value)} vs ${fmt(target)}: ${value >= target ? 'met' : 'MISSED'}`;
    console.log('');
    console.log('PostgreSQL targets:');
    console.log(
      `  single-event appends/s  ${verdict(pgResult.single.eventsPerSecond, TARGETS.singlePerSecond)}`,
    );
    console.log(
      `  batched events/s        ${verdict(pgResult.batched.eventsPerSecond, TARGETS.batchedEventsPerSecond)}`,
    );
    console.log(
      `  catch-up read events/s  ${verdict(pgResult.read.eventsPerSecond, TARGETS.readEventsPerSecond)} (readAll), ${verdict(pgResult.readAhead.eventsPerSecond, TARGETS.readEventsPerSecond)} (readLogBatches)`,
    );
    if (pgResult.pgbenchTps !== undefined) {
      console.log(
        `  single appends / pgbench single-row INSERTs (${WRITERS} clients): ${fmt(pgResult.single.eventsPerSecond)} / ${fmt(pgResult.pgbenchTps)} = ${(pgResult.single.eventsPerSecond / pgResult.pgbenchTps).toFixed(2)}x`,
      );
    }
  }
}

async function main(): Promise<void> {
  const sizes = eventSizes();
  log(
    `event store benchmark: adapters ${ADAPTERS.join(', ')}; ${WRITERS} writers; event data ~${sizes.data} B, metadata ~${sizes.metadata} B of JSON` +
      (SCALE !== 1 ? `; scale ${SCALE}` : ''),
  );
  const idle = await hostBusyCores(1000);
  if (!Number.isNaN(idle) && idle > 0.25 * CORES) {
    log(
      `WARNING: other processes keep ${idle.toFixed(2)} of ${CORES} cores busy before the benchmark starts; ` +
        'figures will be lower and noisier than on an idle host',
    );
  }
  const results: AdapterResult[] = [];
  for (const adapter of ADAPTERS) results.push(await benchAdapter(adapter));
  printSummary(results);
}

// ---------------------------------------------------------------------------------------------

/** Cores the host keeps busy over `ms`, before the benchmark does anything. */
async function hostBusyCores(ms: number): Promise<number> {
  const before = await sampleCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cpuBetween(before, await sampleCpu()).host;
}

function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '' || host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  } catch {
    return false;
  }
}

/** A number from the environment, positive (or 0 where `zero` says it means "not run"). */
function numberFromEnv(name: string, fallback: number, { zero = false } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero))
    throw new Error(`${name} must be a ${zero ? 'positive number or 0' : 'positive number'}, not "${raw}"`);
  return value;
}

function scaled(limits: Limits): Limits {
  return {
    singleCount: Math.max(1, Math.round(limits.singleCount * SCALE)),
    singleSeconds: limits.singleSeconds * SCALE,
    batchCount: Math.max(1, Math.round(limits.batchCount * SCALE)),
    batchSeconds: limits.batchSeconds * SCALE,
    minLogEvents: Math.round(limits.minLogEvents * SCALE),
    readSeconds: limits.readSeconds * SCALE,
  };
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  const line = (row: readonly string[]) =>
    '| ' +
    row
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join(' | ') +
    ' |';
  const rule =
    '|' + widths.map((w, col) => (col === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

const startedAt = performance.now();
function log(message: string): void {
  console.log(`${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)}s  ${message}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping after the running appends, then dropping the schema`);
    aborted = true;
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
