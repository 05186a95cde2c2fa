import pg from 'pg';

/** What a process does when it gets or loses the lease of one hosted consumer. */
export interface LeaseHandlers {
  /** This process now holds the lease: start the work it guards. */
  acquired(): Promise<void>;
  /** This process no longer holds it (or is stopping): stop that work. */
  lost(): Promise<void>;
}

/** Something to write through: a pool or one connection. */
export type LeaseQueryable = Pick<pg.Pool, 'query'> | Pick<pg.ClientBase, 'query'>;

export interface LeaseLogger {
  log(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Which process runs each hosted consumer (the projections, the NATS publisher): only the one
 * holding its lease. See docs/adr/0010-leases-for-hosted-consumers.md.
 */
export interface ConsumerLeases {
  /** Follow the lease `name`: `handlers` are called as this process gets and loses it. */
  register(name: string, handlers: LeaseHandlers): void;
  /** Tries every lease once (so a lone process starts its consumers at once), then keeps trying. */
  start(): Promise<void>;
  /** Stops the consumers of the leases held (their `lost`), then gives the leases up. */
  stop(): Promise<void>;
  isHeld(name: string): boolean;
  /**
   * Runs `work` with the connection to write through so that nothing is written once the lease
   * is lost: the connection that holds it. Throws LeaseLostError when the lease is not held.
   */
  whileHeld<T>(name: string, work: (db: LeaseQueryable) => Promise<T>): Promise<T>;
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly lease: string) {
    super(`This process does not hold the lease "${lease}"; another process runs it`);
  }
}

/**
 * The embedded database: one process owns it (ADR 0003), so it holds every lease from start to
 * stop, and writes through the shared pool.
 */
export class SoleProcessLeases implements ConsumerLeases {
  private readonly leases = new Map<string, LeaseHandlers>();
  private started = false;

  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  register(name: string, handlers: LeaseHandlers): void {
    this.leases.set(name, handlers);
  }

  async start(): Promise<void> {
    this.started = true;
    for (const handlers of this.leases.values()) await handlers.acquired();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all([...this.leases.values()].map((handlers) => handlers.lost()));
  }

  isHeld(name: string): boolean {
    return this.started && this.leases.has(name);
  }

  whileHeld<T>(name: string, work: (db: LeaseQueryable) => Promise<T>): Promise<T> {
    if (!this.isHeld(name)) return Promise.reject(new LeaseLostError(name));
    return work(this.pool);
  }
}

export interface AdvisoryLockLeasesOptions {
  readonly connectionString: string;
  /** Leases are per schema: two deployments on one server do not compete. */
  readonly schema: string;
  readonly applicationName?: string;
  /**
   * How often a process tries the leases it does not hold, and checks its lease connection
   * (default 1,000 ms): a holder that dies is replaced within about this long.
   */
  readonly retryIntervalMs?: number;
  /**
   * The server ends the lease connection after this long without a statement (default 5,000 ms),
   * so a holder that hangs or is cut off from the server loses its leases too.
   */
  readonly silenceTimeoutMs?: number;
  readonly logger?: LeaseLogger;
}

interface Lease {
  readonly name: string;
  readonly handlers: LeaseHandlers;
  held: boolean;
  /** Logged that another process holds it, until that changes. */
  standingBy: boolean;
  /** Calls of acquired/lost, one after the other. */
  transition: Promise<void>;
}

/** Every lease of this service shares the first half of its advisory lock key. */
const LEASE_LOCK_SPACE = 'coord-lease';

/**
 * Leases as PostgreSQL session advisory locks, held on one dedicated connection per process.
 * A process that dies takes its connection, and so its locks, with it; the others try every
 * `retryIntervalMs`. When the lease connection fails, the process stops the consumers at once;
 * what they write afterwards is refused (`whileHeld` writes through that connection).
 */
export class AdvisoryLockLeases implements ConsumerLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly retryIntervalMs: number;
  private readonly silenceTimeoutMs: number;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> | undefined;
  private stopped = true;
  private connectFailureLogged = false;

  constructor(private readonly options: AdvisoryLockLeasesOptions) {
    this.retryIntervalMs = options.retryIntervalMs ?? 1_000;
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 5_000;
  }

  register(name: string, handlers: LeaseHandlers): void {
    this.leases.set(name, { name, handlers, held: false, standingBy: false, transition: Promise.resolve() });
  }

  async start(): Promise<void> {
    if (!this.stopped || this.leases.size === 0) return;
    this.stopped = false;
    // The first try's consumers have started when this returns; later ones start in the background.
    await Promise.all(await this.runTick());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    // Graceful: the consumers finish the batch in hand while the leases are still held.
    await Promise.all(
      [...this.leases.values()].map((lease) =>
        this.transition(lease, async () => {
          if (!lease.held) return;
          await lease.handlers.lost();
          lease.held = false;
          this.options.logger?.log({ lease: lease.name }, `lease ${lease.name} released`);
        }).catch(() => undefined),
      ),
    );
    const client = this.client;
    this.client = undefined;
    // Closing the session releases its locks.
    await client?.end().catch(() => undefined);
  }

  isHeld(name: string): boolean {
    return this.leases.get(name)?.held === true && this.client !== undefined;
  }

  async whileHeld<T>(name: string, work: (db: LeaseQueryable) => Promise<T>): Promise<T> {
    const client = this.client;
    if (!client || !this.isHeld(name)) throw new LeaseLostError(name);
    return work(client);
  }

  /**
   * One try; answers the starts of the consumers whose lease it acquired. Those are not awaited
   * by the next tries, which go on checking the connection (and keep its session alive).
   */
  private async runTick(): Promise<Promise<void>[]> {
    const tick = this.tryLeases();
    this.tick = tick.then(() => undefined);
    try {
      return await tick;
    } finally {
      this.tick = undefined;
      if (!this.stopped) this.timer = setTimeout(() => void this.runTick(), this.retryIntervalMs);
    }
  }

  private async tryLeases(): Promise<Promise<void>[]> {
    const starting: Promise<void>[] = [];
    let client: pg.Client;
    try {
      client = await this.connection();
    } catch (error) {
      if (!this.connectFailureLogged) {
        this.connectFailureLogged = true;
        this.options.logger?.warn({ err: error }, 'cannot open the lease connection; will retry');
      }
      return starting;
    }
    try {
      const waiting = [...this.leases.values()].filter((lease) => !lease.held);
      // A holder checks its connection each time; a statement also keeps the session from timing out.
      if (waiting.length === 0) await client.query('select 1');
      for (const lease of waiting) {
        if (this.stopped) return starting;
        const { rows } = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock(hashtext($1), hashtext($2)) as locked',
          [LEASE_LOCK_SPACE, `${this.options.schema}/${lease.name}`],
        );
        if (rows[0]?.locked) starting.push(this.acquired(lease, client));
        else if (!lease.standingBy) {
          lease.standingBy = true;
          this.options.logger?.log(
            { lease: lease.name },
            `lease ${lease.name} is held by another process; standing by`,
          );
        }
      }
    } catch (error) {
      this.connectionLost(client, error);
    }
    return starting;
  }

  private acquired(lease: Lease, client: pg.Client): Promise<void> {
    lease.held = true;
    lease.standingBy = false;
    this.options.logger?.log({ lease: lease.name }, `lease ${lease.name} acquired`);
    return this.transition(lease, async () => {
      try {
        await lease.handlers.acquired();
      } catch (error) {
        // Let another process (or the next try) have it rather than hold it and do nothing.
        this.options.logger?.warn(
          { lease: lease.name, err: error },
          `lease ${lease.name}: could not start; giving it up`,
        );
        lease.held = false;
        await client
          .query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [
            LEASE_LOCK_SPACE,
            `${this.options.schema}/${lease.name}`,
          ])
          .catch(() => undefined);
      }
    });
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName ?? 'coord-leases',
      keepAlive: true,
    });
    const lost = (error?: unknown) => this.connectionLost(client, error);
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query("select set_config('idle_session_timeout', $1, false)", [
        String(this.silenceTimeoutMs),
      ]);
    } catch (error) {
      client.removeListener('end', lost);
      await client.end().catch(() => undefined);
      throw error;
    }
    this.connectFailureLogged = false;
    this.client = client;
    return client;
  }

  /** The lease connection failed: every lease it held is gone; stop their consumers now. */
  private connectionLost(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    for (const lease of this.leases.values()) {
      if (!lease.held) continue;
      // First: from now on whileHeld refuses, and no new batch starts.
      lease.held = false;
      lease.standingBy = false;
      this.options.logger?.warn(
        { lease: lease.name, ...(error ? { err: error } : {}) },
        `lease ${lease.name} lost with its connection; stopping its consumer`,
      );
      this.transition(lease, () => lease.handlers.lost()).catch((failure: unknown) =>
        this.options.logger?.warn(
          { lease: lease.name, err: failure },
          `lease ${lease.name}: stopping failed`,
        ),
      );
    }
  }

  /** Runs acquired/lost calls of one lease one after the other. */
  private transition(lease: Lease, work: () => Promise<void>): Promise<void> {
    const next = lease.transition.then(work, work);
    lease.transition = next.catch(() => undefined);
    return next;
  }
}
