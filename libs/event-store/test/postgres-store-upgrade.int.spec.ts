import { randomUUID } from 'node:crypto';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import {
  DuplicateEventError,
  EVENT_STORE_MIGRATIONS,
  ExpectedVersion,
  PostgresEventStore,
  migrate,
  type NewEvent,
} from '../src/index.js';

function newEvent(): NewEvent {
  return {
    id: randomUUID(),
    type: 'Noted',
    data: { at: 1 },
    metadata: {
      actor: { personId: 'officer-1', agencyCode: 'lc-so-ldtbxh' },
      occurredAt: new Date().toISOString(),
    },
  };
}

/** A store in a schema of its own as a previous release left it: migrations up to `version` applied. */
async function storeMigratedTo(version: number) {
  const pool = await connectTestPostgres(4);
  const schema = uniqueSchema('esup');
  await migrate(
    pool,
    schema,
    EVENT_STORE_MIGRATIONS.filter((migration) => migration.version <= version),
  );
  const close = async () => {
    await dropSchema(pool, schema);
    await pool.end();
  };
  return { pool, schema, store: new PostgresEventStore(pool, { schema }), close };
}

describe('a PostgreSQL event store written before append_events looked ids up first (migration 6)', () => {
  it('upgrades, answers retries of events stored before with their first positions and refuses reused ids', async () => {
    const { pool, schema, store, close } = await storeMigratedTo(5);
    try {
      const stream = `task-${randomUUID()}`;
      const events = [newEvent(), newEvent()];
      const first = await store.append(stream, events, ExpectedVersion.noStream);

      await store.migrate();
      const applied = await pool.query<{ version: number }>(
        `select version from ${schema}.schema_migrations order by version`,
      );
      expect(applied.rows.map((row) => row.version)).toEqual(EVENT_STORE_MIGRATIONS.map((m) => m.version));

      const retry = await store.append(stream, events, ExpectedVersion.noStream);
      expect(retry).toEqual({ ...first, duplicate: true });
      await expect(store.append(`task-${randomUUID()}`, [events[0]!])).rejects.toBeInstanceOf(
        DuplicateEventError,
      );
      const next = await store.append(stream, [newEvent()], ExpectedVersion.exact(2));
      expect(next.nextVersion).toBe(3);
      expect((await store.readStream(stream)).map((event) => event.streamVersion)).toEqual([1, 2, 3]);
    } finally {
      await close();
    }
  });
});

describe('a PostgreSQL event store written while appends locked a stream row (migration 7)', () => {
  it('upgrades, answers retries and refuses reused ids, and numbers new appends after the stored events', async () => {
    const { pool, schema, store, close } = await storeMigratedTo(6);
    try {
      const stream = `task-${randomUUID()}`;
      const other = `task-${randomUUID()}`;
      const events = [newEvent(), newEvent()];
      const first = await store.append(stream, events, ExpectedVersion.noStream);
      await store.append(other, [newEvent()], ExpectedVersion.noStream);

      await store.migrate();

      const retry = await store.append(stream, events, ExpectedVersion.noStream);
      expect(retry).toEqual({ ...first, duplicate: true });
      await expect(store.append(`task-${randomUUID()}`, [events[1]!])).rejects.toBeInstanceOf(
        DuplicateEventError,
      );
      await expect(store.append(stream, [newEvent()], ExpectedVersion.exact(1))).rejects.toMatchObject({
        name: 'ConcurrencyError',
        actualVersion: 2,
      });
      // Appends written in one statement, to streams stored before and a new one, each after its
      // stream's last event.
      const fresh = `task-${randomUUID()}`;
      const together = await store.appendAllWith(pool, [
        { streamId: stream, events: [newEvent()], expected: ExpectedVersion.exact(2) },
        { streamId: other, events: [newEvent(), newEvent()], expected: ExpectedVersion.exact(1) },
        { streamId: fresh, events: [newEvent()], expected: ExpectedVersion.noStream },
      ]);
      expect(together.map((result) => result.nextVersion)).toEqual([3, 3, 1]);
      expect((await store.readStream(stream)).map((event) => event.streamVersion)).toEqual([1, 2, 3]);
      // Readers of the stream table (a previous version's processes) see each stream's version.
      const streams = await pool.query<{ stream_id: string; version: number }>(
        `select stream_id, version from ${schema}.streams where stream_id = any($1::text[])`,
        [[stream, other, fresh]],
      );
      expect(new Map(streams.rows.map((row) => [row.stream_id, row.version]))).toEqual(
        new Map([
          [stream, 3],
          [other, 3],
          [fresh, 1],
        ]),
      );
    } finally {
      await close();
    }
  });
});
