import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import {
  ConcurrencyError,
  copyLog,
  ExpectedVersion,
  openDatabase,
  PostgresCopyJournal,
  PostgresEventStore,
  verifyCopy,
  type CopyProgress,
  type Database,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../src/index.js';

/**
 * `coord migrate-store`'s copy and verification, written against the event-store port, run here
 * between real stores: PostgreSQL to embedded PGlite, and back to another PostgreSQL schema.
 * (The KurrentDB side of a copy is the KurrentDB adapter, covered by its mapping tests and, with
 * KURRENTDB_URL, by the contract suite.)
 */
describe('copying the log between event stores (PostgreSQL -> PGlite -> PostgreSQL)', () => {
  let pool: Pool;
  let embedded: Database;
  const sourceSchema = uniqueSchema('copy_src');
  const backSchema = uniqueSchema('copy_back');
  let source: PostgresEventStore;
  let target: PostgresEventStore;
  const written: { streamId: string; events: NewEvent[] }[] = [];

  beforeAll(async () => {
    pool = await connectTestPostgres(8);
    source = new PostgresEventStore(pool, { schema: sourceSchema });
    await source.migrate();
    embedded = await openDatabase({ dataDir: 'memory' });
    target = new PostgresEventStore(embedded.pool, { schema: 'coord' });
    await target.migrate();

    // 30 streams written in interleaved appends of 1 to 3 events: 240 events in all.
    const streams = Array.from({ length: 30 }, (_, i) => `task-${i}-${randomUUID()}`);
    for (let round = 0; round < 4; round++) {
      for (const [i, streamId] of streams.entries()) {
        const count = 1 + ((i + round) % 3);
        const events = Array.from({ length: count }, (_, k) => event(streamId, round, k));
        await source.append(streamId, events);
        written.push({ streamId, events });
      }
    }
  });

  afterAll(async () => {
    await embedded?.close();
    await dropSchema(pool, sourceSchema);
    await dropSchema(pool, backSchema);
    await pool.end();
  });

  it('copies every event with its id, stream, version, data and metadata, and maps each position', async () => {
    const journal = new PostgresCopyJournal(pool, sourceSchema, 'postgres->pglite');
    await journal.migrate();

    // The first run stops after 40 appends, in the middle of a batch: written but not recorded.
    await expect(copyLog(source, failingAfter(target, 40), { journal, batchSize: 25 })).rejects.toThrow(
      'the target stopped answering',
    );
    const progress: CopyProgress[] = [];
    const result = await copyLog(source, target, {
      journal,
      batchSize: 25,
      onProgress: (p) => progress.push(p),
    });

    const total = written.reduce((n, append) => n + append.events.length, 0);
    expect(result.alreadyPresent).toBeGreaterThan(0);
    expect(result.copied + result.alreadyPresent).toBeLessThan(total);
    expect(progress.at(-1)).toEqual(result);
    expect(result.position).toBe(result.head);
    expect(progress.map((p) => p.copied + p.alreadyPresent)).toEqual(
      [...progress.map((p) => p.copied + p.alreadyPresent)].sort((a, b) => a - b),
    );

    const verification = await verifyCopy(source, target);
    expect(verification).toEqual({
      ok: true,
      sourceEvents: total,
      targetEvents: total,
      sourceStreams: 30,
      targetStreams: 30,
      differences: [],
    });

    // Nothing written twice, every event as it was, first recorded when the source recorded it.
    for (const streamId of new Set(written.map((w) => w.streamId))) {
      const [from, to] = [await source.readStream(streamId), await target.readStream(streamId)];
      expect(to.map(comparable)).toEqual(from.map(comparable));
      for (const [i, copied] of to.entries()) {
        expect(copied.metadata.recordedAt).toBe(from[i]!.metadata.recordedAt);
        expect(await journal.targetOf(from[i]!.globalPosition)).toBe(copied.globalPosition);
      }
    }
  });

  it('copies it back to PostgreSQL (the other direction), and a second run copies nothing', async () => {
    const back = new PostgresEventStore(pool, { schema: backSchema });
    await back.migrate();
    const journal = new PostgresCopyJournal(pool, backSchema, 'pglite->postgres');
    await journal.migrate();

    const first = await copyLog(target, back, { journal });
    const again = await copyLog(target, back, { journal });

    expect(first.copied).toBe(240);
    expect(again).toMatchObject({ copied: 0, alreadyPresent: 0 });
    expect((await verifyCopy(source, back)).ok).toBe(true);
  });

  it('reports a stream that differs, naming it, and refuses to copy over a stream holding other events', async () => {
    const streamId = written[0]!.streamId;
    const version = (await target.readStream(streamId)).length;
    await target.append(streamId, [event(streamId, 9, 0)], ExpectedVersion.exact(version));

    const verification = await verifyCopy(source, target);
    expect(verification.ok).toBe(false);
    expect(verification.differences).toEqual([
      `${streamId}: version ${version + 1} in the target, ${version} in the source`,
      `${verification.targetEvents} events in the target, ${verification.sourceEvents} in the source`,
    ]);

    const other = new PostgresEventStore(pool, { schema: backSchema });
    const clash = `task-clash-${randomUUID()}`;
    await source.append(clash, [event(clash, 0, 0)]);
    await other.append(clash, [event(clash, 0, 1)]);
    const journal = new PostgresCopyJournal(pool, backSchema, 'postgres->postgres');
    await journal.migrate();
    await expect(copyLog(source, other, { journal })).rejects.toBeInstanceOf(ConcurrencyError);
  });
});

function event(streamId: string, round: number, k: number): NewEvent {
  return {
    id: randomUUID(),
    type: k === 0 ? 'TaskAssigned' : 'ProgressReported',
    schemaVersion: 1 + (round % 2),
    data: { streamId, round, k, note: 'Báo cáo tiến độ: phối hợp với Sở Y tế'.normalize('NFC') },
    metadata: {
      actor: { personId: `officer-${round}`, agencyCode: 'lc-so-ldtbxh' },
      occurredAt: new Date(Date.UTC(2025, round, 1 + k)).toISOString(),
      correlationId: `corr-${round}`,
      ...(k === 1 ? { causationId: `cause-${k}`, idempotencyKey: `key-${randomUUID()}` } : {}),
    },
  };
}

function comparable(event: RecordedEvent): unknown {
  const { globalPosition: _position, transactionId: _transaction, ...rest } = event;
  return rest;
}

/** The real target, refusing every append after the first `appends` (a process that died). */
function failingAfter(store: EventStore, appends: number): EventStore {
  let left = appends;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'append') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<EventStore['append']>) => {
        if (left-- <= 0) return Promise.reject(new Error('the target stopped answering'));
        return target.append(...args);
      };
    },
  });
}
