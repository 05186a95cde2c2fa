import type { Pool, PoolClient } from 'pg';
import { compareLogPositions, type LogPosition } from '#libs/event-store';

export interface CheckpointWatchOptions {
  readonly pool: Pool;
  /** The channel the projection runner notifies when it commits new checkpoints. */
  readonly channel: string;
  /** The oldest checkpoint of the projections, as stored. */
  readonly oldestCheckpoint: () => Promise<LogPosition>;
  /** Looks again this often while someone waits, in case a notification was missed (default 250). */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

interface Waiter {
  readonly target: LogPosition;
  readonly resolve: (reached: boolean) => void;
}

/**
 * Waits until projections running in another process (the worker) have stored checkpoints at or
 * past a position. The runner notifies a PostgreSQL channel when it commits a batch; one
 * connection listens, and each notification reads the checkpoints once for every waiter. A slow
 * poll covers notifications missed while the connection was being (re)opened.
 *
 * The listening connection is opened on first use and held until `close`.
 */
export class CheckpointWatch {
  private readonly waiters = new Set<Waiter>();
  private listener: Promise<PoolClient> | undefined;
  private poller: NodeJS.Timeout | undefined;
  /** A look at the checkpoints is running; `again` asks for one more when it ends. */
  private looking = false;
  private again = false;
  private closed = false;

  constructor(private readonly options: CheckpointWatchOptions) {}

  /** True once the checkpoints reach `target`; false after `timeoutMs`. */
  async waitFor(target: LogPosition, timeoutMs: number): Promise<boolean> {
    if (this.closed) return false;
    // Listen before the first look, so that a batch committed after it is announced to us.
    await this.listen().catch((error: unknown) => this.options.onError?.(error));
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), timeoutMs);
      const waiter: Waiter = { target, resolve: (reached) => settle(reached) };
      const settle = (reached: boolean): void => {
        clearTimeout(timer);
        if (!this.waiters.delete(waiter)) return;
        if (this.waiters.size === 0) this.stopPolling();
        resolve(reached);
      };
      this.waiters.add(waiter);
      this.startPolling();
      // The first look happens with the waiter registered: a notification arriving meanwhile
      // makes another look after it, so none is missed.
      this.look();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopPolling();
    for (const waiter of [...this.waiters]) waiter.resolve(false);
    const listener = this.listener;
    this.listener = undefined;
    const client = await listener?.catch(() => undefined);
    try {
      client?.release(true);
    } catch {
      // Already given back after a connection error.
    }
  }

  private listen(): Promise<PoolClient> {
    if (this.listener) return this.listener;
    const listener = this.openListener();
    this.listener = listener;
    // A listener that fails to open, or fails later, is dropped; the next poll opens another.
    const forget = (): void => {
      if (this.listener === listener) this.listener = undefined;
    };
    listener.then((client) => client.once('error', forget), forget);
    return listener;
  }

  private async openListener(): Promise<PoolClient> {
    const client = await this.options.pool.connect();
    let released = false;
    client.on('error', (error: unknown) => {
      if (!released) client.release(error instanceof Error ? error : true);
      released = true;
      this.options.onError?.(error);
    });
    client.on('notification', () => this.look());
    try {
      await client.query(`listen "${this.options.channel}"`);
    } catch (error) {
      if (!released) client.release(true);
      released = true;
      throw error;
    }
    return client;
  }

  /** Reads the checkpoints once and answers every waiter they satisfy. */
  private look(): void {
    if (this.waiters.size === 0) return;
    if (this.looking) {
      this.again = true;
      return;
    }
    this.looking = true;
    this.options
      .oldestCheckpoint()
      .then((oldest) => {
        for (const waiter of [...this.waiters]) {
          if (compareLogPositions(oldest, waiter.target) >= 0) waiter.resolve(true);
        }
      })
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.looking = false;
        if (this.again) {
          this.again = false;
          this.look();
        }
      });
  }

  private startPolling(): void {
    if (this.poller) return;
    this.poller = setInterval(() => {
      // Reopen a listener that was lost; until then the poll alone keeps waiters moving.
      if (!this.listener && !this.closed) this.listen().catch(() => undefined);
      this.look();
    }, this.options.pollIntervalMs ?? 250);
    this.poller.unref();
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }
}
