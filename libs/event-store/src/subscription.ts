import { performance } from 'node:perf_hooks';
import {
  compareLogPositions,
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
} from './event-store.port.js';

/** What a durable subscription feeds. It owns its checkpoint, so it can store it with its own writes. */
export interface SubscriptionConsumer {
  /** Position of the last event already processed (START_OF_LOG when new). */
  loadCheckpoint(): Promise<LogPosition>;
  /** Processes a batch, in log order, and durably stores `checkpoint` (the batch's last position). */
  handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void>;
}

export interface SubscriptionLogger {
  error(details: object, message: string): void;
}

export interface DurableSubscriptionOptions {
  readonly name: string;
  readonly batchSize?: number;
  /** How long to wait for new events when caught up, unless woken earlier. */
  readonly pollIntervalMs?: number;
  /**
   * How long to wait after a batch that had events (more are likely on their way), when it is
   * shorter than `pollIntervalMs`; default: `pollIntervalMs`.
   */
  readonly busyPollIntervalMs?: number;
  readonly maxRetryDelayMs?: number;
  /**
   * After a full batch, read the next one while the consumer handles this one (default false):
   * the read's round trip overlaps the consumer's work when it is behind. It holds two batches in
   * memory, so it is for consumers that measured a gain (the ledger: ADR 0018).
   */
  readonly readAhead?: boolean;
  /**
   * The batch size after a batch that pauseAfterBatch asked to pause after: small batches keep
   * each stretch of work, and so the pause that follows it, short. Default: batchSize.
   */
  readonly pausedBatchSize?: number;
  /**
   * Asked after each batch with events (and the time reading and handling it took) how long to
   * wait before the next read, even when the batch was full: for a consumer that leaves the CPU to
   * the writers while they are busy and catches up after. Without it, or for 0, the usual polling.
   */
  readonly pauseAfterBatch?: (batch: {
    readonly events: number;
    readonly elapsedMs: number;
  }) => Promise<number>;
  readonly logger?: SubscriptionLogger;
}

/**
 * Reads the global log from a checkpoint and hands batches to a consumer, at least once and in
 * order. The consumer stores the checkpoint; after a crash the subscription resumes from it.
 */
export class DurableSubscription {
  private position: LogPosition = START_OF_LOG;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private readonly waiters = new Set<{ target: LogPosition; resolve: () => void }>();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly busyPollIntervalMs: number;
  private readonly maxRetryDelayMs: number;
  private consecutiveFailures = 0;
  /** Whether pauseAfterBatch asked for a pause after the last batch. */
  private paced = false;
  /** The next batch, read ahead from `from` while the previous one was handled. */
  private readAhead: { readonly from: LogPosition; readonly batch: Promise<ReadAllBatch> } | undefined;

  constructor(
    /** Where batches are read from: the store, or a reader of the same log order. */
    private readonly store: Pick<EventStore, 'readAll'>,
    private readonly consumer: SubscriptionConsumer,
    private readonly options: DurableSubscriptionOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.busyPollIntervalMs = Math.min(
      this.pollIntervalMs,
      options.busyPollIntervalMs ?? this.pollIntervalMs,
    );
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  }

  get name(): string {
    return this.options.name;
  }

  /** The position of the last event the consumer has processed. */
  get checkpoint(): LogPosition {
    return this.position;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.stopped = false;
    this.readAhead = undefined;
    this.position = await this.consumer.loadCheckpoint();
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    this.running = undefined;
  }

  /** Read now instead of at the next poll (called after a local append). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Resolves once the consumer has processed everything up to `target`, or after `timeoutMs` with false. */
  async waitFor(target: LogPosition, timeoutMs: number): Promise<boolean> {
    if (compareLogPositions(this.position, target) >= 0) return true;
    this.wake();
    return new Promise<boolean>((resolve) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Processes everything committed so far, then returns (used by rebuilds and tests). */
  async catchUp(): Promise<void> {
    for (;;) {
      const processed = await this.processNextBatch();
      if (processed < this.batchSize) return;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const started = performance.now();
        const limit = this.paced ? (this.options.pausedBatchSize ?? this.batchSize) : this.batchSize;
        const processed = await this.processNextBatch(limit);
        this.consecutiveFailures = 0;
        const pause =
          processed > 0 && this.options.pauseAfterBatch
            ? await this.options.pauseAfterBatch({
                events: processed,
                elapsedMs: performance.now() - started,
              })
            : 0;
        this.paced = pause > 0;
        if (processed === limit) {
          if (pause > 0) await this.sleep(pause);
          continue;
        }
        await this.sleep(Math.max(pause, processed > 0 ? this.busyPollIntervalMs : this.pollIntervalMs));
      } catch (error) {
        this.consecutiveFailures += 1;
        const delay = Math.min(this.maxRetryDelayMs, 100 * 2 ** Math.min(this.consecutiveFailures, 10));
        this.options.logger?.error(
          { err: error, subscription: this.name, retryInMs: delay },
          'subscription batch failed; retrying from its checkpoint',
        );
        await this.sleep(delay);
      }
    }
  }

  private async processNextBatch(limit = this.batchSize): Promise<number> {
    const batch = await this.nextBatch(limit);
    if (batch.events.length === 0) return 0;
    // A full batch says more is waiting: read it now, while the consumer works on this one; not
    // while pausing after batches (the read would fall in the pause left to the writers).
    if (batch.events.length === limit && this.options.readAhead === true && !this.paced) {
      const read = this.store.readAll(batch.next, limit);
      read.catch(() => undefined); // Its failure surfaces when the batch is taken.
      this.readAhead = { from: batch.next, batch: read };
    }
    await this.consumer.handle(batch.events, batch.next);
    this.position = batch.next;
    for (const waiter of [...this.waiters]) {
      if (compareLogPositions(this.position, waiter.target) >= 0) waiter.resolve();
    }
    return batch.events.length;
  }

  /**
   * The batch after the checkpoint: the one read ahead if it starts there (it does unless the
   * consumer failed, which leaves the checkpoint behind), otherwise read now.
   */
  private nextBatch(limit: number): Promise<ReadAllBatch> {
    const ahead = this.readAhead;
    this.readAhead = undefined;
    if (ahead && compareLogPositions(ahead.from, this.position) === 0) return ahead.batch;
    return this.store.readAll(this.position, limit);
  }

  private sleep(ms: number): Promise<void> {
    // stop() during a batch woke no sleep: do not begin one after it.
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
