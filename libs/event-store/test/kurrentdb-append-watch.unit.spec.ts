import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  DurableSubscription,
  KurrentDbEventStore,
  START_OF_LOG,
  type AppendWatch,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '../src/index.js';
import { FakeKurrentDbClient } from './fake-kurrentdb-client.js';

const actor = { personId: 'officer-1', agencyCode: 'lc-so-ldtbxh' };

function newEvent(type = 'TaskAcknowledged'): NewEvent {
  return { id: randomUUID(), type, data: {}, metadata: { actor, occurredAt: '2025-01-02T03:00:00.000Z' } };
}

/** Resolves true once `condition` holds, false after `timeoutMs`. */
async function within(timeoutMs: number, condition: () => boolean): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await delay(5);
  }
  return true;
}

/**
 * watchAppends on KurrentDB: a catch-up subscription to $all (over a FAKE in-memory client, not a
 * server) that tells a process of another process's appends. Each "process" is its own store over
 * the one client, as two processes share one server.
 */
describe('KurrentDbEventStore.watchAppends over a FAKE in-memory KurrentDB client (not a server)', () => {
  let client: FakeKurrentDbClient;
  let here: KurrentDbEventStore;
  let elsewhere: KurrentDbEventStore;
  const watches: AppendWatch[] = [];

  beforeEach(() => {
    client = new FakeKurrentDbClient();
    here = new KurrentDbEventStore(client, { streamPrefix: 'coord-' });
    elsewhere = new KurrentDbEventStore(client, { streamPrefix: 'coord-' });
  });

  afterEach(async () => {
    await Promise.all(watches.splice(0).map((watch) => watch.close()));
  });

  function watch(store: KurrentDbEventStore, notices: { appended: number; interrupted: number[] }): void {
    watches.push(
      store.watchAppends({
        appended: () => (notices.appended += 1),
        interrupted: (_error, retryInMs) => notices.interrupted.push(retryInMs),
      }),
    );
  }

  it('wakes a subscription polling every minute within moments of another store’s append', async () => {
    const seen: RecordedEvent[] = [];
    let checkpoint: LogPosition = START_OF_LOG;
    const subscription = new DurableSubscription(
      here,
      {
        loadCheckpoint: () => Promise.resolve(checkpoint),
        handle: (events, next) => {
          seen.push(...events);
          checkpoint = next;
          return Promise.resolve();
        },
      },
      { name: 'projections', pollIntervalMs: 60_000 },
    );
    watches.push(here.watchAppends({ appended: () => subscription.wake() }));
    await subscription.start();
    await delay(50); // The subscription has read the empty log and sleeps for its minute.

    const written = await elsewhere.append('task-1', [newEvent('TaskAcknowledged')]);

    expect(await within(2_000, () => seen.length === 1)).toBe(true);
    expect(seen[0]!.globalPosition).toBe(written.lastPosition);
    await subscription.stop();
  });

  it('is not told of events outside the service’s prefix, and coalesces a burst into one notice', async () => {
    const notices = { appended: 0, interrupted: [] as number[] };
    watch(here, notices);
    await delay(20);

    await new KurrentDbEventStore(client, { streamPrefix: 'other-' }).append('task-1', [newEvent()]);
    await client.appendToStream('billing-invoice-1', [
      { id: randomUUID(), contentType: 'application/json', type: 'Other', data: {}, metadata: {} },
    ]);
    await delay(100);
    expect(notices.appended).toBe(0);

    await elsewhere.append(
      'task-2',
      Array.from({ length: 10 }, () => newEvent()),
    );
    expect(await within(2_000, () => notices.appended > 0)).toBe(true);
    await delay(50);
    expect(notices.appended).toBe(1);
  });

  it('stops when closed: the subscription is given up and later appends are not announced', async () => {
    const notices = { appended: 0, interrupted: [] as number[] };
    const watch = here.watchAppends({ appended: () => (notices.appended += 1) });
    await delay(20);
    expect(client.liveSubscriptions).toBe(1);

    await watch.close();
    await elsewhere.append('task-3', [newEvent()]);
    await delay(100);

    expect(client.liveSubscriptions).toBe(0);
    expect(notices.appended).toBe(0);
  });

  it('subscribes again after the subscription broke, waiting longer while the server is away, and announces the gap once back', async () => {
    const notices = { appended: 0, interrupted: [] as number[] };
    watch(here, notices);
    await delay(20);

    client.unavailable = true;
    client.breakSubscriptions();
    expect(await within(2_000, () => notices.interrupted.length === 3)).toBe(true);
    client.unavailable = false;
    await elsewhere.append('task-4', [newEvent()]); // while nobody listens

    expect(await within(2_000, () => notices.appended === 1)).toBe(true);
    expect(notices.interrupted).toEqual([100, 200, 400]);
    expect(client.liveSubscriptions).toBe(1);
    await elsewhere.append('task-5', [newEvent()]);
    expect(await within(2_000, () => notices.appended === 2)).toBe(true);

    // Back to the shortest wait once a subscription was confirmed.
    client.breakSubscriptions();
    expect(await within(2_000, () => notices.appended === 3)).toBe(true);
    expect(notices.interrupted).toEqual([100, 200, 400, 100]);
  });
});
