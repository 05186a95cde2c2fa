import { setTimeout as delay } from 'node:timers/promises';
import {
  afterAttempt,
  DEFAULT_RETRY_SCHEDULE,
  outcomeOfStatus,
  webhookHeaders,
  type AttemptOutcome,
  type RetrySchedule,
} from '#libs/webhooks';
import { createWebhookPoster, type WebhookPoster } from './webhook-post.js';
import type { AttemptRecord, DueDelivery, WebhookStore } from './webhook-store.js';

export interface WebhookSenderOptions {
  readonly webhooks: Pick<WebhookStore, 'due' | 'recordAttempts' | 'pruneDelivered'>;
  readonly schedule?: RetrySchedule;
  /** How long an endpoint has to answer (default 10 s). */
  readonly timeoutMs?: number;
  /** Attempts under way at once, across endpoints (default 512). */
  readonly maxInFlight?: number;
  /** How often to look for due deliveries when nothing woke the sender (default 250 ms). */
  readonly pollIntervalMs?: number;
  /** Delivered deliveries are listed this long, then forgotten (default 30 days). */
  readonly retentionMs?: number;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly logger?: { warn(details: object, message: string): void };
  /** After each attempt is stored (metrics, benchmarks). */
  readonly onAttempts?: (records: readonly AttemptRecord[]) => void;
  /** How deliveries are POSTed (default: node:http(s) on keep-alive agents). */
  readonly poster?: WebhookPoster;
}

const CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
const PRUNE_EVERY_MS = 3_600_000;
const FLUSH_GATHER_MS = 5;

/**
 * Sends queued deliveries (docs/adr/0030-webhook-delivery.md). Of each task at each endpoint only
 * the oldest undelivered delivery is ever attempted, so an endpoint sees a task's events in order;
 * different tasks and endpoints go out concurrently. An attempt's result is stored before its
 * task's next delivery may go: a sender that dies in between sends it again (at least once, with
 * the same `webhook-id`). Runs in one process at a time (a lease), which the order relies on.
 */
export class WebhookSender {
  private readonly schedule: RetrySchedule;
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly now: () => Date;
  private readonly random: () => number;
  /** Attempts sent and not yet stored, by delivery id. */
  private readonly inFlight = new Set<string>();
  private completed: AttemptRecord[] = [];
  private flushing: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private lastPrune = 0;
  /** Opened on start (keep-alive connections), closed on stop; or the one given. */
  private poster: WebhookPoster;

  constructor(private readonly options: WebhookSenderOptions) {
    this.schedule = options.schedule ?? DEFAULT_RETRY_SCHEDULE;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxInFlight = options.maxInFlight ?? 512;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.retentionMs = options.retentionMs ?? 30 * 24 * 3_600_000;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.poster = options.poster ?? createWebhookPoster();
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    // Each run has its connections (closed when it stops; the lease may come back later).
    this.poster = this.options.poster ?? createWebhookPoster();
    this.running = this.loop();
  }

  /** Stops taking deliveries; waits for the attempts under way and stores their results. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
    this.running = undefined;
  }

  /** Look for due deliveries now (something was queued or replayed). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let taken = 0;
      try {
        await this.pruneNowAndThen();
        const room = this.maxInFlight - this.inFlight.size;
        if (room > 0) {
          const due = await this.options.webhooks.due(room, [...this.inFlight]);
          taken = due.length;
          for (const delivery of due) this.send(delivery);
        }
      } catch (error) {
        this.options.logger?.warn({ err: error }, 'webhook deliveries: cannot read the queue; will retry');
        await delay(1_000);
      }
      // Something was taken: more may be due at once (or when one of them is stored).
      if (taken === 0 || this.inFlight.size >= this.maxInFlight) await this.sleep(this.pollIntervalMs);
    }
    while (this.inFlight.size > 0 || this.flushing) {
      await this.flushing;
      if (this.inFlight.size > 0) await this.sleep(50);
    }
    // Idle keep-alive connections would hold the process open.
    if (!this.options.poster) this.poster.close();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = () => {
        this.woken = false;
        finish();
      };
    });
  }

  private send(delivery: DueDelivery): void {
    this.inFlight.add(delivery.deliveryId);
    void this.attempt(delivery).then((outcome) => {
      const attemptedAt = this.now();
      this.completed.push({
        deliveryId: delivery.deliveryId,
        attemptedAt,
        ...afterAttempt(delivery.attempts, outcome, attemptedAt, this.schedule, this.random()),
      });
      this.flushSoon();
    });
  }

  /** One POST; never throws. */
  private async attempt(delivery: DueDelivery): Promise<AttemptOutcome> {
    try {
      const timestamp = Math.floor(this.now().getTime() / 1000);
      const status = await this.poster.post(
        delivery.url,
        {
          ...webhookHeaders(delivery.secrets, delivery.messageId, timestamp, delivery.body),
          'content-type': CONTENT_TYPE,
          'user-agent': 'coord-webhooks/1',
        },
        delivery.body,
        this.timeoutMs,
      );
      return outcomeOfStatus(status);
    } catch (error) {
      return { kind: 'unreachable', error: describe(error) };
    }
  }

  /** Stores the results gathered so far in one statement, then lets their tasks' next deliveries go. */
  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      // A few milliseconds gather the attempts finishing together into one statement.
      await delay(FLUSH_GATHER_MS);
      while (this.completed.length > 0) {
        const batch = this.completed;
        this.completed = [];
        try {
          await this.options.webhooks.recordAttempts(batch);
        } catch (error) {
          // Kept in flight (not sent again) until stored.
          this.options.logger?.warn({ err: error }, 'webhook deliveries: cannot store attempts; will retry');
          this.completed.unshift(...batch);
          await delay(1_000);
          continue;
        }
        for (const record of batch) this.inFlight.delete(record.deliveryId);
        this.options.onAttempts?.(batch);
        this.wake();
      }
    })().finally(() => {
      this.flushing = undefined;
      if (this.completed.length > 0) this.flushSoon();
    });
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.options.webhooks.pruneDelivered(new Date(now - this.retentionMs));
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'the endpoint did not answer in time';
  // fetch says "fetch failed" and puts the reason (ECONNREFUSED, ...) in its cause.
  const cause =
    error.cause instanceof Error
      ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}`
      : '';
  return `${error.message}${cause}`;
}
