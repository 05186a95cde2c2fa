import {
  DurableSubscription,
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
} from '../src/index.js';
import { eventAt as event, pageOf } from './support/log.js';

/** Just enough of a store for a subscription: a log that the test extends by hand. */
function logOf(events: RecordedEvent[]): Pick<EventStore, 'readAll'> {
  return {
    readAll: (after: LogPosition, limit: number): Promise<ReadAllBatch> =>
      Promise.resolve(pageOf(events, after, limit)),
  };
}

describe('DurableSubscription', () => {
  describe('after a batch that had events', () => {
    it('looks for more after the busy interval, not the idle one', async () => {
      const log = [event(1)];
      const seen: bigint[] = [];
      const subscription = new DurableSubscription(
        logOf(log),
        {
          loadCheckpoint: () => Promise.resolve(START_OF_LOG),
          handle: (events) => {
            seen.push(...events.map((e) => e.globalPosition));
            return Promise.resolve();
          },
        },
        { name: 'test', pollIntervalMs: 60_000, busyPollIntervalMs: 5 },
      );
      await subscription.start();
      expect(await subscription.waitFor({ transactionId: 1n, globalPosition: 1n }, 2_000)).toBe(true);

      // Appended without waking the subscription: only the short wait after a busy batch finds it.
      log.push(event(2));
      const found = new Promise<boolean>((resolve) => {
        const started = Date.now();
        const check = () => {
          if (seen.includes(2n)) resolve(true);
          else if (Date.now() - started > 2_000) resolve(false);
          else setTimeout(check, 5);
        };
        check();
      });
      expect(await found).toBe(true);
      await subscription.stop();
    });
  });

  describe('pausing after a batch', () => {
    it('asks how long to pause after each batch with events, and pauses even after a full one', async () => {
      const log = logOf([1, 2, 3].map(event));
      const asked: number[] = [];
      const seen: bigint[] = [];
      let resume: () => void = () => undefined;
      const resumed = new Promise<void>((resolve) => (resume = resolve));
      const subscription = new DurableSubscription(
        log,
        {
          loadCheckpoint: () => Promise.resolve(START_OF_LOG),
          handle: (events) => {
            seen.push(...events.map((e) => e.globalPosition));
            return Promise.resolve();
          },
        },
        {
          name: 'test',
          batchSize: 2,
          pollIntervalMs: 60_000,
          // A long pause after the first (full) batch: the rest comes only once stop() wakes it.
          pauseAfterBatch: ({ events }) => {
            asked.push(events);
            if (asked.length === 1) resume();
            return Promise.resolve(asked.length === 1 ? 60_000 : 0);
          },
        },
      );
      await subscription.start();
      await resumed;
      expect(seen).toEqual([1n, 2n]);
      expect(asked).toEqual([2]);
      await subscription.stop();
      expect(seen).toEqual([1n, 2n]);
    });
  });

  it('reads smaller batches after a batch it paused after, and full ones again after one it did not', async () => {
    const log = logOf([1, 2, 3, 4, 5, 6].map(event));
    const limits: number[] = [];
    const pauses = [1, 0, 0];
    const subscription = new DurableSubscription(
      {
        readAll: (after, limit) => {
          limits.push(limit);
          return log.readAll(after, limit);
        },
      },
      { loadCheckpoint: () => Promise.resolve(START_OF_LOG), handle: () => Promise.resolve() },
      {
        name: 'test',
        batchSize: 2,
        pausedBatchSize: 1,
        pollIntervalMs: 60_000,
        pauseAfterBatch: () => Promise.resolve(pauses.shift() ?? 0),
      },
    );
    await subscription.start();
    expect(await subscription.waitFor({ transactionId: 6n, globalPosition: 6n }, 2_000)).toBe(true);
    await subscription.stop();
    // 1-2 (paused after), 3 alone, then 4-5 and 6 at the full size.
    expect(limits.slice(0, 4)).toEqual([2, 1, 2, 2]);
  });

  describe('reading ahead', () => {
    /** The log of `logOf`, recording where each read starts, in the order they were asked. */
    function recordedLogOf(events: RecordedEvent[]): Pick<EventStore, 'readAll'> & { reads: bigint[] } {
      const log = logOf(events);
      const reads: bigint[] = [];
      return {
        reads,
        readAll(after, limit) {
          reads.push(after.globalPosition);
          return log.readAll(after, limit);
        },
      };
    }
    const checkpointAt = (position: number): LogPosition => ({
      transactionId: BigInt(position),
      globalPosition: BigInt(position),
    });

    it('reads the batch after a full one while the consumer handles it, and hands every event once in order', async () => {
      const log = recordedLogOf([1, 2, 3, 4, 5].map(event));
      const seen: bigint[] = [];
      const readsWhenHandled: number[] = [];
      const subscription = new DurableSubscription(
        log,
        {
          loadCheckpoint: () => Promise.resolve(START_OF_LOG),
          handle: (events) => {
            readsWhenHandled.push(log.reads.length);
            seen.push(...events.map((e) => e.globalPosition));
            return Promise.resolve();
          },
        },
        { name: 'test', batchSize: 2, readAhead: true, pollIntervalMs: 60_000 },
      );
      await subscription.start();
      expect(await subscription.waitFor(checkpointAt(5), 2_000)).toBe(true);
      expect(seen).toEqual([1n, 2n, 3n, 4n, 5n]);
      // The first full batch is handled after the second was asked for; the last one, not full,
      // asks for nothing more.
      expect(readsWhenHandled).toEqual([2, 3, 3]);
      expect(log.reads).toEqual([0n, 2n, 4n]);
      await subscription.stop();
    });

    it('reads again from its checkpoint when the consumer failed on a batch', async () => {
      const log = recordedLogOf([1, 2, 3, 4].map(event));
      const seen: bigint[] = [];
      let failures = 1;
      const subscription = new DurableSubscription(
        log,
        {
          loadCheckpoint: () => Promise.resolve(START_OF_LOG),
          handle: (events) => {
            if (failures > 0) {
              failures -= 1;
              return Promise.reject(new Error('the database is away'));
            }
            seen.push(...events.map((e) => e.globalPosition));
            return Promise.resolve();
          },
        },
        { name: 'test', batchSize: 2, readAhead: true, maxRetryDelayMs: 1, pollIntervalMs: 60_000 },
      );
      await subscription.start();
      expect(await subscription.waitFor(checkpointAt(4), 2_000)).toBe(true);
      expect(seen).toEqual([1n, 2n, 3n, 4n]);
      // The batch read ahead (from 2) was dropped: the failed batch was read again from 0.
      expect(log.reads.slice(0, 3)).toEqual([0n, 2n, 0n]);
      await subscription.stop();
    });

    it('reads nothing ahead unless asked to', async () => {
      const log = recordedLogOf([1, 2, 3].map(event));
      const readsWhenHandled: number[] = [];
      const subscription = new DurableSubscription(
        log,
        {
          loadCheckpoint: () => Promise.resolve(START_OF_LOG),
          handle: () => {
            readsWhenHandled.push(log.reads.length);
            return Promise.resolve();
          },
        },
        { name: 'test', batchSize: 2, pollIntervalMs: 60_000 },
      );
      await subscription.start();
      expect(await subscription.waitFor(checkpointAt(3), 2_000)).toBe(true);
      expect(readsWhenHandled).toEqual([1, 2]);
      await subscription.stop();
    });
  });
});
