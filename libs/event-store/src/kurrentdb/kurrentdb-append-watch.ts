import type { AllStreamSubscription, KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { AppendWatch, AppendWatcher } from '../event-store.port.js';
import { KURRENT, serviceFilter } from './kurrentdb-mapping.js';

export interface KurrentAppendWatchOptions {
  /** First wait before subscribing again after the subscription broke; doubled each time. */
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * `watchAppends` on KurrentDB: a catch-up subscription to $all from its end, filtered on the
 * server to the service's stream prefix (the filter `readAll` uses), whose events only say "read
 * now". The subscriptions keep reading and checkpointing with `readAll` (docs/adr/0024).
 */
export class KurrentAppendWatch implements AppendWatch {
  private subscription: AllStreamSubscription | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private noticePending = false;
  private closed = false;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly client: Pick<KurrentDBClient, 'subscribeToAll'>,
    private readonly streamPrefix: string,
    private readonly watcher: AppendWatcher,
    options: KurrentAppendWatchOptions = {},
  ) {
    this.minRetryMs = options.minRetryMs ?? 100;
    this.maxRetryMs = options.maxRetryMs ?? 5_000;
    this.subscribe();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe();
  }

  private subscribe(): void {
    if (this.closed) return;
    let subscription: AllStreamSubscription;
    try {
      subscription = this.client.subscribeToAll({
        fromPosition: KURRENT.END,
        filter: serviceFilter(this.streamPrefix),
      });
    } catch (error) {
      this.retryAfter(error);
      return;
    }
    this.subscription = subscription;
    const reconnected = this.failures > 0;
    const settled = (): void => {
      this.failures = 0;
      // Appends made while it was down were not announced: let the readers look once.
      if (reconnected) this.notify();
    };
    subscription.once('confirmation', settled);
    subscription.on('data', () => {
      this.failures = 0;
      this.notify();
    });
    // A subscription ends only when unsubscribed; anything else is a break to recover from.
    let broken = false;
    const broke = (error: unknown): void => {
      if (broken || this.closed || this.subscription !== subscription) return;
      broken = true;
      this.subscription = undefined;
      void subscription.unsubscribe().catch(() => undefined);
      this.retryAfter(error);
    };
    subscription.on('error', broke);
    subscription.on('end', () => broke(new Error('the $all subscription ended')));
  }

  private retryAfter(error: unknown): void {
    if (this.closed) return;
    const delay = Math.min(this.maxRetryMs, this.minRetryMs * 2 ** Math.min(this.failures, 10));
    this.failures += 1;
    this.watcher.interrupted?.(error, delay);
    this.retryTimer = setTimeout(() => this.subscribe(), delay);
  }

  /** One notice per turn of the event loop, however many events arrived in it. */
  private notify(): void {
    if (this.noticePending || this.closed) return;
    this.noticePending = true;
    setImmediate(() => {
      this.noticePending = false;
      if (!this.closed) this.watcher.appended();
    });
  }
}
