import { compareLogPositions, type EventStore, type LogPosition } from '#libs/event-store';
import { AgencyFanout, readFanout, type FanoutLogger, type FanoutMessage } from './agency-fanout.js';
import type { FeedBatch, InProcessFeed } from './in-process-feed.js';

export interface FollowAgencyOptions {
  readonly store: Pick<EventStore, 'readAll' | 'readStream' | 'logPositionOf'>;
  readonly agencyCode: string;
  /**
   * Deliver the agency's messages of the events after this log position (a position the store
   * has returned: a checkpoint, or the log position of an event already delivered).
   */
  readonly after: LogPosition;
  /**
   * The process's in-process feed, fed by an InProcessFeedPublisher: live batches arrive from it
   * and the store is read only to catch up. Without it, the store is polled.
   */
  readonly feed?: InProcessFeed;
  /**
   * Without a feed: how often the store is read once caught up (default 250 ms). With a feed:
   * how soon the store is read again when the feed is ahead of what the store shows yet.
   */
  readonly pollIntervalMs?: number;
  /** Events per store read; default 500. */
  readonly batchSize?: number;
  /** Live batches kept while the follower is busy; beyond it they are dropped and read from the store. */
  readonly maxPendingBatches?: number;
  readonly source?: string;
  readonly subjectPrefix?: string;
  readonly logger?: FanoutLogger;
  /**
   * Called with each of the agency's messages, once, in log order; awaited before the next.
   * A throw ends the follow (`done` rejects).
   */
  readonly onMessage: (message: FanoutMessage) => void | Promise<void>;
}

export interface AgencyFollow {
  /** The log position of the last event the follower has read past (delivered or not for this agency). */
  readonly position: LogPosition;
  /** Stops; resolves once the last onMessage has returned. */
  stop(): Promise<void>;
  /** Settles when the follow ends: resolves when stopped, rejects if onMessage threw. */
  readonly done: Promise<void>;
}

/**
 * Follows one agency's messages from a past log position: first from the store (readFanout),
 * then live from the in-process feed, with neither a gap nor a repeat at the seam.
 *
 * The follower keeps one cursor, a log position. A live batch covers the log range
 * `(after, next]`; since the store never changes the log below a position it has returned, that
 * range holds exactly the events the store would return for it. So:
 * - a batch that ends at or before the cursor was delivered already: dropped;
 * - a batch that starts at or before the cursor is contiguous: its messages after the cursor are
 *   delivered and the cursor moves to its end;
 * - a batch that starts after the cursor means something in between was not seen (the follower
 *   was catching up, or dropped batches while busy): the store is read up to it first.
 * Live batches that arrive while the store is read wait in a queue. Store errors are logged and
 * retried with back-off; the follow goes on.
 */
export function followAgency(options: FollowAgencyOptions): AgencyFollow {
  return new AgencyFollower(options).start();
}

class AgencyFollower {
  private cursor: LogPosition;
  private readonly pending: FeedBatch[] = [];
  private stopped = false;
  /** Ends the wait for a live batch (or the poll interval): a live batch or a stop. */
  private wakeUp: (() => void) | undefined;
  /** Ends a back-off after a store error: only a stop, never a live batch. */
  private endBackOff: (() => void) | undefined;
  private readonly fanout: AgencyFanout;
  private readonly pollIntervalMs: number;
  private readonly maxPending: number;
  private failures = 0;

  constructor(private readonly options: FollowAgencyOptions) {
    this.cursor = options.after;
    this.pollIntervalMs = options.pollIntervalMs ?? (options.feed ? 50 : 250);
    this.maxPending = options.maxPendingBatches ?? 1_000;
    this.fanout = new AgencyFanout({
      store: options.store,
      source: options.source,
      subjectPrefix: options.subjectPrefix,
      logger: options.logger,
      cacheSize: 1_000,
    });
  }

  start(): AgencyFollow {
    // Subscribed before the first store read: whatever the feed publishes from now on is queued.
    const unsubscribe = this.options.feed?.subscribeBatches((batch) => this.enqueue(batch));
    const done = this.run()
      .catch((error: unknown) => {
        throw error instanceof DeliveryError ? error.cause : error;
      })
      .finally(() => unsubscribe?.());
    done.catch(() => undefined);
    const position = () => this.cursor;
    const stop = async () => {
      this.stopped = true;
      this.wakeUp?.();
      this.endBackOff?.();
      await done.catch(() => undefined);
    };
    return {
      get position() {
        return position();
      },
      done,
      stop,
    };
  }

  private enqueue(batch: FeedBatch): void {
    if (this.pending.length >= this.maxPending) {
      // Too far behind: forget the queue; the next batch shows a gap and the store fills it.
      this.pending.length = 0;
    }
    const { agencyCode } = this.options;
    this.pending.push({
      after: batch.after,
      next: batch.next,
      messages: batch.messages.filter((message) => message.agencyCode === agencyCode),
    });
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    await this.retrying(() => this.catchUp());
    while (!this.stopped) {
      const batch = this.pending.shift();
      if (!batch) {
        if (this.options.feed) await this.sleep();
        else {
          await this.sleep(this.pollIntervalMs);
          await this.retrying(() => this.catchUp());
        }
        continue;
      }
      if (compareLogPositions(batch.next, this.cursor) <= 0) continue;
      if (compareLogPositions(batch.after, this.cursor) > 0) {
        await this.retrying(() => this.catchUp());
        if (compareLogPositions(batch.after, this.cursor) > 0) {
          // The store does not show that far yet (a transaction before it is still committing).
          this.pending.unshift(batch);
          await this.sleep(this.pollIntervalMs);
          continue;
        }
        if (compareLogPositions(batch.next, this.cursor) <= 0) continue;
      }
      for (const message of batch.messages) {
        if (this.stopped) return;
        if (compareLogPositions(message.event, this.cursor) > 0) await this.deliver(message);
      }
      this.cursor = batch.next;
    }
  }

  /** Reads the store from the cursor until caught up. */
  private async catchUp(): Promise<void> {
    const { store, agencyCode, batchSize } = this.options;
    const reads = readFanout(store, this.fanout, {
      from: this.cursor,
      agencyCode,
      batchSize: batchSize ?? 500,
    });
    for await (const batch of reads) {
      for (const message of batch.messages) {
        if (this.stopped) return;
        await this.deliver(message);
      }
      this.cursor = batch.next;
      if (this.stopped) return;
    }
  }

  private async deliver(message: FanoutMessage): Promise<void> {
    try {
      await this.options.onMessage(message);
    } catch (error) {
      throw new DeliveryError('onMessage failed', { cause: error });
    }
  }

  /** Runs a store step; a store error is logged and the step retried with back-off, until stopped. */
  private async retrying(step: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await step();
        this.failures = 0;
        return;
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        if (this.stopped) return;
        this.failures += 1;
        const delay = Math.min(5_000, 100 * 2 ** Math.min(this.failures, 6));
        this.options.logger?.error(
          { err: error, agencyCode: this.options.agencyCode, retryInMs: delay },
          'reading the agency feed from the store failed; retrying',
        );
        // Live batches keep arriving while the store fails; they wait in the queue and must
        // not cut the back-off short, or a failing store is read (and logged) at the event rate.
        await this.backOff(delay);
        if (this.stopped) return;
      }
    }
  }

  /** Waits `ms` or for a stop, whatever the feed publishes meanwhile. */
  private backOff(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.endBackOff === done) this.endBackOff = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.endBackOff = done;
    });
  }

  /** Waits for a live batch, a stop, or `ms`. */
  private sleep(ms?: number): Promise<void> {
    if (this.stopped || (this.pending.length > 0 && ms === undefined)) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

/** An error of the caller's onMessage: it ends the follow instead of being retried. */
class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}
