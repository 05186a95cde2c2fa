import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import {
  compareLogPositions,
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
  type SubscriptionConsumer,
} from '#libs/event-store';
import { projectionSchema } from '../database/schema.js';
import {
  asCalendarEvent,
  asDeadlineEvent,
  asPlanEvent,
  type Projection,
  type ProjectionEvent,
} from './projection.js';
import { TASK_STATE_VERSION, TaskStateFold } from './task-state-store.js';

/**
 * The PostgreSQL notification channel on which a runner announces, at commit, that it stored new
 * checkpoints in `schema`.
 */
export function checkpointChannel(schema: string): string {
  return `${schema}_projection_checkpoints`;
}

/** Checkpoint name of the runner's shared task state (see TaskStateFold). */
export const TASK_STATE_CHECKPOINT = '$task-state';

export interface ProjectionRunnerOptions {
  readonly dataSource: DataSource;
  /** Read for catch-up and rebuilds. */
  readonly store: EventStore;
  readonly projections: readonly Projection[];
  /**
   * Events per transaction when the runner reads the log itself (rebuilds, catch-up; default
   * 20,000); a batch the subscription hands over is applied as it came. Every
   * transaction pays the same fixed costs (locking and storing checkpoints, each projection's
   * queries for the rows a batch touches), and a row is written once per batch that touches it:
   * with a few thousand tasks under way at once, a task's events span tens of thousands of events
   * of the log, so batches of 20,000 write most rows once or twice where 5,000 wrote them about
   * four times (bench/rebuild.bench.ts, docs/adr/0040).
   */
  readonly batchSize?: number;
  readonly logger?: ProjectionRunnerLogger;
}

export interface ProjectionRunnerLogger {
  warn(details: object, message: string): void;
}

/** How far a replay has come: reported after each of its transactions (the CLI's progress). */
export interface ReplayProgress {
  /** Events applied by this replay so far. */
  readonly events: number;
  /** The position of the last event applied. */
  readonly position: LogPosition;
}

export interface ReplayOptions {
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** Where a projection stands, for health checks and the CLI. */
export interface ProjectionStatus {
  readonly name: string;
  /** The code's version; `storedVersion` is what its rows were built with (0: never built). */
  readonly version: number;
  readonly storedVersion: number;
  readonly position: LogPosition;
}

interface Checkpoint {
  version: number;
  position: LogPosition;
  /** False when the stored rows were built by newer code: this runner leaves them alone. */
  active: boolean;
}

type Checkpoints = Map<string, Checkpoint>;

/**
 * Keeps projections up to date from the global log. It is the SubscriptionConsumer of one
 * DurableSubscription: each batch is applied in ONE transaction that also stores every
 * projection's checkpoint, so rows and checkpoints never disagree.
 *
 * Each projection has its own checkpoint. Task projections receive every task event with the
 * task's state before and after it, taken from a shared task-state table that has a checkpoint
 * of its own ('$task-state'). A projection may run ahead of that state (it then skips what it has
 * seen) but never behind it: a projection that is new, behind the task state, or built by an
 * older version is reset together with the task state and replayed from the start of the log,
 * while the others keep their rows and skip what they have already applied.
 *
 * Checkpoints are re-read under a row lock in every batch, so a second runner (another process,
 * or a rebuild from the CLI) never applies an event twice. Operations of one runner are
 * serialised. Run one DurableSubscription per runner.
 */
export class ProjectionRunner implements SubscriptionConsumer {
  private readonly dataSource: DataSource;
  private readonly store: EventStore;
  private readonly projections: readonly Projection[];
  private readonly batchSize: number;
  private readonly logger: ProjectionRunnerLogger | undefined;
  private readonly schema: string;
  private readonly usesTaskState: boolean;
  /** Where the subscription feeding `handle` stands: the start of its next batch. */
  private subscriptionPosition: LogPosition | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly refusalsLogged = new Set<string>();

  constructor(options: ProjectionRunnerOptions) {
    this.dataSource = options.dataSource;
    this.store = options.store;
    this.projections = options.projections;
    this.batchSize = options.batchSize ?? 20_000;
    this.logger = options.logger;
    this.schema = projectionSchema(options.dataSource);
    this.usesTaskState = options.projections.some((p) => p.needsTaskState);
    const names = new Set<string>();
    for (const projection of options.projections) {
      if (!/^[a-z][a-z0-9-]*$/.test(projection.name)) {
        throw new Error(`Projection name "${projection.name}" must be lowercase letters, digits and dashes`);
      }
      if (names.has(projection.name)) throw new Error(`Two projections are named "${projection.name}"`);
      if (!Number.isInteger(projection.version) || projection.version < 1) {
        throw new Error(`Projection ${projection.name}: version must be a whole number from 1`);
      }
      names.add(projection.name);
    }
  }

  get names(): string[] {
    return this.projections.map((p) => p.name);
  }

  /**
   * Resets what must be rebuilt (new projections, version changes, a projection behind the task
   * state) and answers where the subscription must start: the oldest checkpoint.
   */
  loadCheckpoint(): Promise<LogPosition> {
    return this.exclusive(async () => {
      const position = await this.reconcile();
      this.subscriptionPosition = position;
      return position;
    });
  }

  /**
   * Applies a batch in one transaction and stores the checkpoints with it. Projections that are
   * behind the batch (after a reset by a rebuild) are then caught up from the log.
   */
  handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    return this.exclusive(async () => {
      const start = this.subscriptionPosition;
      const oldest =
        events.length > 0 ? await this.applyBatch(events, start, checkpoint) : await this.reconcile();
      if (compareLogPositions(oldest, checkpoint) < 0) await this.catchUpFrom(oldest, checkpoint);
      // Only now: if anything above failed, the subscription retries this batch from `start`.
      this.subscriptionPosition = checkpoint;
    });
  }

  /** Applies everything committed so far, then returns (tests, CLI, start-up, shadow rebuilds). */
  catchUp(options: ReplayOptions = {}): Promise<void> {
    return this.exclusive(async () => {
      await this.catchUpFrom(await this.reconcile(), undefined, options.onProgress);
    });
  }

  /**
   * Rebuilds one projection from zero: in one transaction its rows and checkpoint are reset
   * (with the shared task state, for a task projection), then the log is replayed from position
   * 0 in batches. Other projections keep their rows and skip what they have seen.
   */
  rebuild(name: string, options: ReplayOptions = {}): Promise<void> {
    if (!this.projections.some((p) => p.name === name)) {
      return Promise.reject(new Error(`No projection named "${name}" (known: ${this.names.join(', ')})`));
    }
    return this.exclusive(async () => {
      await this.catchUpFrom(await this.reconcile(new Set([name])), undefined, options.onProgress);
    });
  }

  /** Rebuilds every projection and the task state from zero. */
  rebuildAll(options: ReplayOptions = {}): Promise<void> {
    return this.exclusive(async () => {
      const all = new Set([...this.names, TASK_STATE_CHECKPOINT]);
      await this.catchUpFrom(await this.reconcile(all), undefined, options.onProgress);
    });
  }

  /** Every projection's stored version and checkpoint. */
  async status(): Promise<ProjectionStatus[]> {
    const stored = await this.readCheckpoints(this.dataSource.manager, false);
    return this.projections.map((projection) => {
      const checkpoint = stored.get(projection.name);
      return {
        name: projection.name,
        version: projection.version,
        storedVersion: checkpoint?.version ?? 0,
        position: checkpoint?.position ?? START_OF_LOG,
      };
    });
  }

  // --- Batches -----------------------------------------------------------------------------------

  /**
   * One transaction: lock the checkpoints, reset what must be rebuilt, fold the task state, let
   * every projection that can take this batch apply the events it has not seen, store the new
   * checkpoints. `start` is the position just before the batch, when the caller knows it.
   * Returns the oldest checkpoint afterwards.
   */
  private async applyBatch(
    events: readonly RecordedEvent[],
    start: LogPosition | undefined,
    end: LogPosition,
  ): Promise<LogPosition> {
    const first = positionOf(events[0]!);
    // A consumer can take the batch only if nothing lies between its checkpoint and the batch.
    const adjoins = (position: LogPosition): boolean =>
      compareLogPositions(position, start ?? first) >= 0 && compareLogPositions(position, end) < 0;

    return this.dataSource.transaction(async (manager) => {
      const checkpoints = await this.lockAndReset(manager, new Set());
      const moved = new Set<string>();
      // Each writes tables of its own: they run together (see allSettled).
      const writes: (() => Promise<void>)[] = [];

      const state = checkpoints.get(TASK_STATE_CHECKPOINT);
      const stateTakesBatch = state !== undefined && state.active && adjoins(state.position);
      const changes = new Map<RecordedEvent, ProjectionEvent>();
      if (stateTakesBatch) {
        const unseen = events.filter((event) => compareLogPositions(positionOf(event), state.position) > 0);
        const fold = await TaskStateFold.load(manager, unseen);
        for (const event of unseen) {
          const change = fold.apply(event);
          if (change) changes.set(event, change);
        }
        writes.push(() => fold.save());
        moved.add(TASK_STATE_CHECKPOINT);
      }
      for (const event of events) {
        const plan = asPlanEvent(event);
        if (plan) changes.set(event, { kind: 'plan', recorded: event, event: plan });
        const deadline = asDeadlineEvent(event);
        if (deadline) changes.set(event, { kind: 'deadline', recorded: event, event: deadline });
        const calendar = asCalendarEvent(event);
        if (calendar) changes.set(event, { kind: 'calendar', recorded: event, event: calendar });
      }

      for (const projection of this.projections) {
        const checkpoint = checkpoints.get(projection.name)!;
        if (!checkpoint.active || !adjoins(checkpoint.position)) continue;
        // Task projections need the state just before each of their events: the task state
        // must have taken this batch from a position no later than theirs.
        if (
          projection.needsTaskState &&
          !(stateTakesBatch && compareLogPositions(state.position, checkpoint.position) <= 0)
        ) {
          continue;
        }
        const input: ProjectionEvent[] = [];
        for (const event of events) {
          if (compareLogPositions(positionOf(event), checkpoint.position) <= 0) continue;
          const change = changes.get(event);
          if (change && (change.kind !== 'task' || projection.needsTaskState)) input.push(change);
        }
        if (input.length > 0) writes.push(() => projection.apply(input, manager));
        moved.add(projection.name);
      }
      await allSettled(writes, manager.queryRunner);

      for (const name of moved) checkpoints.get(name)!.position = end;
      await this.saveCheckpoints(manager, checkpoints, moved);
      return oldestActive(checkpoints) ?? end;
    });
  }

  /**
   * Replays from `from` until `limit` (or the head of the log), one transaction per batch. The
   * next batch is read while the current one is applied (on PostgreSQL another connection reads
   * it; PGlite's one connection reads it between the transactions).
   */
  private async catchUpFrom(
    from: LogPosition,
    limit: LogPosition | undefined,
    onProgress?: (progress: ReplayProgress) => void,
  ): Promise<LogPosition> {
    const read = (after: LogPosition) => {
      const batch = this.store.readAll(after, this.batchSize);
      // Awaited below unless the replay stops first; a failure then is of no interest.
      batch.catch(() => undefined);
      return batch;
    };
    let position = from;
    let applied = 0;
    let next: Promise<ReadAllBatch> | undefined = read(position);
    for (;;) {
      if (limit && compareLogPositions(position, limit) >= 0) return position;
      const batch = await (next ?? read(position));
      const events = limit
        ? batch.events.filter((event) => compareLogPositions(positionOf(event), limit) <= 0)
        : batch.events;
      const last = events[events.length - 1];
      if (!last) return position;
      const end = positionOf(last);
      // No read ahead past the limit (a catch-up inside `handle` stops at the subscription's batch).
      next = limit && compareLogPositions(end, limit) >= 0 ? undefined : read(end);
      position = await this.applyBatch(events, position, end);
      // A projection left behind (rows built by a newer version came back into reach, say):
      // the batch read ahead does not follow on from where the replay now stands.
      if (compareLogPositions(position, end) !== 0) next = read(position);
      applied += events.length;
      onProgress?.({ events: applied, position: end });
    }
  }

  /** In its own transaction: lock, reset what must be rebuilt (and `force`); the oldest checkpoint. */
  private async reconcile(force: ReadonlySet<string> = new Set()): Promise<LogPosition> {
    return this.dataSource.transaction(async (manager) => {
      const checkpoints = await this.lockAndReset(manager, force);
      return oldestActive(checkpoints) ?? START_OF_LOG;
    });
  }

  // --- Checkpoints and resets --------------------------------------------------------------------

  /**
   * Locks the checkpoint rows for the rest of the transaction and resets, rows and checkpoint
   * together: projections never built or built by an older version, task projections behind the
   * task state, the task state when its version changed or a task projection is reset, and
   * whatever `force` names. Rows built by a newer version are left alone (inactive).
   */
  private async lockAndReset(manager: EntityManager, force: ReadonlySet<string>): Promise<Checkpoints> {
    let stored = await this.readCheckpoints(manager, true);
    const expected = this.expectedVersions();
    const missing = [...expected.keys()].filter((name) => !stored.has(name));
    if (missing.length > 0) {
      await manager.query(
        `insert into ${this.schema}.projection_checkpoints (projection_name, version, transaction_id, global_position)
         select name, 0, 0, 0 from unnest($1::text[]) as name
         on conflict (projection_name) do nothing`,
        [missing],
      );
      stored = await this.readCheckpoints(manager, true);
    }

    const checkpoints: Checkpoints = new Map();
    const resets = new Set<string>();
    for (const [name, version] of expected) {
      const row = stored.get(name)!;
      const active = row.version <= version;
      if (!active) this.logRefusal(name, row.version, version);
      checkpoints.set(name, { version: row.version, position: row.position, active });
      if (active && (row.version < version || force.has(name))) resets.add(name);
    }

    const state = checkpoints.get(TASK_STATE_CHECKPOINT);
    for (const projection of this.projections) {
      if (!projection.needsTaskState) continue;
      const checkpoint = checkpoints.get(projection.name)!;
      if (!state?.active) {
        checkpoint.active = false;
        continue;
      }
      if (!checkpoint.active) continue;
      if (compareLogPositions(state.position, checkpoint.position) > 0) resets.add(projection.name);
      if (resets.has(projection.name)) resets.add(TASK_STATE_CHECKPOINT);
    }

    if (resets.size === 0) return checkpoints;
    for (const name of resets) {
      if (name === TASK_STATE_CHECKPOINT) await TaskStateFold.reset(manager);
      else await this.projections.find((p) => p.name === name)!.reset(manager);
      const checkpoint = checkpoints.get(name)!;
      checkpoint.version = expected.get(name)!;
      checkpoint.position = START_OF_LOG;
    }
    await this.saveCheckpoints(manager, checkpoints, resets);
    return checkpoints;
  }

  private expectedVersions(): Map<string, number> {
    const versions = new Map<string, number>();
    if (this.usesTaskState) versions.set(TASK_STATE_CHECKPOINT, TASK_STATE_VERSION);
    for (const projection of this.projections) versions.set(projection.name, projection.version);
    return versions;
  }

  private async readCheckpoints(
    manager: EntityManager,
    lock: boolean,
  ): Promise<Map<string, { version: number; position: LogPosition }>> {
    const rows = await manager.query<
      { projection_name: string; version: number; transaction_id: string; global_position: string }[]
    >(
      `select projection_name, version, transaction_id::text as transaction_id, global_position::text as global_position
       from ${this.schema}.projection_checkpoints
       where projection_name = any($1::text[])
       order by projection_name${lock ? ' for update' : ''}`,
      [[...this.expectedVersions().keys()]],
    );
    return new Map(
      rows.map((row) => [
        row.projection_name,
        {
          version: row.version,
          position: {
            transactionId: BigInt(row.transaction_id),
            globalPosition: BigInt(row.global_position),
          },
        },
      ]),
    );
  }

  private async saveCheckpoints(
    manager: EntityManager,
    checkpoints: Checkpoints,
    names: ReadonlySet<string>,
  ): Promise<void> {
    if (names.size === 0) return;
    const rows = [...names].map((name) => ({ name, ...checkpoints.get(name)! }));
    // The notification goes out when the transaction commits: readers waiting for these
    // checkpoints (read-your-writes in another process) look again at once instead of polling.
    await manager.query(
      `with saved as (
         insert into ${this.schema}.projection_checkpoints (projection_name, version, transaction_id, global_position, updated_at)
         select name, version, transaction_id, global_position, now()
         from unnest($1::text[], $2::integer[], $3::bigint[], $4::bigint[])
           as c(name, version, transaction_id, global_position)
         on conflict (projection_name) do update
           set version = excluded.version, transaction_id = excluded.transaction_id,
               global_position = excluded.global_position, updated_at = excluded.updated_at
         returning 1)
       select pg_notify($5, '') from (select count(*) from saved) s`,
      [
        rows.map((row) => row.name),
        rows.map((row) => row.version),
        rows.map((row) => row.position.transactionId.toString()),
        rows.map((row) => row.position.globalPosition.toString()),
        checkpointChannel(this.schema),
      ],
    );
  }

  private logRefusal(name: string, stored: number, code: number): void {
    if (this.refusalsLogged.has(name)) return;
    this.refusalsLogged.add(name);
    this.logger?.warn(
      { projection: name, storedVersion: stored, codeVersion: code },
      'projection rows were built by a newer version; this runner leaves them alone',
    );
  }

  /** Runs operations of this runner one at a time (the subscription, rebuilds, catch-up). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function positionOf(event: RecordedEvent): LogPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

function oldestActive(checkpoints: Checkpoints): LogPosition | undefined {
  let oldest: LogPosition | undefined;
  for (const checkpoint of checkpoints.values()) {
    if (!checkpoint.active) continue;
    if (!oldest || compareLogPositions(checkpoint.position, oldest) < 0) oldest = checkpoint.position;
  }
  return oldest;
}

/**
 * Starts every write at once and waits for all of them, then throws the failure that caused the
 * others. They share the batch's connection, whose statements go one after another in the order
 * they were sent: while one projection waits for PostgreSQL, the next folds its events in node, so
 * the two cores work together. Every one is awaited before the transaction ends, so none sends a
 * statement after the rollback (or on the connection once it is back in the pool).
 */
async function allSettled(
  writes: readonly (() => Promise<void>)[],
  runner: QueryRunner | undefined,
): Promise<void> {
  const restore = runner ? queryInTurn(runner) : () => undefined;
  let results: PromiseSettledResult<void>[];
  try {
    // A write that throws before its first await is a failure like any other, not an escape.
    results = await Promise.allSettled(writes.map((write) => Promise.resolve().then(write)));
  } finally {
    restore();
  }
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  // Once a statement fails, PostgreSQL refuses those queued behind it as "in failed transaction"
  // (25P02): the first failure that is not one of those is the cause.
  const cause = failures.find((failure) => sqlState(failure) !== '25P02') ?? failures[0];
  if (failures.length > 0) throw cause;
}

/**
 * Makes the runner's statements wait for the one before instead of being queued by the pg client
 * (queueing on a busy client is deprecated in pg 8 and removed in pg 9), in the order they are
 * sent, which is the order the client would have run them. Returns what undoes it.
 * A statement sent from inside another's call (a TypeORM subscriber querying through the event's
 * runner) would wait for the call that waits for it: keep subscribers off projection writes.
 */
function queryInTurn(runner: QueryRunner): () => void {
  const query = runner.query;
  let previous: Promise<unknown> = Promise.resolve();
  runner.query = ((...args: Parameters<QueryRunner['query']>) => {
    const result = previous.then(() => query.apply(runner, args));
    previous = result.catch(() => undefined);
    return result;
  }) as QueryRunner['query'];
  return () => {
    runner.query = query;
  };
}

function sqlState(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  return code ?? driverError?.code;
}
