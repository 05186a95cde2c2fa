import { describe, expect, it } from '@jest/globals';
import type { LedgerCheckpoints, LedgerStore } from '../src/index.js';
import { LedgerConsumer, LEDGER_YIELD } from '../src/index.js';

/** A consumer over a log whose head is what `heads` gives, one value per look. */
function consumerOver(heads: (bigint | null)[]): LedgerConsumer {
  const store = {
    logHead: () => Promise.resolve(heads.length > 0 ? heads.shift()! : 0n),
  } as unknown as LedgerStore;
  return new LedgerConsumer(store, {} as LedgerCheckpoints, { key: undefined, checkpointIntervalMs: 10_000 });
}

describe('the ledger yields to busy writers (LEDGER_YIELD)', () => {
  it('does not pause after its first batch: it has not seen the log grow yet', async () => {
    expect(await consumerOver([1_000_000n]).pauseAfterBatch({ elapsedMs: 100 })).toBe(0);
  });

  it('does not pause while the log stands still: it catches up at full speed', async () => {
    const consumer = consumerOver([500n, 500n, 500n]);
    await consumer.pauseAfterBatch({ elapsedMs: 100 });
    expect(await consumer.pauseAfterBatch({ elapsedMs: 100 })).toBe(0);
    expect(await consumer.pauseAfterBatch({ elapsedMs: 100 })).toBe(0);
  });

  it('works at most its share of the time while the log grows fast, and never waits longer than its limit', async () => {
    // A billion positions between two looks is far above busyLogRate however long the looks take.
    const consumer = consumerOver([0n, 1_000_000_000n, 2_000_000_000n]);
    await consumer.pauseAfterBatch({ elapsedMs: 10 });
    const share = LEDGER_YIELD.share;
    expect(await consumer.pauseAfterBatch({ elapsedMs: 10 })).toBeCloseTo((10 * (1 - share)) / share);
    expect(await consumer.pauseAfterBatch({ elapsedMs: 60_000 })).toBe(LEDGER_YIELD.maxPauseMs);
  });

  it('never pauses over a log whose positions count no events (KurrentDB)', async () => {
    const consumer = consumerOver([null, null, null]);
    for (const elapsedMs of [10, 10, 60_000]) expect(await consumer.pauseAfterBatch({ elapsedMs })).toBe(0);
  });

  it('takes the yield it is given', async () => {
    const store = { logHead: jestHeads([0n, 1_000_000_000n]) } as unknown as LedgerStore;
    const consumer = new LedgerConsumer(store, {} as LedgerCheckpoints, {
      key: undefined,
      checkpointIntervalMs: 10_000,
      yieldTo: { busyLogRate: 1, share: 0.5, maxPauseMs: 50 },
    });
    await consumer.pauseAfterBatch({ elapsedMs: 20 });
    expect(await consumer.pauseAfterBatch({ elapsedMs: 20 })).toBe(20);
    expect(await consumer.pauseAfterBatch({ elapsedMs: 500 })).toBe(0); // the log stood still
  });
});

function jestHeads(heads: bigint[]): () => Promise<bigint> {
  let last = 0n;
  return () => {
    last = heads.shift() ?? last;
    return Promise.resolve(last);
  };
}
