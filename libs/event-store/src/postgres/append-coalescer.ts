import type { AppendResult, ExpectedVersion, NewEvent } from '../event-store.port.js';

/** One caller's append, waiting to be written with others. */
export interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedVersion;
  /** How many times it was written and refused as out of order (it is then written again). */
  attempts: number;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

export interface AppendCoalescerOptions {
  /** Batches written at the same time; appends that arrive meanwhile wait and join the next one. */
  readonly maxConcurrentBatches: number;
  /** A batch closes at this many events; a larger append is written on its own. */
  readonly maxBatchEvents: number;
}

/**
 * Group commit for independent appends. While `maxConcurrentBatches` batches are being written,
 * new appends queue up; the next free slot takes everything queued (up to `maxBatchEvents`) and
 * writes it in one statement and one transaction. An idle store writes each append at once, so
 * batching adds no latency; a busy one pays one commit (one WAL flush) for many appends.
 *
 * `write` must settle every append of its batch; if it throws, those it left are rejected.
 */
export class AppendCoalescer {
  private readonly waiting: PendingAppend[] = [];
  private writing = 0;

  constructor(
    private readonly options: AppendCoalescerOptions,
    private readonly write: (batch: readonly PendingAppend[]) => Promise<void>,
  ) {
    if (!(options.maxConcurrentBatches >= 1) || !(options.maxBatchEvents >= 1)) {
      throw new RangeError('AppendCoalescer needs at least one concurrent batch of at least one event');
    }
  }

  submit(append: PendingAppend): void {
    this.waiting.push(append);
    this.pump();
  }

  /** Puts an append that must be written again at the head of the queue, keeping arrival order. */
  retry(append: PendingAppend): void {
    this.waiting.unshift(append);
    this.pump();
  }

  /** Appends queued and not yet being written. */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.writing < this.options.maxConcurrentBatches && this.waiting.length > 0) {
      const batch = this.takeBatch();
      this.writing++;
      this.write(batch)
        .catch((error: unknown) => {
          // A promise settles once: this rejects only the appends `write` did not settle.
          for (const append of batch) append.reject(error);
        })
        .finally(() => {
          this.writing--;
          this.pump();
        });
    }
  }

  private takeBatch(): PendingAppend[] {
    let events = 0;
    let count = 0;
    for (const append of this.waiting) {
      if (count > 0 && events + append.events.length > this.options.maxBatchEvents) break;
      events += append.events.length;
      count++;
    }
    return this.waiting.splice(0, count);
  }
}
