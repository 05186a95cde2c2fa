import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from 'pg';
import {
  AppendOrderError,
  ConcurrencyError,
  DuplicateEventError,
  DurableSubscription,
  ExpectedVersion,
  InvalidAppendError,
  START_OF_LOG,
  readLogBatches,
  upcasterFrom,
  type EventStore,
  type LogPosition,
  type NewEvent,
  PostgresEventStore,
  type ReadAllBatch,
  type RecordedEvent,
  type Upcaster,
} from '../src/index.js';

/** What each adapter's spec provides: the store under test, migrated, and where checkpoints go. */
export interface ContractSubject {
  readonly store: EventStore;
  /** Checkpoints of durable subscriptions, kept where the projections keep theirs (PostgreSQL). */
  readonly checkpoints: {
    load(subscriptionId: string): Promise<LogPosition>;
    save(subscriptionId: string, position: LogPosition): Promise<void>;
  };
  /** Another reader of the same events, through an upcaster. */
  withUpcaster(upcaster: Upcaster): EventStore;
  /** The PostgreSQL adapters: appends inside a caller's transaction (appendWith). */
  readonly transactions?: { readonly pool: Pool; readonly store: PostgresEventStore };
  dispose(): Promise<void>;
}

const actor = { personId: 'officer-1', agencyCode: 'lc-so-ldtbxh' };

function newEvent(type = 'TaskAcknowledged', data: unknown = { note: 'ok' }): NewEvent {
  return { id: randomUUID(), type, data, metadata: { actor, occurredAt: '2024-12-01T03:00:00.000Z' } };
}

async function readEverything(store: EventStore, from: LogPosition = START_OF_LOG): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let position = from;
  for (;;) {
    const batch = await store.readAll(position, 1000);
    if (batch.events.length === 0) return all;
    all.push(...batch.events);
    position = batch.next;
  }
}

/**
 * The behaviour every event store adapter must show, run against each store in turn. The few
 * guarantees one store gives and another does not are named here, so that a difference is a
 * stated capability and never a silently weaker test (docs/adr/0024-kurrentdb-event-store.md).
 */
export interface ContractOptions {
  /** False for embedded PGlite: one backend runs one transaction at a time. */
  readonly concurrentTransactions: boolean;
  /** Appends inside the caller's PostgreSQL transaction (`appendWith`), committed with its other writes. */
  readonly callerTransactions: boolean;
  /** Concurrent appends are written together in one transaction (PostgreSQL's group commit). */
  readonly groupCommit: boolean;
  /**
   * An event id is refused in a second stream (PostgreSQL's unique index). KurrentDB
   * de-duplicates a retried append within its stream only.
   */
  readonly eventIdsUniqueAcrossStreams: boolean;
  /**
   * Of racing identical appends, exactly one answers `duplicate: false`. On KurrentDB the server
   * stores one copy, but each racer that found nothing before it appended answers false.
   */
  readonly oneFirstAnswerUnderRace: boolean;
}

export function eventStoreContract(
  openSubject: () => Promise<ContractSubject>,
  options: ContractOptions,
): void {
  let subject: ContractSubject;
  let store: EventStore;

  beforeAll(async () => {
    subject = await openSubject();
    store = subject.store;
  });

  afterAll(async () => {
    await subject?.dispose();
  });

  /** The PostgreSQL adapter's transactions (only called in tests gated on them). */
  function transactions(): NonNullable<ContractSubject['transactions']> {
    if (!subject.transactions) throw new Error('this store has no transactions of its own');
    return subject.transactions;
  }

  /**
   * Runs `check` while a transaction that appended "Slow" is still running and a later one that
   * appended "Fast" has committed; `commit` ends the slow one (rolled back if `check` never does).
   */
  async function whileSlowIsRunning(check: (commit: () => Promise<void>) => Promise<void>): Promise<void> {
    const { pool, store: postgres } = transactions();
    const client = await pool.connect();
    let committed = false;
    try {
      await client.query('begin');
      await postgres.appendWith(client, `task-${randomUUID()}`, [newEvent('Slow')]);
      await store.append(`task-${randomUUID()}`, [newEvent('Fast')]);
      await check(async () => {
        await client.query('commit');
        committed = true;
      });
    } finally {
      if (!committed) await client.query('rollback');
      client.release();
    }
  }

  describe('appending to a stream', () => {
    it('numbers the events of a stream from 1 without gaps and reads them back in order', async () => {
      const stream = `task-${randomUUID()}`;
      await store.append(stream, [newEvent('A'), newEvent('B')], ExpectedVersion.noStream);
      const result = await store.append(stream, [newEvent('C')], ExpectedVersion.exact(2));

      expect(result.nextVersion).toBe(3);
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, e.streamVersion])).toEqual([
        ['A', 1],
        ['B', 2],
        ['C', 3],
      ]);
      expect(result.lastPosition).toBe(events[2]!.globalPosition);
    });

    it('stores who acted, for which agency, when it happened and when it was recorded', async () => {
      const stream = `task-${randomUUID()}`;
      const event: NewEvent = {
        id: randomUUID(),
        type: 'TaskAssigned',
        schemaVersion: 2,
        data: { title: 'Báo cáo năm' },
        metadata: {
          actor,
          occurredAt: '2024-05-20T02:00:00.000Z',
          correlationId: 'corr-1',
          causationId: 'cause-1',
          idempotencyKey: 'key-1',
        },
      };
      const before = Date.now();
      await store.append(stream, [event]);
      const [stored] = await store.readStream(stream);

      expect(stored).toMatchObject({
        id: event.id,
        streamId: stream,
        type: 'TaskAssigned',
        schemaVersion: 2,
        data: { title: 'Báo cáo năm' },
        metadata: { ...event.metadata },
      });
      expect(Date.parse(stored!.metadata.recordedAt)).toBeGreaterThanOrEqual(before - 5_000);
    });

    it('reads back each field as written, from a stream and from the log alike', async () => {
      // Spaces and Vietnamese in the stream id and type: a reader that cuts fields out of a row
      // must not cut inside them.
      const stream = `task ${randomUUID()} bản sao`;
      const written: NewEvent[] = [
        { ...newEvent('Giao nhiệm vụ', { n: 1 }), schemaVersion: 3 },
        { ...newEvent('Progress Reported', { n: 2 }), schemaVersion: 12 },
      ];
      const result = await store.append(stream, written, ExpectedVersion.noStream);

      const fromStream = await store.readStream(stream);
      expect(
        fromStream.map((e) => [e.id, e.streamId, e.streamVersion, e.type, e.schemaVersion, e.data]),
      ).toEqual([
        [written[0]!.id, stream, 1, 'Giao nhiệm vụ', 3, { n: 1 }],
        [written[1]!.id, stream, 2, 'Progress Reported', 12, { n: 2 }],
      ]);
      expect(fromStream.map((e) => e.globalPosition)).toEqual(result.positions);
      // One append, one transaction: the same id and the same recorded time.
      expect(typeof fromStream[0]!.transactionId).toBe('bigint');
      expect(fromStream[1]!.transactionId).toBe(fromStream[0]!.transactionId);
      expect(fromStream[0]!.metadata.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // PostgreSQL records the transaction's start for each event; KurrentDB stamps each event.
      if (store instanceof PostgresEventStore) {
        expect(fromStream[1]!.metadata.recordedAt).toBe(fromStream[0]!.metadata.recordedAt);
      }

      const fromLog = (await readEverything(store)).filter((e) => e.streamId === stream);
      expect(fromLog).toEqual(fromStream);
      if (store instanceof PostgresEventStore) {
        expect((await store.readStreams([stream])).get(stream)).toEqual(fromStream);
      }
    });

    it('writes all events of one append or none', async () => {
      const stream = `task-${randomUUID()}`;
      if (options.eventIdsUniqueAcrossStreams) {
        const used = newEvent();
        await store.append(`other-${randomUUID()}`, [used]);
        await expect(store.append(stream, [newEvent(), used])).rejects.toBeInstanceOf(DuplicateEventError);
      } else {
        // A text no projection could store fails the whole append, before anything is written.
        await expect(
          store.append(stream, [newEvent(), newEvent('Broken', { text: 'nul \u0000' })]),
        ).rejects.toBeInstanceOf(InvalidAppendError);
      }
      expect(await store.readStream(stream)).toEqual([]);
    });

    it('reads a stream from a given version', async () => {
      const stream = `task-${randomUUID()}`;
      await store.append(stream, [newEvent('A'), newEvent('B'), newEvent('C')]);
      const events = await store.readStream(stream, { fromVersion: 2 });
      expect(events.map((e) => e.type)).toEqual(['B', 'C']);
    });
  });

  describe('when the writer expected another version', () => {
    it('refuses and says the expected and the actual version', async () => {
      const stream = `task-${randomUUID()}`;
      await store.append(stream, [newEvent(), newEvent()]);

      const failure = store.append(stream, [newEvent()], ExpectedVersion.exact(1));
      await expect(failure).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(failure).rejects.toMatchObject({
        streamId: stream,
        expected: { kind: 'exact', version: 1 },
        actualVersion: 2,
      });
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('refuses "no stream" when the stream exists', async () => {
      const stream = `task-${randomUUID()}`;
      await store.append(stream, [newEvent()]);
      await expect(store.append(stream, [newEvent()], ExpectedVersion.noStream)).rejects.toMatchObject({
        actualVersion: 1,
      });
    });

    it('refuses an exact version of a stream that does not exist', async () => {
      await expect(
        store.append(`task-${randomUUID()}`, [newEvent()], ExpectedVersion.exact(3)),
      ).rejects.toMatchObject({ actualVersion: 0 });
    });
  });

  describe('when 50 writers append at the same expected version', () => {
    it('lets exactly one succeed, refuses 49 with a concurrency error and leaves no gap', async () => {
      const stream = `task-${randomUUID()}`;
      await store.append(stream, [newEvent()], ExpectedVersion.noStream);

      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, () => store.append(stream, [newEvent()], ExpectedVersion.exact(1))),
      );

      const succeeded = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter(
        (o): o is PromiseRejectedResult => o.status === 'rejected' && o.reason instanceof ConcurrencyError,
      );
      expect(succeeded).toHaveLength(1);
      expect(refused).toHaveLength(49);
      const versions = (await store.readStream(stream)).map((e) => e.streamVersion);
      expect(versions).toEqual([1, 2]);
    });

    if (options.callerTransactions)
      it('lets exactly one succeed when each writes in its own transaction (appendWith), refusing 49 with an error that says decide again', async () => {
        const { pool, store: postgres } = transactions();
        const stream = `task-${randomUUID()}`;
        await store.append(stream, [newEvent()], ExpectedVersion.noStream);

        // No group commit here: every writer holds its own transaction, as a command with an
        // Idempotency-Key or another process does, so they meet at the stream's next version: a
        // writer that saw the winner's commit gets a concurrency error with the actual version,
        // one that raced it an order error (its transaction has ended: retry in a new one).
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, async () => {
            const client = await pool.connect();
            try {
              await client.query('begin');
              const result = await postgres.appendWith(
                client,
                stream,
                [newEvent()],
                ExpectedVersion.exact(1),
              );
              await client.query('commit');
              return result;
            } catch (error) {
              await client.query('rollback');
              throw error;
            } finally {
              client.release();
            }
          }),
        );

        const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(refusals).toHaveLength(49);
        for (const refusal of refusals) {
          if (refusal instanceof AppendOrderError) continue;
          expect(refusal).toBeInstanceOf(ConcurrencyError);
          expect(refusal).toMatchObject({ actualVersion: 2 });
        }
        expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([1, 2]);
      });

    it('lets exactly one create a new stream', async () => {
      const stream = `task-${randomUUID()}`;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, () => store.append(stream, [newEvent()], ExpectedVersion.noStream)),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });
  });

  describe('when the same event id is appended twice', () => {
    it('stores one copy and answers the retry with the first positions', async () => {
      const stream = `task-${randomUUID()}`;
      const events = [newEvent(), newEvent()];
      const first = await store.append(stream, events, ExpectedVersion.noStream);
      const retry = await store.append(stream, events, ExpectedVersion.noStream);

      expect(retry).toEqual({ ...first, duplicate: true });
      expect(first.duplicate).toBe(false);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('stores one copy when both attempts race', async () => {
      const stream = `task-${randomUUID()}`;
      const event = newEvent();
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.append(stream, [event])));
      if (options.oneFirstAnswerUnderRace) expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.lastPosition)).size).toBe(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    if (options.eventIdsUniqueAcrossStreams)
      it('refuses the id in another stream', async () => {
        const event = newEvent();
        await store.append(`task-${randomUUID()}`, [event]);
        await expect(store.append(`task-${randomUUID()}`, [event])).rejects.toBeInstanceOf(
          DuplicateEventError,
        );
      });
  });

  describe('when many appends arrive at once', () => {
    it('writes every append with its own versions and positions (in fewer transactions, with group commit)', async () => {
      const streams = Array.from({ length: 40 }, () => `task-${randomUUID()}`);
      const results = await Promise.all(
        streams.map((stream, i) =>
          store.append(stream, [newEvent('A', { i }), newEvent('B', { i })], ExpectedVersion.noStream),
        ),
      );

      const transactions = new Set<bigint>();
      for (const [i, stream] of streams.entries()) {
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
          ['A', 1, { i }],
          ['B', 2, { i }],
        ]);
        expect(results[i]!.positions).toEqual(events.map((e) => e.globalPosition));
        expect(results[i]!.nextVersion).toBe(2);
        for (const e of events) transactions.add(e.transactionId);
      }
      // 40 appends in fewer transactions than appends: they were grouped.
      if (options.groupCommit) expect(transactions.size).toBeLessThan(streams.length);
    });

    it('refuses only the append whose expected version is wrong', async () => {
      const existing = `task-${randomUUID()}`;
      await store.append(existing, [newEvent()]);
      const fresh = Array.from({ length: 10 }, () => `task-${randomUUID()}`);

      const outcomes = await Promise.allSettled([
        ...fresh.map((stream) => store.append(stream, [newEvent()], ExpectedVersion.noStream)),
        store.append(existing, [newEvent()], ExpectedVersion.exact(7)),
        ...fresh.map((stream) => store.append(`${stream}-b`, [newEvent()], ExpectedVersion.noStream)),
      ]);

      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(refused).toHaveLength(1);
      const reason = (refused[0] as PromiseRejectedResult).reason as ConcurrencyError;
      expect(reason).toBeInstanceOf(ConcurrencyError);
      expect(reason.streamId).toBe(existing);
      expect(reason.actualVersion).toBe(1);
      expect(await store.readStream(existing)).toHaveLength(1);
      for (const stream of fresh) expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('applies appends to the same stream in the order they were made', async () => {
      const stream = `task-${randomUUID()}`;
      const outcomes = await Promise.allSettled([
        store.append(`task-${randomUUID()}`, [newEvent()]),
        store.append(`task-${randomUUID()}`, [newEvent()]),
        store.append(stream, [newEvent('first')], ExpectedVersion.noStream),
        store.append(stream, [newEvent('second')], ExpectedVersion.exact(1)),
        store.append(stream, [newEvent('third')], ExpectedVersion.exact(2)),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['first', 'second', 'third']);
    });

    it('keeps the order of many appends to one stream made at once, across batches', async () => {
      const stream = `task-${randomUUID()}`;
      const appends: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        appends.push(store.append(stream, [newEvent(`step-${i}`)]));
        appends.push(store.append(`task-${randomUUID()}`, [newEvent()]));
      }
      await Promise.all(appends);

      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(
        Array.from({ length: 30 }, (_, i) => `step-${i}`),
      );
    });

    // Only a store that writes appends together can fail one append of a batch in the database.
    if (options.groupCommit)
      it('fails only the append the database cannot store, and writes the others', async () => {
        const good = Array.from({ length: 12 }, () => `task-${randomUUID()}`);
        const bad = `task-${randomUUID()}`;
        // A valid JavaScript date before 4713 BC: PostgreSQL's timestamptz refuses it, so the batch's
        // statement fails and each append is written again on its own.
        const broken = newEvent('Broken');
        const outcomes = await Promise.allSettled([
          ...good.slice(0, 6).map((stream) => store.append(stream, [newEvent()])),
          store.append(bad, [{ ...broken, metadata: { actor, occurredAt: '-271821-04-20T00:00:00.000Z' } }]),
          ...good.slice(6).map((stream) => store.append(stream, [newEvent()])),
        ]);

        expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
        expect(outcomes[6]!.status).toBe('rejected');
        expect(await store.readStream(bad)).toEqual([]);
        for (const stream of good) expect(await store.readStream(stream)).toHaveLength(1);
      });
  });

  describe('data and metadata', () => {
    it('are read back as the JSON that was written, key order and Vietnamese text included', async () => {
      const stream = `task-${randomUUID()}`;
      const data = {
        zeta: 1,
        alpha: { 'Sở Y tế': 'phối hợp' },
        list: [3, 1, 2],
        nothing: null,
        quote: 'a "b" \\ c',
      };
      await store.append(stream, [newEvent('Noted', data)]);

      const [stored] = await store.readStream(stream);
      expect(JSON.stringify(stored!.data)).toBe(JSON.stringify(data));
    });

    it.each([
      ['a NUL character', { text: 'nul \u0000 here' }],
      ['an unpaired high surrogate', { text: 'half \ud83d pair' }],
      ['an unpaired low surrogate', { nested: ['\udc00'] }],
    ])('refuse text with %s, which no projection could store, and write nothing', async (_, data) => {
      const stream = `task-${randomUUID()}`;
      // The first append is written at once; the others wait and are written together.
      const outcomes = await Promise.allSettled([
        store.append(`task-${randomUUID()}`, [newEvent()]),
        store.append(`task-${randomUUID()}`, [newEvent()]),
        store.append(stream, [newEvent('Broken', data)]),
        store.append(`task-${randomUUID()}`, [newEvent()]),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect(outcomes[2].status === 'rejected' && outcomes[2].reason).toBeInstanceOf(InvalidAppendError);
      if (subject.transactions) {
        const { pool, store: postgres } = subject.transactions;
        await expect(postgres.appendWith(pool, stream, [newEvent('Broken', data)])).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
      }
      expect(await store.readStream(stream)).toEqual([]);
    });

    it('keep text that only looks like an escape, and whole surrogate pairs', async () => {
      const stream = `task-${randomUUID()}`;
      const data = { path: 'C:\\u0000\\dir', emoji: 'trẻ em 👧', backslashes: '\\\\u0000' };
      await store.append(stream, [newEvent('Noted', data)]);

      expect((await store.readStream(stream))[0]!.data).toEqual(data);
    });
  });

  describe('reading the global log', () => {
    // Only a server that runs transactions side by side can commit a later position first.
    if (options.concurrentTransactions)
      it('does not show an event whose transaction is still running, nor anything after it', async () => {
        const { pool, store: postgres } = transactions();
        const client = await pool.connect();
        try {
          const slowStream = `task-${randomUUID()}`;
          const fastStream = `task-${randomUUID()}`;
          const head = await readEverything(store);
          const after = head.length
            ? { transactionId: head.at(-1)!.transactionId, globalPosition: head.at(-1)!.globalPosition }
            : START_OF_LOG;

          await client.query('begin');
          await postgres.appendWith(client, slowStream, [newEvent('Slow')]);
          // A later transaction commits first: a reader trusting positions alone would skip "Slow".
          const fastRead = store.append(fastStream, [newEvent('Fast')]);
          // The fast append commits on another connection without waiting for the slow one.
          const whileRunning = await fastRead.then(() => store.readAll(after, 100));
          expect(whileRunning.events.map((e) => e.type)).toEqual([]);

          await client.query('commit');
          await fastRead;
          const afterCommit = await store.readAll(after, 100);
          expect(afterCommit.events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
        } finally {
          client.release();
        }
      });

    it('reads on page by page, as readAll answers, until a read finds nothing', async () => {
      const from = await store.readableHead();
      const stream = `task-${randomUUID()}`;
      await store.append(stream, [newEvent('P1'), newEvent('P2'), newEvent('P3'), newEvent('P4')]);
      await store.append(stream, [newEvent('P5'), newEvent('P6'), newEvent('P7')]);
      const expected = await readEverything(store, from);

      const pages = [];
      for await (const page of readLogBatches(store, from, 3)) pages.push(page);

      expect(pages.map((page) => page.events.map((e) => e.type))).toEqual([
        ['P1', 'P2', 'P3'],
        ['P4', 'P5', 'P6'],
        ['P7'],
      ]);
      expect(pages.flatMap((page) => page.events)).toEqual(expected);
      for (const page of pages) {
        const last = page.events.at(-1)!;
        expect(page.next).toEqual({ transactionId: last.transactionId, globalPosition: last.globalPosition });
      }
      expect(pages.at(-1)!.next).toEqual(await store.readableHead());
      const none = [];
      for await (const page of readLogBatches(store, pages.at(-1)!.next, 3)) none.push(page);
      expect(none).toEqual([]);
      for await (const page of readLogBatches(store, from, 0)) none.push(page);
      expect(none).toEqual([]);
    });

    it('reads on from where a caller that stopped paging left off', async () => {
      const from = await store.readableHead();
      await store.append(`task-${randomUUID()}`, [newEvent('S1'), newEvent('S2'), newEvent('S3')]);
      let first: ReadAllBatch | undefined;
      for await (const page of readLogBatches(store, from, 2)) {
        first = page;
        break;
      }
      const rest = [];
      for await (const page of readLogBatches(store, first!.next, 2)) rest.push(...page.events);

      expect([...first!.events, ...rest].map((e) => e.type)).toEqual(['S1', 'S2', 'S3']);
    });

    if (options.concurrentTransactions)
      it('reads no page ahead past a transaction still running', async () => {
        const from = await store.readableHead();
        await store.append(`task-${randomUUID()}`, [newEvent('Before1'), newEvent('Before2')]);
        await whileSlowIsRunning(async (commit) => {
          // The first page is full, so the page after it is read too while 'Slow' is uncommitted:
          // that read must stop at the running transaction (it finds nothing past 'Before2').
          const whileRunning = [];
          for await (const page of readLogBatches(store, from, 2)) whileRunning.push(page);
          expect(whileRunning.map((page) => page.events.map((e) => e.type))).toEqual([
            ['Before1', 'Before2'],
          ]);

          await commit();
          const afterCommit = [];
          for await (const page of readLogBatches(store, whileRunning[0]!.next, 2)) {
            afterCommit.push(...page.events.map((e) => e.type));
          }
          expect(afterCommit).toEqual(['Slow', 'Fast']);
        });
      });

    it('answers its readable head: the last event readAll returns', async () => {
      await store.append(`task-${randomUUID()}`, [newEvent('Last')]);
      const everything = await readEverything(store);
      const last = everything.at(-1)!;

      expect(await store.readableHead()).toEqual({
        transactionId: last.transactionId,
        globalPosition: last.globalPosition,
      });
      expect((await store.readAll(await store.readableHead(), 10)).events).toEqual([]);
    });

    if (options.concurrentTransactions)
      it('keeps its readable head before a transaction still running', async () => {
        const before = await store.readableHead();
        await whileSlowIsRunning(async (commit) => {
          expect(await store.readableHead()).toEqual(before);
          await commit();
          const after = await store.readAll(before, 10);
          expect(after.events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
        });
      });

    /**
     * Appends 'Third' to a new stream from a transaction that took its id before 'Second' was
     * appended and committed; answers what that append threw (null if it was written).
     */
    async function appendFromOlderTransaction(stream: string, expected?: ExpectedVersion): Promise<unknown> {
      await store.append(stream, [newEvent('First')]);
      const { pool, store: postgres } = transactions();
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('select pg_current_xact_id()');
        await store.append(stream, [newEvent('Second')]);
        return await postgres.appendWith(client, stream, [newEvent('Third')], expected).then(
          () => null,
          (error: unknown) => error,
        );
      } finally {
        await client.query('rollback');
        client.release();
      }
    }

    if (options.concurrentTransactions)
      it('refuses to append behind a newer transaction, so the log keeps each stream in version order', async () => {
        const stream = `task-${randomUUID()}`;
        expect(await appendFromOlderTransaction(stream)).toBeInstanceOf(AppendOrderError);
        await store.append(stream, [newEvent('Third')]);

        const inLogOrder = (await readEverything(store)).filter((e) => e.streamId === stream);
        expect(inLogOrder.map((e) => [e.type, e.streamVersion])).toEqual([
          ['First', 1],
          ['Second', 2],
          ['Third', 3],
        ]);
      });

    if (options.concurrentTransactions)
      it('answers a concurrency error, not an order error, when the expected version is stale as well', async () => {
        // Deciding again is what that writer must do, not merely retrying.
        const refusal = await appendFromOlderTransaction(`task-${randomUUID()}`, ExpectedVersion.exact(1));
        expect(refusal).toBeInstanceOf(ConcurrencyError);
        expect(refusal).toMatchObject({ actualVersion: 2 });
      });

    it('answers the log position of a global position', async () => {
      const result = await store.append(`task-${randomUUID()}`, [newEvent()]);
      const position = await store.logPositionOf(result.lastPosition);
      expect(position?.globalPosition).toBe(result.lastPosition);
      expect(await store.logPositionOf(result.lastPosition + 1_000_000n)).toBeNull();
      expect(await store.headPosition()).toBeGreaterThanOrEqual(result.lastPosition);
    });
  });

  describe('when 20 writers append 500 events each (on PostgreSQL: some transactions slow or rolled back)', () => {
    it('shows a subscriber every committed event exactly once, in one stable order, and nothing rolled back', async () => {
      const start = await readEverything(store);
      const startPosition: LogPosition = start.length
        ? { transactionId: start.at(-1)!.transactionId, globalPosition: start.at(-1)!.globalPosition }
        : START_OF_LOG;

      const seen: RecordedEvent[] = [];
      const { checkpoints } = subject;
      const subscriptionId = `contract-${randomUUID()}`;
      await checkpoints.save(subscriptionId, startPosition);
      const subscription = new DurableSubscription(
        store,
        {
          loadCheckpoint: () => checkpoints.load(subscriptionId),
          async handle(events, checkpoint) {
            seen.push(...events);
            await checkpoints.save(subscriptionId, checkpoint);
          },
        },
        { name: subscriptionId, batchSize: 200, pollIntervalMs: 5 },
      );
      await subscription.start();

      const committed = new Set<string>();
      const rolledBack = new Set<string>();
      const writers = Array.from({ length: 20 }, async (_, writer) => {
        const stream = `load-${writer}-${randomUUID()}`;
        for (let append = 0; append < 100; append++) {
          const events = Array.from({ length: 5 }, () => newEvent('Loaded', { writer, append }));
          if (!subject.transactions) {
            // A store without transactions of its own: appends as they come, some after a pause.
            if (append % 17 === 3) await delay(15);
            await store.append(stream, events);
            events.forEach((e) => committed.add(e.id));
            continue;
          }
          const { pool, store: postgres } = subject.transactions;
          const client = await pool.connect();
          try {
            await client.query('begin');
            if (append % 13 === 7) {
              const doomed = [newEvent('RolledBack')];
              await postgres.appendWith(client, `doomed-${randomUUID()}`, doomed);
              await delay(3);
              await client.query('rollback');
              doomed.forEach((e) => rolledBack.add(e.id));
              await client.query('begin');
            }
            await postgres.appendWith(client, stream, events);
            // Some transactions hold their positions while later ones commit.
            if (append % 17 === 3) await delay(15);
            await client.query('commit');
            events.forEach((e) => committed.add(e.id));
          } catch (error) {
            await client.query('rollback');
            throw error;
          } finally {
            client.release();
          }
        }
      });
      await Promise.all(writers);

      const last = await readEverything(store);
      const target = {
        transactionId: last.at(-1)!.transactionId,
        globalPosition: last.at(-1)!.globalPosition,
      };
      expect(await subscription.waitFor(target, 30_000)).toBe(true);
      await subscription.stop();

      const seenIds = seen.map((e) => e.id);
      expect(committed.size).toBe(10_000);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect(seenIds.filter((id) => committed.has(id))).toHaveLength(10_000);
      expect(seenIds.filter((id) => rolledBack.has(id))).toHaveLength(0);

      // The order the live subscriber saw is the order any later reader sees.
      const replayed: string[] = [];
      let position = startPosition;
      for (;;) {
        const batch = await store.readAll(position, 777);
        if (batch.events.length === 0) break;
        replayed.push(...batch.events.map((e) => e.id));
        position = batch.next;
      }
      expect(replayed).toEqual(seenIds);
    }, 120_000);
  });

  describe('durable subscriptions', () => {
    it('resume from their checkpoint after a restart, repeating nothing', async () => {
      const { checkpoints } = subject;
      const id = `resume-${randomUUID()}`;
      const head = await readEverything(store);
      await checkpoints.save(id, {
        transactionId: head.at(-1)?.transactionId ?? 0n,
        globalPosition: head.at(-1)?.globalPosition ?? 0n,
      });
      const seen: string[] = [];
      const consumer = {
        loadCheckpoint: () => checkpoints.load(id),
        async handle(events: readonly RecordedEvent[], checkpoint: LogPosition) {
          seen.push(...events.map((e) => e.id));
          await checkpoints.save(id, checkpoint);
        },
      };
      const stream = `task-${randomUUID()}`;
      const first = [newEvent(), newEvent()];
      const firstAppend = await store.append(stream, first);
      const one = new DurableSubscription(store, consumer, { name: id, pollIntervalMs: 5 });
      await one.start();
      expect(await one.waitFor((await store.logPositionOf(firstAppend.lastPosition))!, 10_000)).toBe(true);
      await one.stop();

      const second = [newEvent()];
      const secondAppend = await store.append(stream, second);
      const two = new DurableSubscription(store, consumer, { name: id, pollIntervalMs: 5 });
      await two.start();
      expect(await two.waitFor((await store.logPositionOf(secondAppend.lastPosition))!, 10_000)).toBe(true);
      await two.stop();

      expect(seen).toEqual([...first, ...second].map((e) => e.id));
    });
  });

  describe('when an event was stored under an older schema version', () => {
    it('is upcast to the current shape on read', async () => {
      const stream = `task-${randomUUID()}`;
      await store.append(stream, [
        { ...newEvent('TaskAssigned', { agency: 'lc-so-yte' }), schemaVersion: 1 },
      ]);
      const upcasting = subject.withUpcaster(
        upcasterFrom([
          {
            type: 'TaskAssigned',
            fromVersion: 1,
            upcast: (data) => ({
              assignees: [{ agencyCode: (data as { agency: string }).agency, role: 'lead' }],
            }),
          },
        ]),
      );
      const [event] = await upcasting.readStream(stream);
      expect(event).toMatchObject({
        schemaVersion: 2,
        data: { assignees: [{ agencyCode: 'lc-so-yte', role: 'lead' }] },
      });
    });
  });
}
