import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import {
  AppendOrderError,
  ConcurrencyError,
  ExpectedVersion,
  PostgresEventStore,
  START_OF_LOG,
  type NewEvent,
} from '../src/index.js';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import { eventStoreContract } from './event-store.contract.js';
import { POSTGRES_CAPABILITIES, postgresContractSubject } from './postgres-contract-subject.js';

describe('the event store on PostgreSQL', () => {
  eventStoreContract(
    async () => {
      const pool = await connectTestPostgres(60);
      const schema = uniqueSchema('es');
      return postgresContractSubject(pool, schema, async () => {
        await dropSchema(pool, schema);
        await pool.end();
      });
    },
    { ...POSTGRES_CAPABILITIES, concurrentTransactions: true },
  );
});

describe('two PostgreSQL event stores (two processes) appending to the same streams at once', () => {
  it('let one append take each version: the other is refused with the actual version, or, expecting any version, written after it', async () => {
    const pool = await connectTestPostgres(16);
    const schema = uniqueSchema('es2');
    try {
      // Each store groups its own appends; nothing but the database keeps the two apart.
      const one = new PostgresEventStore(pool, { schema });
      const two = new PostgresEventStore(pool, { schema });
      await one.migrate();
      const streams = Array.from({ length: 20 }, () => `task-${randomUUID()}`);
      for (const stream of streams) await one.append(stream, [newEvent()], ExpectedVersion.noStream);

      const exact = await Promise.allSettled(
        streams.flatMap((stream) =>
          [one, two].map((store) => store.append(stream, [newEvent(), newEvent()], ExpectedVersion.exact(1))),
        ),
      );
      expect(exact.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(streams.length);
      for (const outcome of exact) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(ConcurrencyError);
          expect(outcome.reason).toMatchObject({ actualVersion: 3 });
        }
      }

      const any = await Promise.all(
        streams.flatMap((stream) => [one, two].map((store) => store.append(stream, [newEvent()]))),
      );
      expect(any.map((result) => result.nextVersion).sort()).toEqual(streams.flatMap(() => [4, 5]).sort());
      for (const stream of streams) {
        expect((await one.readStream(stream)).map((event) => event.streamVersion)).toEqual([1, 2, 3, 4, 5]);
      }
    } finally {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });
});

describe('an append racing a transaction that is writing the same stream', () => {
  let pool: Awaited<ReturnType<typeof connectTestPostgres>>;
  let store: PostgresEventStore;
  const schema = uniqueSchema('esrace');

  beforeAll(async () => {
    pool = await connectTestPostgres(8);
    store = new PostgresEventStore(pool, { schema });
    await store.migrate();
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  /** Open transactions a test left behind (it failed before ending them): rolled back after it. */
  const leftOpen = new Set<() => Promise<void>>();
  afterEach(async () => {
    for (const rollback of leftOpen) await rollback();
  });

  /** Appends in a transaction left open until `finish` is called (commit or rollback). */
  async function openAppend(stream: string, events: readonly NewEvent[], expected: ExpectedVersion) {
    const client = await pool.connect();
    let open = true;
    const finish = async (end: 'commit' | 'rollback') => {
      if (!open) return;
      open = false;
      leftOpen.delete(rollback);
      try {
        await client.query(end);
      } finally {
        client.release();
      }
    };
    const rollback = () => finish('rollback');
    leftOpen.add(rollback);
    await client.query('begin');
    await store.appendWith(client, stream, events, expected);
    return finish;
  }

  /** Resolves once an append to this schema waits on a lock: on the open transaction's entries. */
  async function untilSomeoneWaits(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const { rows } = await pool.query<{ waiting: number }>(
        `select count(*)::int as waiting from pg_stat_activity
          where wait_event_type = 'Lock' and datname = current_database() and query like $1`,
        [`%${schema}.append_events%`],
      );
      if ((rows[0]?.waiting ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the racing append never waited on the open transaction');
  }

  it.each([
    ['commit', 'answered as a duplicate once it commits', true],
    ['rollback', 'written itself when the transaction it waited for rolls back', false],
  ] as const)('a retry of an append still being committed (%s) is %s', async (end, _, duplicate) => {
    const stream = `task-${randomUUID()}`;
    await store.append(stream, [newEvent()], ExpectedVersion.noStream);
    const events = [newEvent()];
    const finish = await openAppend(stream, events, ExpectedVersion.exact(1));

    const retry = store.append(stream, events, ExpectedVersion.exact(1));
    await untilSomeoneWaits();
    await finish(end);

    await expect(retry).resolves.toMatchObject({ nextVersion: 2, duplicate });
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it("refuses, in its own caller's transaction, an append that lost the race to a several-event append", async () => {
    const stream = `task-${randomUUID()}`;
    await store.append(stream, [newEvent()], ExpectedVersion.noStream);
    const finish = await openAppend(stream, [newEvent(), newEvent(), newEvent()], ExpectedVersion.exact(1));

    const client = await pool.connect();
    try {
      await client.query('begin');
      const loser = store.appendWith(client, stream, [newEvent()], ExpectedVersion.exact(1));
      await untilSomeoneWaits();
      await finish('commit');
      // Not a concurrency error naming version 2: the stream is at 4, which only a new
      // transaction can read.
      await expect(loser).rejects.toBeInstanceOf(AppendOrderError);
    } finally {
      // The open transaction first (a no-op once committed): the loser may still wait for it.
      await finish('rollback');
      await client.query('rollback');
      client.release();
    }
    await expect(store.append(stream, [newEvent()], ExpectedVersion.exact(1))).rejects.toMatchObject({
      actualVersion: 4,
    });
  });
});

describe('a catch-up read on PostgreSQL', () => {
  let pool: Awaited<ReturnType<typeof connectTestPostgres>>;
  let store: PostgresEventStore;
  let schema: string;
  /** The catch-up queries sent, with what each answered. */
  let catchUpQueries: Promise<unknown>[];

  beforeEach(async () => {
    pool = await connectTestPostgres(4);
    schema = uniqueSchema('esread');
    store = new PostgresEventStore(pool, { schema });
    await store.migrate();
    catchUpQueries = [];
    const query = pool.query.bind(pool) as (config: { name?: string }) => Promise<unknown>;
    jest.spyOn(pool, 'query').mockImplementation(((config: { name?: string }) => {
      const answer = query(config);
      if (config.name === `${schema}.read_all`) catchUpQueries.push(answer);
      return answer;
    }) as never);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('sends one query for a full page, and reads nothing ahead of the caller', async () => {
    await store.append(`task-${randomUUID()}`, [newEvent(), newEvent(), newEvent()]);

    const first = await store.readAll(START_OF_LOG, 2);
    expect(catchUpQueries).toHaveLength(1);
    const second = await store.readAll(first.next, 2);
    expect(catchUpQueries).toHaveLength(2);

    expect([...first.events, ...second.events].map((event) => event.streamVersion)).toEqual([1, 2, 3]);
  });

  it.each([0, -1])('answers an empty page, from where it was asked, for a limit of %d', async (limit) => {
    await store.append(`task-${randomUUID()}`, [newEvent(), newEvent()]);

    await expect(store.readAll(START_OF_LOG, limit)).resolves.toEqual({ events: [], next: START_OF_LOG });
  });
});

function newEvent(): NewEvent {
  return {
    id: randomUUID(),
    type: 'Noted',
    data: {},
    metadata: {
      actor: { personId: 'officer-1', agencyCode: 'lc-so-ldtbxh' },
      occurredAt: new Date().toISOString(),
    },
  };
}
