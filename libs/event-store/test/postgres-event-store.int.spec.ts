import { randomUUID } from 'node:crypto';
import { ConcurrencyError, ExpectedVersion, PostgresEventStore, type NewEvent } from '../src/index.js';
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
