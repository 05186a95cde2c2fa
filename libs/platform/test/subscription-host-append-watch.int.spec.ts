import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  KurrentDbEventStore,
  PostgresCheckpointStore,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '#libs/event-store';
import { SoleProcessLeases } from '../src/leases.js';
import { SubscriptionHost } from '../src/subscription-host.js';
import {
  FakeKurrentDbClient,
  openKurrentDbOverPostgres,
} from '../../event-store/test/fake-kurrentdb-client.js';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';

const actor = { personId: 'officer-1', agencyCode: 'lc-so-ldtbxh' };

function newEvent(): NewEvent {
  return {
    id: randomUUID(),
    type: 'TaskAcknowledged',
    data: {},
    metadata: { actor, occurredAt: '2025-01-02T03:00:00.000Z' },
  };
}

/**
 * EVENT_STORE=kurrentdb with the subscriptions in one process (a worker) and the appends in
 * another (an API): the worker's subscriptions follow $all through the store's watch of appends,
 * not at their next poll. KurrentDB is a FAKE in-memory client shared by both "processes" (no
 * server can run here); checkpoints are in a real PostgreSQL.
 */
describe('hosted subscriptions woken by appends of another process (FAKE KurrentDB client, real PostgreSQL)', () => {
  let pool: Pool;
  const schema = uniqueSchema('kdb_wake');
  let client: FakeKurrentDbClient;
  let worker: KurrentDbEventStore;
  let api: KurrentDbEventStore;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    pool = await connectTestPostgres(4);
    ({ client, store: worker } = await openKurrentDbOverPostgres(pool, schema));
    api = new KurrentDbEventStore(client);
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('hands another process’s append to a subscription polling once a minute within 2 s, and stops watching on shutdown', async () => {
    const checkpoints = new PostgresCheckpointStore(pool, schema);
    const seen: RecordedEvent[] = [];
    const host = new SubscriptionHost(
      worker,
      [
        {
          name: 'projections',
          pollIntervalMs: 60_000,
          consumer: {
            loadCheckpoint: () => checkpoints.load('projections'),
            async handle(events: readonly RecordedEvent[], checkpoint: LogPosition) {
              seen.push(...events);
              await checkpoints.save('projections', checkpoint);
            },
          },
        },
      ],
      new SoleProcessLeases(pool),
    );
    await host.onApplicationBootstrap();
    await delay(100); // Started, read the empty log, asleep for its minute.
    expect(client.liveSubscriptions).toBe(1);

    const written = await api.append('task-1', [newEvent()]);
    const target = (await api.logPositionOf(written.lastPosition))!;
    // Not the subscription's waitFor, which wakes it itself: only the watch may wake it here.
    const until = Date.now() + 2_000;
    while (seen.length === 0 && Date.now() < until) await delay(10);

    expect(seen.map((event) => event.globalPosition)).toEqual([written.lastPosition]);
    expect(await checkpoints.load('projections')).toEqual(target);

    await host.beforeApplicationShutdown();
    expect(client.liveSubscriptions).toBe(0);
  });
});
