import { performance } from 'node:perf_hooks';
import type { LogPosition, RecordedEvent, SubscriptionConsumer } from '#libs/event-store';
import type { LedgerCheckpoints, StoredCheckpoint } from './checkpoints.js';
import type { LedgerRecordedEvent, LedgerStore } from './ledger-store.js';
import type { SigningKey } from './signing-key.js';

/**
 * How the ledger follows the log: large batches, and a pause between polls, so that under a steady
 * write load it adds a few big batches a second (each one transaction of a handful of statements)
 * rather than hundreds of small ones competing with the appends for CPU and the database. Leaves
 * lag the log by a fraction of a second; checkpoints come every few seconds anyway.
 */
export const LEDGER_SUBSCRIPTION_PACE = {
  batchSize: 10_000,
  pollIntervalMs: 250,
  busyPollIntervalMs: 250,
  // While it yields to busy writers (LEDGER_YIELD): short stretches of work, so short pauses.
  pausedBatchSize: 1_000,
  // After a full batch the next is read (and hashed) while this one is written: the database
  // inserts one batch on one core while the process hashes the next on the other.
  readAhead: true,
} as const;

/**
 * How the ledger leaves the CPU to busy writers (docs/adr/0018-tamper-evident-ledger.md, "Pace"):
 * while the log grows faster than `busyLogRate` positions a second, the ledger works at most
 * `share` of the time (after a batch that took t, it waits t × (1 - share) / share), in batches
 * of LEDGER_SUBSCRIPTION_PACE.pausedBatchSize, and reads one at least every `maxPauseMs`, so the
 * tree still grows and checkpoints still come every 10 s.
 * It falls behind during a burst and catches up at full speed once the log is quieter.
 */
export const LEDGER_YIELD = {
  busyLogRate: 1_000,
  share: 0.05,
  maxPauseMs: 2_000,
} as const;

export interface LedgerConsumerOptions {
  /** Sign a checkpoint at least this often while the tree grows. */
  readonly checkpointIntervalMs: number;
  /** Without a key the tree still grows; checkpoints wait for one. */
  readonly key: SigningKey | undefined;
  /** Told of each new checkpoint (publishes it on NATS). */
  readonly onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
  readonly onError?: (error: unknown) => void;
  /** Whether this process may still write (holds the lease). */
  readonly active?: () => boolean;
  /** How it yields to busy writers; LEDGER_YIELD unless given. */
  readonly yieldTo?: { readonly busyLogRate: number; readonly share: number; readonly maxPauseMs: number };
}

/**
 * Follows the global log as a durable subscription and extends the ledger with each batch, in
 * log order; the ledger's position is stored with its leaves, so after a crash or a takeover it
 * resumes where the tree ends. While it runs it signs a checkpoint whenever the tree has grown
 * and the interval has passed.
 */
export class LedgerConsumer implements SubscriptionConsumer {
  private timer: NodeJS.Timeout | undefined;
  /** The first checkpoint comes an interval after start, or at once from checkpointNow(). */
  private lastCheckpointAt = Date.now();
  private signing: Promise<void> | undefined;
  /** The log's head at the last batch, and when it was read. */
  private lastHead: { position: bigint; at: number } | undefined;

  constructor(
    private readonly store: LedgerStore,
    private readonly checkpoints: LedgerCheckpoints,
    private readonly options: LedgerConsumerOptions,
  ) {}

  async loadCheckpoint(): Promise<LogPosition> {
    this.startTimer();
    return (await this.store.state()).position;
  }

  async handle(events: readonly RecordedEvent[], _checkpoint: LogPosition): Promise<void> {
    await this.store.extend(
      events.map((e) => {
        // Read by LedgerStore.readAll, an event carries its leaf hash (its entry is not passed
        // on); from another reader it is read again.
        const { ledgerLeafHash: leafHash } = e as Partial<LedgerRecordedEvent>;
        return {
          position: { transactionId: e.transactionId, globalPosition: e.globalPosition },
          ...(leafHash ? { leafHash, eventId: e.id } : {}),
        };
      }),
    );
    if (Date.now() - this.lastCheckpointAt >= this.options.checkpointIntervalMs) await this.checkpointNow();
  }

  /**
   * How long to wait after a batch that took `elapsedMs` (DurableSubscription's pauseAfterBatch):
   * a pause while writers are busy (LEDGER_YIELD), none while the log is quiet.
   */
  async pauseAfterBatch({ elapsedMs }: { readonly elapsedMs: number }): Promise<number> {
    const yielding = this.options.yieldTo ?? LEDGER_YIELD;
    const position = await this.store.logHead();
    // Without a count of events (KurrentDB) there is no rate to judge: the ledger does not yield.
    if (position === null) return 0;
    const head = { position, at: performance.now() };
    const last = this.lastHead;
    this.lastHead = head;
    if (!last || head.at <= last.at) return 0;
    const rate = (Number(head.position - last.position) * 1000) / (head.at - last.at);
    if (rate <= yielding.busyLogRate) return 0;
    return Math.min(yielding.maxPauseMs, (elapsedMs * (1 - yielding.share)) / yielding.share);
  }

  /** Signs a checkpoint now if the tree grew since the last one (one signing at a time). */
  async checkpointNow(): Promise<StoredCheckpoint | null> {
    const key = this.options.key;
    if (!key || (this.options.active && !this.options.active())) return null;
    let result: StoredCheckpoint | null = null;
    const run = (this.signing ?? Promise.resolve()).then(async () => {
      this.lastCheckpointAt = Date.now();
      result = await this.checkpoints.signIfGrown(key);
      if (result) this.options.onCheckpoint?.(result);
    });
    this.signing = run.catch(() => undefined);
    await run;
    return result;
  }

  private startTimer(): void {
    if (this.timer) return;
    const every = Math.max(200, Math.floor(this.options.checkpointIntervalMs / 4));
    this.timer = setInterval(() => {
      if (Date.now() - this.lastCheckpointAt < this.options.checkpointIntervalMs) return;
      this.checkpointNow().catch((error: unknown) => this.options.onError?.(error));
    }, every);
    this.timer.unref();
  }

  /** Stops the checkpoint timer (the process is stopping). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.signing;
  }
}
