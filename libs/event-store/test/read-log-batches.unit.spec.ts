import {
  readLogBatches,
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
} from '../src/index.js';
import { eventAt as event, pageOf } from './support/log.js';

/**
 * A store with readAll only (as KurrentDB's): each read is recorded, and answered (or failed) when
 * the test says. `leftOut`: positions a page leaves out, as KurrentDB does with events it cannot map.
 */
function slowLogOf(events: RecordedEvent[], leftOut: readonly bigint[] = []) {
  const reads: { after: bigint; answer: () => void; fail: (error: Error) => void }[] = [];
  const store: Pick<EventStore, 'readAll'> = {
    readAll(after: LogPosition, limit: number): Promise<ReadAllBatch> {
      const page = pageOf(events, after, limit);
      return new Promise((resolve, reject) => {
        reads.push({
          after: after.globalPosition,
          answer: () =>
            resolve({ ...page, events: page.events.filter((e) => !leftOut.includes(e.globalPosition)) }),
          fail: reject,
        });
      });
    },
  };
  return { store, reads };
}

describe('readLogBatches on a store with readAll only', () => {
  it('asks for the next page as soon as a full one is in, before the caller handles it', async () => {
    const { store, reads } = slowLogOf([1, 2, 3, 4, 5].map(event));
    const pages = readLogBatches(store, START_OF_LOG, 2);

    const first = pages.next();
    reads[0]!.answer();
    expect((await first).value?.events.map((e) => e.globalPosition)).toEqual([1n, 2n]);
    // The caller has the first page; the second is already asked for, and nothing beyond it.
    expect(reads.map((read) => read.after)).toEqual([0n, 2n]);

    reads[1]!.answer();
    expect((await pages.next()).value?.events.map((e) => e.globalPosition)).toEqual([3n, 4n]);
    expect(reads.map((read) => read.after)).toEqual([0n, 2n, 4n]);
    reads[2]!.answer();
    expect((await pages.next()).value?.events.map((e) => e.globalPosition)).toEqual([5n]);
    // After a short page nothing is read ahead: the next read waits for the caller, and ends the
    // pages when it finds nothing.
    expect(reads).toHaveLength(3);
    const last = pages.next();
    expect(reads.map((read) => read.after)).toEqual([0n, 2n, 4n, 5n]);
    reads[3]!.answer();
    expect((await last).done).toBe(true);
  });

  it('reads on after a page a store left an event out of', async () => {
    const { store, reads } = slowLogOf([1, 2, 3, 4].map(event), [2n]);
    const seen: bigint[] = [];
    const reading = (async () => {
      for await (const page of readLogBatches(store, START_OF_LOG, 2)) {
        seen.push(...page.events.map((e) => e.globalPosition));
      }
    })();
    // Each read answered as it is asked for: [1] (2 left out, a short page), then [3, 4], then none.
    for (const expected of [1, 2, 3]) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(reads).toHaveLength(expected);
      reads[expected - 1]!.answer();
    }
    await reading;

    expect(seen).toEqual([1n, 3n, 4n]);
    expect(reads.map((read) => read.after)).toEqual([0n, 2n, 4n]);
  });

  it("throws the page read ahead's failure where the caller asks for that page", async () => {
    const { store, reads } = slowLogOf([1, 2, 3, 4].map(event));
    const pages = readLogBatches(store, START_OF_LOG, 2);
    const first = pages.next();
    reads[0]!.answer();
    await first;
    reads[1]!.fail(new Error('connection lost'));

    await expect(pages.next()).rejects.toThrow('connection lost');
  });

  it('leaves no failure unhandled when the caller stops before the page read ahead fails', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { store, reads } = slowLogOf([1, 2, 3, 4].map(event));
      const pages = readLogBatches(store, START_OF_LOG, 2);
      const first = pages.next();
      reads[0]!.answer();
      await first;
      await pages.return();
      reads[1]!.fail(new Error('connection lost'));
      // Node reports an unhandled rejection once the microtasks after it have run.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }

    expect(unhandled).toEqual([]);
  });

  it('reads nothing more once the caller stops, and nothing at all for a limit of 0', async () => {
    const { store, reads } = slowLogOf([1, 2, 3, 4, 5, 6].map(event));
    const pages = readLogBatches(store, START_OF_LOG, 2);
    const first = pages.next();
    reads[0]!.answer();
    await first;
    await pages.return();
    reads[1]!.answer();

    expect(reads.map((read) => read.after)).toEqual([0n, 2n]);
    expect((await readLogBatches(store, START_OF_LOG, 0).next()).done).toBe(true);
    expect(reads).toHaveLength(2);
  });

  it('ends without a page when nothing is readable', async () => {
    const { store, reads } = slowLogOf([]);
    const pages = readLogBatches(store, START_OF_LOG, 2);
    const first = pages.next();
    reads[0]!.answer();

    expect((await first).done).toBe(true);
  });
});
