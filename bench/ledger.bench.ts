/**
 * `npm run bench:ledger`: the tamper-evident ledger (docs/adr/0018-tamper-evident-ledger.md) on
 * PostgreSQL, printing the four figures of its issue:
 *
 * 1. ledger extension rate: a log of LEDGER_EVENTS (1,000,000) events, generated straight into
 *    a fresh schema with SQL, is added to the ledger as the worker does it (readAll batches of
 *    LEDGER_SUBSCRIPTION_PACE.batchSize, each one transaction), events/s;
 * 2. inclusion proof p50/p99 at that size, for random leaves, from a cold process cache;
 * 3. `coord verify` rate: the log exported to a file and verified with libs/ledger-verifier;
 * 4. batched appends (16 writers, 100 events per append, as bench:store's phase 2) with the
 *    ledger following the log (in the same process, yielding to the writers as the worker's does)
 *    vs without it, measured before and after (the baseline is their mean); how far behind the
 *    ledger was and how long it took to catch up.
 *
 * The schema is dropped at the end. BENCH_DATABASE_URL, LEDGER_EVENTS, BENCH_SECONDS,
 * LEDGER_READ_AHEAD (false: extend without reading the next batch ahead, for comparison).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DurableSubscription, ExpectedVersion, PostgresEventStore, type NewEvent } from '#libs/event-store';
import {
  exportLedger,
  generateSigningKey,
  LedgerCheckpoints,
  LedgerConsumer,
  LEDGER_SUBSCRIPTION_PACE,
  LedgerStore,
} from '#libs/ledger';
import { exportRecords, parseVerifierKey, verifyExport } from '#libs/ledger-verifier';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.LEDGER_EVENTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** LEDGER_READ_AHEAD=false measures the extension without reading the next batch ahead, for comparison. */
const READ_AHEAD = process.env.LEDGER_READ_AHEAD !== 'false';
const WRITERS = 16;
const BATCH_SIZE = 100;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function generateLog(pool: pg.Pool, schema: string, count: number): Promise<void> {
  // One transaction per 50,000 events, as many writers' commits would give.
  for (let start = 0; start < count; start += 50_000) {
    const n = Math.min(50_000, count - start);
    await pool.query(
      `insert into ${schema}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
       select gen_random_uuid(), 'task-' || (i / 10), (i % 10) + 1,
         case when i % 2 = 0 then 'TaskAssigned' else 'ProgressReported' end, 1,
         json_build_object('taskId', 'task-' || (i / 10), 'text',
           'Đã hoàn thành rà soát tại ' || (i % 15) || '/15 xã; còn các xã vùng cao đang tiếp tục thực hiện.',
           'indicatorValues', json_build_array(json_build_object('indicator', 'Số trẻ em được hỗ trợ', 'value', i % 60))),
         json_build_object('actor', json_build_object('personId', 'officer-' || (i % 97), 'agencyCode', 'lc-so-ldtbxh'),
           'occurredAt', '2024-06-01T02:30:00.000Z', 'correlationId', gen_random_uuid()),
         '2024-06-01T02:30:00Z'
       from generate_series($1::bigint, $2::bigint) as i`,
      [start, start + n - 1],
    );
  }
}

/**
 * Extends the ledger over the whole log as the worker does (libs/platform ledgerHostedConsumer): a
 * durable subscription reading the log itself (LedgerStore.readAll, each event once), paced by
 * LEDGER_SUBSCRIPTION_PACE.
 */
async function extendAll(ledger: LedgerStore, checkpoints: LedgerCheckpoints): Promise<number> {
  const consumer = new LedgerConsumer(ledger, checkpoints, { key: undefined, checkpointIntervalMs: 10_000 });
  const subscription = new DurableSubscription(ledger, consumer, {
    name: 'ledger',
    ...LEDGER_SUBSCRIPTION_PACE,
    readAhead: READ_AHEAD,
  });
  await subscription.catchUp();
  await consumer.stop();
  return Number((await ledger.state()).treeSize);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function taskEvent(taskId: string, i: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'ProgressReported',
    data: {
      taskId,
      text: 'Đã tổ chức 02 lớp tập huấn với 86 học viên tham gia, đạt 95% kế hoạch.',
      value: i,
    },
    metadata: {
      actor: { personId: `officer-${i % 97}`, agencyCode: 'lc-so-ldtbxh' },
      occurredAt: '2024-06-01T02:30:00.000Z',
      correlationId: randomUUID(),
    },
  };
}

/** bench:store's batched phase: 16 writers, 100 events per append, for `seconds`. */
async function batchedAppends(store: PostgresEventStore, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let events = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      let taskId = randomUUID();
      let version = 0;
      while (performance.now() < deadline) {
        if (version >= 1_000) [taskId, version] = [randomUUID(), 0];
        const batch = Array.from({ length: BATCH_SIZE }, (_, i) => taskEvent(taskId, version + i));
        version = (await store.append(`task-${taskId}`, batch, ExpectedVersion.exact(version))).nextVersion;
        events += BATCH_SIZE;
      }
    }),
  );
  return events / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const schema = `bench_ledger_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8, application_name: `coord-${schema}` });
  pool.on('error', () => undefined);
  const file = join(tmpdir(), `${schema}.ndjson`);
  log('Shared host: other jobs may run at the same time; the figures are lower and noisier then.');
  try {
    const store = new PostgresEventStore(pool, { schema });
    await store.migrate();
    const ledger = new LedgerStore(pool, schema);
    await ledger.migrate();
    const checkpoints = new LedgerCheckpoints(pool, ledger);
    const { key } = generateSigningKey('bench.local/ledger');

    log(`generating ${fmt(EVENTS)} events with SQL into ${schema} ...`);
    let t = performance.now();
    await generateLog(pool, schema, EVENTS);
    log(`  ${((performance.now() - t) / 1000).toFixed(1)} s`);

    log(
      `1/4 ledger extension (readAll ${fmt(LEDGER_SUBSCRIPTION_PACE.batchSize)} + one transaction per batch, read-ahead ${READ_AHEAD ? 'on' : 'off'}) ...`,
    );
    t = performance.now();
    const extended = await extendAll(ledger, checkpoints);
    const extensionRate = extended / ((performance.now() - t) / 1000);
    log(`  ${fmt(extended)} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await checkpoints.signIfGrown(key);

    log('2/4 inclusion proofs at the full size, random leaves, cold cache ...');
    const cold = new LedgerStore(pool, schema);
    const size = (await cold.state()).treeSize;
    const times: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const index = BigInt(Math.floor(Math.random() * Number(size)));
      const started = performance.now();
      await cold.inclusionProof(index, size);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);

    log('3/4 export, then coord verify over the file ...');
    t = performance.now();
    const out = createWriteStream(file);
    for await (const record of exportLedger(ledger, checkpoints, {
      origin: key.name,
      publicKeys: [key.verifierText],
      pageSize: 5_000,
    })) {
      if (!out.write(`${JSON.stringify(record)}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    log(`  exported in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    const report = await verifyExport(exportRecords(createReadStream(file)), {
      logKeys: [parseVerifierKey(key.verifierText)],
    });
    const verifySeconds = (performance.now() - t) / 1000;
    if (!report.ok) throw new Error(`verify failed: ${report.failure?.reason}`);
    const verifyRate = Number(report.leaves) / verifySeconds;

    log(
      `4/4 batched appends, ${SECONDS} s without the ledger, ${SECONDS} s with it following the log, ` +
        `then ${SECONDS} s without it again ...`,
    );
    const withoutBefore = await batchedAppends(store, SECONDS);
    let signed = 0;
    const consumer = new LedgerConsumer(ledger, checkpoints, {
      key,
      checkpointIntervalMs: 10_000,
      onCheckpoint: () => void signed++,
    });
    // Paced as the worker runs it (libs/platform ledgerHostedConsumer), yielding to busy writers.
    const subscription = new DurableSubscription(ledger, consumer, {
      name: 'ledger',
      ...LEDGER_SUBSCRIPTION_PACE,
      pauseAfterBatch: (batch) => consumer.pauseAfterBatch(batch),
    });
    await subscription.start();
    const sizeBefore = (await ledger.state()).treeSize;
    const withLedger = await batchedAppends(store, SECONDS);
    const sizeAfter = (await ledger.state()).treeSize;
    const logged = await pool.query<{ n: string }>(`select count(*)::text as n from ${schema}.events`);
    const lag = BigInt(logged.rows[0]!.n) - sizeAfter;
    // What the ledger put off while the writers were busy, it does now: the log is quiet.
    t = performance.now();
    const caughtUp = await subscription.waitFor(await store.readableHead(), 600_000);
    const catchUpSeconds = (performance.now() - t) / 1000;
    await subscription.stop();
    await consumer.stop();
    // Again without, on the table as large as the run with the ledger left it: the baseline is
    // the mean of the runs before and after, so a growing table does not favour either side.
    const withoutAfter = await batchedAppends(store, SECONDS);
    const without = (withoutBefore + withoutAfter) / 2;

    const overhead = ((without - withLedger) / without) * 100;
    const mark = (met: boolean): string => (met ? 'met' : 'NOT MET');
    log('');
    log(
      `ledger extension rate:           ${fmt(extensionRate)} events/s (target >= 50,000: ${mark(extensionRate >= 50_000)})`,
    );
    log(
      `inclusion proof at ${fmt(Number(size))}:   p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (target p99 <= 5 ms)`,
    );
    log(
      `coord verify rate:               ${fmt(verifyRate)} events/s over ${fmt(Number(report.leaves))} events (target >= 100,000)`,
    );
    log(
      `bench:store batched appends:     ${fmt(without)} events/s without the ledger (mean of ${fmt(withoutBefore)} before ` +
        `and ${fmt(withoutAfter)} after), ${fmt(withLedger)} with it ` +
        `(${Math.abs(overhead).toFixed(1)}% ${overhead >= 0 ? 'lower' : 'higher'}; target <= 10% lower: ${mark(overhead <= 10)})`,
    );
    log(
      `  the ledger added ${fmt(Number(sizeAfter - sizeBefore))} leaves during the writes, ` +
        `was ${fmt(Number(lag))} events behind when they stopped and ` +
        (caughtUp ? `caught up ${catchUpSeconds.toFixed(1)} s later` : `had not caught up after 600 s`) +
        `; ${signed} checkpoints signed in the ${SECONDS} s of writes and the catch-up`,
    );
  } finally {
    await rm(file, { force: true });
    await pool.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
