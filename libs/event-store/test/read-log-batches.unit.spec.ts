import {
  compareLogPositions,
  readLogBatches,
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
} from '../src/index.js';

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

/** A store with readAll only (as KurrentDB's): each read is recorded, and answered when the test says. */
function slowLogOf(events: RecordedEvent[]) {
  const reads: { after: bigint; answer: () => void }[] = [];
  const store: Pick<EventStore, 'readAll'> = {
    readAll(after: LogPosition, limit: number): Promise<ReadAllBatch> {
      const page = events
        .filter(
          (e) =>
            compareLogPositions({ transactionId: e.transactionId, globalPosition: e.globalPosition }, after) >
            0,
        )
        .slice(0, limit);
      const last = page[page.length - 1];
      return new Promise((resolve) => {
        reads.push({
          after: after.globalPosition,
          answer: () =>
            resolve({
              events: page,
              next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
            }),
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
    // A short page is the readable head: nothing more is read.
    expect((await pages.next()).done).toBe(true);
    expect(reads).toHaveLength(3);
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
