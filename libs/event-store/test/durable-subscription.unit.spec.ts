import {
  compareLogPositions,
  DurableSubscription,
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
} from '../src/index.js';

/** Just enough of a store for a subscription: a log that the test extends by hand. */
function logOf(events: RecordedEvent[]): Pick<EventStore, 'readAll'> {
  return {
    readAll(after: LogPosition, limit: number): Promise<ReadAllBatch> {
      const next = events
        .filter(
          (e) =>
            compareLogPositions({ transactionId: e.transactionId, globalPosition: e.globalPosition }, after) >
            0,
        )
        .slice(0, limit);
      const last = next[next.length - 1];
      return Promise.resolve({
        events: next,
        next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
      });
    },
  };
}

function event(position: number): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId: 's',
    streamVersion: position,
    globalPosition: BigInt(position),
    transactionId: BigInt(position),
    type: 'Happened',
    schemaVersion: 1,
    data: {},
    metadata: {
      actor: { personId: 'p', agencyCode: 'a' },
      occurredAt: '2024-01-01T00:00:00.000Z',
      recordedAt: '2024-01-01T00:00:00.000Z',
    },
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
});
