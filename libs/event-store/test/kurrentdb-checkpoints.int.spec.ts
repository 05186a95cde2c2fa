import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import {
  DurableSubscription,
  KurrentDbEventStore,
  PostgresCheckpointStore,
  PostgresEventStore,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '../src/index.js';
import { FakeKurrentDbClient } from './fake-kurrentdb-client.js';

/**
 * With EVENT_STORE=kurrentdb the subscriptions keep their checkpoints where the projections keep
 * theirs: PostgreSQL (real, here). The KurrentDB side is a FAKE in-memory client (no server can
 * run here), far along its log, so that $all positions near the top of the 64-bit range are stored
 * and resumed from.
 */
describe('KurrentDB $all positions as checkpoints in PostgreSQL (FAKE KurrentDB client, real PostgreSQL)', () => {
  let pool: Pool;
  const schema = uniqueSchema('kdb_cp');

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
    await new PostgresEventStore(pool, { schema }).migrate();
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('stores a commit/prepare position unchanged, at the top of the range', async () => {
    const checkpoints = new PostgresCheckpointStore(pool, schema);
    const position: LogPosition = { transactionId: 2n ** 63n - 1n, globalPosition: 2n ** 63n - 101n };
    await checkpoints.save('kurrentdb-top', position);
    expect(await checkpoints.load('kurrentdb-top')).toEqual(position);
  });

  it('lets a durable subscription resume from its checkpoint after a restart, repeating nothing', async () => {
    const store = new KurrentDbEventStore(new FakeKurrentDbClient(2n ** 62n), { streamPrefix: 'coord-' });
    const checkpoints = new PostgresCheckpointStore(pool, schema);
    const id = `projections-${randomUUID()}`;
    const seen: string[] = [];
    const consumer = {
      loadCheckpoint: () => checkpoints.load(id),
      async handle(events: readonly RecordedEvent[], checkpoint: LogPosition) {
        seen.push(...events.map((e) => e.id));
        await checkpoints.save(id, checkpoint);
      },
    };

    const first = [event(), event(), event()];
    const firstAppend = await store.append('task-1', first);
    const one = new DurableSubscription(store, consumer, { name: id, batchSize: 2, pollIntervalMs: 5 });
    await one.start();
    expect(await one.waitFor((await store.logPositionOf(firstAppend.lastPosition))!, 10_000)).toBe(true);
    await one.stop();
    expect((await checkpoints.load(id)).globalPosition).toBeGreaterThan(2n ** 62n);

    const second = [event()];
    const secondAppend = await store.append('plan-1', second);
    const two = new DurableSubscription(store, consumer, { name: id, batchSize: 2, pollIntervalMs: 5 });
    await two.start();
    expect(await two.waitFor((await store.logPositionOf(secondAppend.lastPosition))!, 10_000)).toBe(true);
    await two.stop();

    expect(seen).toEqual([...first, ...second].map((e) => e.id));
  });
});

function event(): NewEvent {
  return {
    id: randomUUID(),
    type: 'TaskAcknowledged',
    data: {},
    metadata: { actor: { personId: 'p', agencyCode: 'lc-so-y-te' }, occurredAt: '2025-01-01T00:00:00.000Z' },
  };
}
