import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import {
  DurableSubscription,
  START_OF_LOG,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
} from '#libs/event-store';
import {
  AgencyFanout,
  followAgency,
  InProcessFeed,
  InProcessFeedPublisher,
  readFanout,
  type AgencyFollow,
  type FeedBatch,
} from '../src/index.js';
import { InMemoryEventStore } from './support/in-memory-event-store.js';
import { HEALTH, LEAD, SUPPORT, TaskWriter } from './support/tasks.js';

const at = (event: RecordedEvent): LogPosition => ({
  transactionId: event.transactionId,
  globalPosition: event.globalPosition,
});

/** Every message of the agency the store holds after a position: what a follower must deliver. */
async function expectedIds(store: InMemoryEventStore, agencyCode: string, after = START_OF_LOG) {
  const ids: string[] = [];
  for await (const batch of readFanout(store, new AgencyFanout({ store }), { from: after, agencyCode })) {
    ids.push(...batch.messages.map((m) => m.envelope.id));
  }
  return ids;
}

/** The live batch of the log range (after, next], as the in-process publisher would publish it. */
async function batchOf(store: InMemoryEventStore, from: number, to: number): Promise<FeedBatch> {
  const events = store.events.slice(from, to);
  const previous = store.events[from - 1];
  return {
    after: previous ? at(previous) : START_OF_LOG,
    next: at(events[events.length - 1]!),
    messages: await new AgencyFanout({ store }).messagesFor(events),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('following an agency from a past position', () => {
  let store: InMemoryEventStore;
  let writer: TaskWriter;
  let follow: AgencyFollow | undefined;

  beforeEach(() => {
    store = new InMemoryEventStore();
    writer = new TaskWriter(store);
  });

  afterEach(async () => {
    await follow?.stop();
    follow = undefined;
  });

  describe('when live batches overlap the catch-up, repeat it, or skip past the cursor', () => {
    it('delivers every message of the agency once, in log order', async () => {
      const feed = new InProcessFeed();
      const first = randomUUID();
      await writer.assign(first);
      await writer.acknowledge(first, LEAD);
      await writer.requestHandoff(first, SUPPORT, HEALTH);
      const received: string[] = [];
      follow = followAgency({
        store,
        feed,
        agencyCode: LEAD,
        after: START_OF_LOG,
        onMessage: (m) => void received.push(m.envelope.id),
      });

      // Published while the follower catches up: the store already covers it.
      feed.publishBatch(await batchOf(store, 0, 2));
      await until(() => received.length === 3, 'the catch-up');

      // A live batch that overlaps what was read, then a contiguous one.
      const second = randomUUID();
      await writer.assign(second);
      feed.publishBatch(await batchOf(store, 1, 4));
      await writer.acknowledge(second, LEAD);
      feed.publishBatch(await batchOf(store, 4, 5));
      await until(() => received.length === 5, 'the live batches');

      // A batch after a gap: the events in between come from the store first.
      await writer.cancel(first);
      await writer.cancel(second);
      feed.publishBatch(await batchOf(store, 6, 7));
      await until(() => received.length === 7, 'the gap to be filled');
      // The batch the follower missed, arriving late, is not delivered again.
      feed.publishBatch(await batchOf(store, 5, 6));

      const third = randomUUID();
      await writer.assign(third);
      feed.publishBatch(await batchOf(store, 7, 8));
      await until(() => received.length === 8, 'the last batch');

      expect(received).toEqual(await expectedIds(store, LEAD));
      expect(new Set(received).size).toBe(received.length);
      expect(follow.position).toEqual(at(store.events[7]!));
    });
  });

  it('joins a live in-process publisher without a gap or a repeat while events keep coming', async () => {
    const feed = new InProcessFeed();
    const subscription = new DurableSubscription(store, new InProcessFeedPublisher({ feed, store }), {
      name: 'agency-feed',
      batchSize: 3,
      pollIntervalMs: 1,
    });
    await subscription.start();
    try {
      const followers: { ids: string[]; follow: AgencyFollow }[] = [];
      for (let i = 0; i < 12; i++) {
        const taskId = randomUUID();
        await writer.assign(taskId);
        // A new follower from the start of the log every few events, while the publisher runs.
        if (i % 3 === 0) {
          const ids: string[] = [];
          followers.push({
            ids,
            follow: followAgency({
              store,
              feed,
              agencyCode: LEAD,
              after: START_OF_LOG,
              onMessage: (m) => void ids.push(m.envelope.id),
            }),
          });
        }
        await writer.acknowledge(taskId, LEAD);
      }
      const expected = await expectedIds(store, LEAD);
      for (const { ids } of followers) await until(() => ids.length >= expected.length, 'every follower');
      for (const { ids, follow: each } of followers) {
        await each.stop();
        expect(ids).toEqual(expected);
      }
    } finally {
      await subscription.stop();
    }
  });

  it("never delivers another agency's messages", async () => {
    const feed = new InProcessFeed();
    await writer.assign(randomUUID(), [{ agencyCode: HEALTH, role: 'lead' }]);
    const received: string[] = [];
    follow = followAgency({
      store,
      feed,
      agencyCode: SUPPORT,
      after: START_OF_LOG,
      onMessage: (m) => void received.push(m.agencyCode),
    });
    feed.publishBatch(await batchOf(store, 0, 1));
    await writer.assign(randomUUID());
    feed.publishBatch(await batchOf(store, 1, 2));
    await until(() => received.length === 1, 'the support assignment');
    expect(received).toEqual([SUPPORT]);
  });

  it('starts after a given position', async () => {
    const taskId = randomUUID();
    await writer.assign(taskId);
    await writer.acknowledge(taskId, LEAD);
    await writer.acknowledge(taskId, SUPPORT);
    const after = at(store.events[0]!);
    const received: string[] = [];
    follow = followAgency({
      store,
      agencyCode: LEAD,
      after,
      pollIntervalMs: 5,
      onMessage: (m) => void received.push(m.envelope.coordeventtype),
    });
    await until(() => received.length === 2, 'the two acknowledgements');
    expect(received).toEqual(['TaskAcknowledged', 'TaskAcknowledged']);
  });

  describe('without an in-process feed', () => {
    it('polls the store and delivers what is appended later', async () => {
      const received: string[] = [];
      follow = followAgency({
        store,
        agencyCode: LEAD,
        after: START_OF_LOG,
        pollIntervalMs: 5,
        onMessage: (m) => void received.push(m.envelope.id),
      });
      const taskId = randomUUID();
      await writer.assign(taskId);
      await until(() => received.length === 1, 'the assignment');
      await writer.acknowledge(taskId, LEAD);
      await until(() => received.length === 2, 'the acknowledgement');
      expect(received).toEqual(await expectedIds(store, LEAD));
    });
  });

  describe('when the store fails', () => {
    it('logs, retries and goes on without losing anything', async () => {
      await writer.assign(randomUUID());
      const readAll = store.readAll.bind(store);
      let failures = 1;
      jest
        .spyOn(store, 'readAll')
        .mockImplementation((after: LogPosition, limit: number): Promise<ReadAllBatch> => {
          if (failures-- > 0) return Promise.reject(new Error('connection reset'));
          return readAll(after, limit);
        });
      const error = jest.fn();
      const received: string[] = [];
      follow = followAgency({
        store,
        agencyCode: LEAD,
        after: START_OF_LOG,
        pollIntervalMs: 5,
        logger: { warn: jest.fn(), error },
        onMessage: (m) => void received.push(m.envelope.id),
      });
      await until(() => received.length === 1, 'the retried read');
      expect(error).toHaveBeenCalledTimes(1);
    });
  });

  describe('when the store fails while live batches keep arriving', () => {
    it('waits out its back-off instead of retrying at the rate of the batches', async () => {
      const feed = new InProcessFeed();
      await writer.assign(randomUUID());
      const readAll = store.readAll.bind(store);
      let failing = true;
      const reads = jest
        .spyOn(store, 'readAll')
        .mockImplementation((after: LogPosition, limit: number): Promise<ReadAllBatch> => {
          if (failing) return Promise.reject(new Error('connection reset'));
          return readAll(after, limit);
        });
      const error = jest.fn();
      const received: string[] = [];
      follow = followAgency({
        store,
        feed,
        agencyCode: LEAD,
        after: START_OF_LOG,
        logger: { warn: jest.fn(), error },
        onMessage: (m) => void received.push(m.envelope.id),
      });
      await until(() => error.mock.calls.length === 1, 'the first failure');

      // Steady traffic during the back-off (the first one lasts 200 ms): each batch is queued,
      // none of them makes the follower read the failing store again.
      for (let i = 0; i < 20; i++) {
        const taskId = randomUUID();
        await writer.assign(taskId);
        feed.publishBatch(await batchOf(store, store.events.length - 1, store.events.length));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(reads).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledTimes(1);

      failing = false;
      const expected = await expectedIds(store, LEAD);
      await until(() => received.length === expected.length, 'everything after the back-off');
      expect(received).toEqual(expected);
      expect(error).toHaveBeenCalledTimes(1);
    });

    it('still stops at once during a back-off', async () => {
      jest.spyOn(store, 'readAll').mockRejectedValue(new Error('connection reset'));
      const error = jest.fn();
      follow = followAgency({
        store,
        feed: new InProcessFeed(),
        agencyCode: LEAD,
        after: START_OF_LOG,
        logger: { warn: jest.fn(), error },
        onMessage: () => undefined,
      });
      await until(() => error.mock.calls.length === 1, 'the first failure');
      const started = Date.now();
      await follow.stop();
      expect(Date.now() - started).toBeLessThan(150);
    });
  });

  describe('when the receiver throws', () => {
    it('ends the follow with that error', async () => {
      await writer.assign(randomUUID());
      follow = followAgency({
        store,
        agencyCode: LEAD,
        after: START_OF_LOG,
        onMessage: () => {
          throw new Error('client gone');
        },
      });
      await expect(follow.done).rejects.toThrow('client gone');
    });
  });
});
