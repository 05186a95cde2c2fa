/**
 * `coord migrate-store` benchmark: `npm run bench:migrate-store`.
 *
 * Writes a log of BENCH_EVENTS events (default 20,000: 2,000 streams of 10 events, appended in
 * interleaved appends of 1 to 3 events) to PostgreSQL at BENCH_DATABASE_URL, then measures
 *   1. the copy to embedded PGlite, and to another schema of the same PostgreSQL (copyLog, batches
 *      of BENCH_COPY_BATCH, journal in PostgreSQL),
 *   2. the verification of each copy (verifyCopy: both logs read whole and compared per stream),
 * and prints events/s for each. The copy and verification are the same code for KurrentDB; a
 * KurrentDB target adds its network round trips (three per append, ADR 0024), not measured here.
 * Works in fresh schemas `bench_<random>` and `bench_<random>_copy`, dropped at the end.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  copyLog,
  openDatabase,
  PostgresCopyJournal,
  PostgresEventStore,
  verifyCopy,
  type NewEvent,
} from '#libs/event-store';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Math.max(10, Math.round(Number(process.env.BENCH_EVENTS ?? 20_000)));
const COPY_BATCH = Math.max(1, Math.round(Number(process.env.BENCH_COPY_BATCH ?? 500)));
const EVENTS_PER_STREAM = 10;

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const embedded = await openDatabase({ dataDir: 'memory' });
  try {
    const source = new PostgresEventStore(pool, { schema });
    await source.migrate();
    const streams = Array.from(
      { length: Math.ceil(EVENTS / EVENTS_PER_STREAM) },
      () => `task-${randomUUID()}`,
    );
    const versions = new Map<string, number>();
    let written = 0;
    const writeStarted = performance.now();
    while (written < EVENTS) {
      await Promise.all(
        streams.map(async (streamId, i) => {
          const version = versions.get(streamId) ?? 0;
          const count = Math.min(1 + ((i + version) % 3), EVENTS_PER_STREAM - version, EVENTS - written);
          if (count <= 0) return;
          written += count;
          versions.set(streamId, version + count);
          await source.append(
            streamId,
            Array.from({ length: count }, () => event(streamId)),
          );
        }),
      );
    }
    const writeSeconds = (performance.now() - writeStarted) / 1000;
    console.log(
      `log written: ${written} events in ${streams.length} streams (${writeSeconds.toFixed(1)} s, unmeasured)`,
    );

    const targets = [
      { name: 'PGlite', store: new PostgresEventStore(embedded.pool, { schema: 'coord' }) },
      { name: 'PostgreSQL', store: new PostgresEventStore(pool, { schema: `${schema}_copy` }) },
    ];
    for (const target of targets) {
      await target.store.migrate();
      const journal = new PostgresCopyJournal(pool, schema, `bench->${target.name}`);
      await journal.migrate();
      const copyStarted = performance.now();
      const copied = await copyLog(source, target.store, { journal, batchSize: COPY_BATCH });
      const copySeconds = (performance.now() - copyStarted) / 1000;
      console.log(
        `copy PostgreSQL -> ${target.name}: ${copied.copied} events in ${copySeconds.toFixed(2)} s = ${Math.round(copied.copied / copySeconds)} events/s (batches of ${COPY_BATCH})`,
      );
      const verifyStarted = performance.now();
      const verification = await verifyCopy(source, target.store);
      const verifySeconds = (performance.now() - verifyStarted) / 1000;
      console.log(
        `verify PostgreSQL -> ${target.name}: ${verification.sourceEvents} + ${verification.targetEvents} events read and compared in ${verifySeconds.toFixed(2)} s = ${Math.round((verification.sourceEvents + verification.targetEvents) / verifySeconds)} events/s; ${verification.ok ? 'the copy matches' : `DIFFERS: ${verification.differences.join('; ')}`}`,
      );
      if (!verification.ok) process.exitCode = 1;
    }
  } finally {
    await embedded.close();
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.query(`drop schema if exists ${schema}_copy cascade`);
    await pool.end();
  }
}

function event(streamId: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'ProgressReported',
    data: {
      streamId,
      note: 'Báo cáo tiến độ thực hiện kế hoạch bảo vệ trẻ em năm 2025',
      indicators: [1, 2, 3],
    },
    metadata: {
      actor: { personId: 'officer-1', agencyCode: 'lc-so-ldtbxh' },
      occurredAt: '2025-06-01T02:00:00.000Z',
      correlationId: randomUUID(),
    },
  };
}

await main();
