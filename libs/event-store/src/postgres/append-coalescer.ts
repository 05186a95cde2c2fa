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
  /**
   * While a batch is being written, another starts only once this many events are queued (default
   * 1: at once), or once the first of them has waited `concurrentBatchAfterMs`. Small appends then
   * wait for the batch in flight and share the next commit, where a second batch of one or two of
   * them would pay a commit of its own; large ones still overlap, and a batch held up (waiting on
   * a lock) holds the others up for no longer than that.
   */
  readonly minEventsForConcurrentBatch?: number;
  /** See minEventsForConcurrentBatch (default 5 ms). */
  readonly concurrentBatchAfterMs?: number;
  /** Told of every batch as it is handed to `write` (metrics); it must not throw. */
  readonly onBatch?: (batch: AppendBatchInfo) => void;
}

/** The size of one batch of appends written in one transaction. */
export interface AppendBatchInfo {
  readonly appends: number;
  readonly events: number;
}

/** An append as the coalescer holds it: settled at most once, whatever `write` does. */
interface Entry extends PendingAppend {
  settled: boolean;
}

/**
 * Group commit for independent appends. While `maxConcurrentBatches` batches are being written,
 * new appends queue up; the next free slot takes everything queued (up to `maxBatchEvents`) and
 * writes it in one statement and one transaction. An idle store writes each append at once, so
 * batching adds no latency; a busy one pays one commit (one WAL flush) for many appends.
 *
 * Appends to one stream are written in the order they were made: an append waits while an
 * earlier append to its stream is being written, and so does every later append to that stream.
 *
 * `write` must settle every append of its batch, or hand it back with `retry`; if it throws,
 * those it did neither are rejected.
 */
export class AppendCoalescer {
  private waiting: Entry[] = [];
  /** Events of the appends in `waiting`, kept as they come and go (read on every pump). */
  private waitingEvents = 0;
  /** Streams with an append in a batch being written, and how many. */
  private readonly writingStreams = new Map<string, number>();
  private writing = 0;
  /** Set while queued appends wait for a batch in flight: lets a concurrent batch start anyway. */
  private waitTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: AppendCoalescerOptions,
    private readonly write: (batch: readonly PendingAppend[]) => Promise<void>,
  ) {
    if (!(options.maxConcurrentBatches >= 1) || !(options.maxBatchEvents >= 1)) {
      throw new RangeError('AppendCoalescer needs at least one concurrent batch of at least one event');
    }
  }

  submit(append: PendingAppend): void {
    const entry: Entry = {
      ...append,
      settled: false,
      resolve: (result) => {
        if (entry.settled) return;
        entry.settled = true;
        append.resolve(result);
      },
      reject: (error) => {
        if (entry.settled) return;
        entry.settled = true;
        append.reject(error);
      },
    };
    this.waiting.push(entry);
    this.waitingEvents += entry.events.length;
    this.pump();
  }

  /**
   * Hands appends of a batch being written back to the head of the queue, in the order given
   * (their batch order keeps each stream's order). They are written once their batch has ended.
   */
  retry(appends: readonly PendingAppend[]): void {
    this.waiting.unshift(...(appends as Entry[]));
    for (const append of appends) this.waitingEvents += append.events.length;
    // No pump: their streams are still being written; the batch's end pumps.
  }

  /** Appends queued and not yet being written. */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(force = false): void {
    while (this.writing < this.options.maxConcurrentBatches) {
      if (
        !force &&
        this.writing > 0 &&
        this.waitingEvents < (this.options.minEventsForConcurrentBatch ?? 1)
      ) {
        if (this.waiting.length > 0) this.waitTimer ??= this.armWaitTimer();
        return;
      }
      force = false;
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
      this.writing++;
      this.options.onBatch?.({
        appends: batch.length,
        events: batch.reduce((sum, entry) => sum + entry.events.length, 0),
      });
      for (const entry of batch)
        this.writingStreams.set(entry.streamId, (this.writingStreams.get(entry.streamId) ?? 0) + 1);
      this.write(batch)
        .catch((error: unknown) => {
          for (const entry of batch) if (!entry.settled && !this.waiting.includes(entry)) entry.reject(error);
        })
        .finally(() => {
          for (const entry of batch) {
            const left = (this.writingStreams.get(entry.streamId) ?? 1) - 1;
            if (left === 0) this.writingStreams.delete(entry.streamId);
            else this.writingStreams.set(entry.streamId, left);
          }
          this.writing--;
          this.pump();
        });
    }
  }

  private armWaitTimer(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.waitTimer = undefined;
      this.pump(true);
    }, this.options.concurrentBatchAfterMs ?? 5);
    // A store with appends waiting is kept alive by their callers, not by this timer.
    timer.unref();
    return timer;
  }

  /** Takes queued appends in order, up to the event limit, passing over streams being written. */
  private takeBatch(): Entry[] {
    const batch: Entry[] = [];
    const left: Entry[] = [];
    const held = new Set<string>();
    let events = 0;
    for (const entry of this.waiting) {
      const free = !this.writingStreams.has(entry.streamId) && !held.has(entry.streamId);
      const fits = batch.length === 0 || events + entry.events.length <= this.options.maxBatchEvents;
      if (free && fits) {
        batch.push(entry);
        events += entry.events.length;
      } else {
        // Everything after a held append to the same stream waits too, to keep the stream's order.
        held.add(entry.streamId);
        left.push(entry);
      }
    }
    this.waiting = left;
    this.waitingEvents -= events;
    return batch;
  }
}
