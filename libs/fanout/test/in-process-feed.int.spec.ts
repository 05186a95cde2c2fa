import { randomUUID } from 'node:crypto';
import { DurableSubscription, openDatabase, PostgresEventStore, type Database } from '#libs/event-store';
import {
  AgencyFanout,
  InProcessFeed,
  InProcessFeedPublisher,
  readFanout,
  type CoordCloudEvent,
} from '../src/index.js';
import { HEALTH, ISSUER, LEAD, REQUESTED, SUPPORT, TaskWriter } from './support/tasks.js';

describe('the in-process feed on embedded PGlite (no NATS)', () => {
  let database: Database;
  let store: PostgresEventStore;
  let subscription: DurableSubscription;
  const feed = new InProcessFeed();

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory' });
    store = new PostgresEventStore(database.pool);
    await store.migrate();
    subscription = new DurableSubscription(store, new InProcessFeedPublisher({ feed, store }), {
      name: 'in-process-feed',
      pollIntervalMs: 20,
    });
    await subscription.start();
  }, 60_000);

  afterAll(async () => {
    await subscription?.stop();
    await database?.close();
  });

  it('shows a live subscriber the events of its agency as they are recorded', async () => {
    const writer = new TaskWriter(store);
    const health: CoordCloudEvent[] = [];
    const lead: CoordCloudEvent[] = [];
    const unsubscribe = [
      feed.subscribe(HEALTH, (e) => health.push(e)),
      feed.subscribe(LEAD, (e) => lead.push(e)),
    ];
    try {
      const taskId = randomUUID();
      await writer.assign(taskId);
      const last = await writer.requestHandoff(taskId, SUPPORT, HEALTH);
      const position = await store.logPositionOf(last!.lastPosition);
      expect(await subscription.waitFor(position!, 10_000)).toBe(true);

      expect(health.map((e) => e.type)).toEqual(['vn.coord.HandoffRequested']);
      expect(lead.map((e) => e.type)).toEqual(['vn.coord.TaskAssigned', 'vn.coord.HandoffRequested']);
      expect(lead.every((e) => e.coordagency === LEAD)).toBe(true);
    } finally {
      for (const stop of unsubscribe) stop();
    }
  });

  it('replays an agency from a past position straight from the store', async () => {
    const writer = new TaskWriter(store);
    const taskId = randomUUID();
    const from = (await writer.assign(taskId))!.lastPosition;
    await writer.acknowledge(taskId, REQUESTED);

    const replayed: string[] = [];
    for await (const batch of readFanout(store, new AgencyFanout({ store }), { from, agencyCode: ISSUER })) {
      replayed.push(...batch.messages.map((m) => m.envelope.type));
    }

    expect(replayed).toEqual(['vn.coord.TaskAssigned', 'vn.coord.TaskAcknowledged']);
  });
});
