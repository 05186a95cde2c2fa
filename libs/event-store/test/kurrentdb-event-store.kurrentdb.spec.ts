import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import { KurrentDbEventStore, PostgresCheckpointStore, PostgresEventStore } from '../src/index.js';
import { eventStoreContract } from './event-store.contract.js';

/**
 * The event-store contract against a real KurrentDB server at KURRENTDB_URL, e.g.
 * `kurrentdb://127.0.0.1:2113?tls=false` (README: "Running the contract suite on KurrentDB").
 * Run by `npm run test:kurrentdb`, and by `npm test` whenever KURRENTDB_URL is set. Without it
 * this suite fails: it is never skipped, and never passes without a server.
 */
const url = process.env.KURRENTDB_URL;

describe('the event store on KurrentDB (a real server at KURRENTDB_URL)', () => {
  eventStoreContract(
    async () => {
      if (!url) {
        throw new Error(
          'KURRENTDB_URL is not set: this suite runs against a real KurrentDB server, e.g. ' +
            'KURRENTDB_URL=kurrentdb://127.0.0.1:2113?tls=false (docker compose --profile kurrentdb up -d kurrentdb)',
        );
      }
      // Each run writes under a prefix of its own, so runs never see each other's streams.
      const streamPrefix = `coordtest${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
      const store = await KurrentDbEventStore.connect(url, { streamPrefix });
      // Fails here, with the server's error, when nothing answers at KURRENTDB_URL.
      await store.readableHead();
      // Checkpoints stay where the projections keep theirs: PostgreSQL.
      const pool = await connectTestPostgres(8);
      const schema = uniqueSchema('kdb');
      await new PostgresEventStore(pool, { schema }).migrate();
      return {
        store,
        checkpoints: new PostgresCheckpointStore(pool, schema),
        withUpcaster: (upcaster) => store.withUpcaster(upcaster),
        async dispose() {
          await store.close();
          await dropSchema(pool, schema);
          await pool.end();
        },
      };
    },
    {
      concurrentTransactions: false,
      callerTransactions: false,
      groupCommit: false,
      eventIdsUniqueAcrossStreams: false,
      oneFirstAnswerUnderRace: false,
    },
  );
});

describe('watchAppends on KurrentDB (a real server at KURRENTDB_URL)', () => {
  it('tells one connection of another’s append within 2 s, not of other prefixes, and nothing once closed', async () => {
    if (!url) throw new Error('KURRENTDB_URL is not set: this test runs against a real KurrentDB server');
    const streamPrefix = `coordtest${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
    const here = await KurrentDbEventStore.connect(url, { streamPrefix });
    const elsewhere = await KurrentDbEventStore.connect(url, { streamPrefix });
    const other = await KurrentDbEventStore.connect(url, { streamPrefix: `other${streamPrefix}` });
    const event = () => ({
      id: randomUUID(),
      type: 'TaskAcknowledged',
      data: {},
      metadata: { actor: { personId: 'p', agencyCode: 'a' }, occurredAt: new Date().toISOString() },
    });
    let notices = 0;
    const watch = here.watchAppends({ appended: () => (notices += 1) });
    try {
      await delay(500); // the subscription is confirmed
      await other.append('task-1', [event()]);
      await delay(500);
      expect(notices).toBe(0);

      await elsewhere.append('task-1', [event()]);
      const until = Date.now() + 2_000;
      while (notices === 0 && Date.now() < until) await delay(10);
      expect(notices).toBeGreaterThan(0);

      await watch.close();
      const before = notices;
      await elsewhere.append('task-1', [event()]);
      await delay(500);
      expect(notices).toBe(before);
    } finally {
      await watch.close();
      await Promise.all([here.close(), elsewhere.close(), other.close()]);
    }
  });
});
