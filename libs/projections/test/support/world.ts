import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import {
  compareLogPositions,
  ExpectedVersion,
  PostgresEventStore,
  START_OF_LOG,
  type AppendResult,
  type LogPosition,
} from '#libs/event-store';
import {
  decide as decidePlan,
  initialState as initialPlanState,
  planStreamId,
  type IssuePlan,
} from '#libs/plans';
import { decide, evolve, initialState, taskStreamId, type TaskCommand, type TaskEvent } from '#libs/tasks';
import {
  allProjections,
  openProjectionDataSource,
  ProjectionRunner,
  type Projection,
} from '../../src/index.js';
import { uniqueSchema } from '../../../../test/support/postgres.js';

/**
 * One test's world: an event store and the projections in a fresh schema, plus a command side
 * that decides with the real deciders and appends what they decide, as the API will.
 */
export class World {
  private constructor(
    readonly pool: Pool,
    readonly schema: string,
    readonly store: PostgresEventStore,
    readonly dataSource: DataSource,
  ) {}

  static async create(pool: Pool): Promise<World> {
    const schema = uniqueSchema('proj');
    const store = new PostgresEventStore(pool, { schema });
    await store.migrate();
    const dataSource = await openProjectionDataSource({ pool, schema });
    return new World(pool, schema, store, dataSource);
  }

  /**
   * A runner whose catch-up and rebuilds first wait until everything this world appended can be
   * read, so that they apply all of it (see `untilReadable`).
   */
  runner(projections: readonly Projection[] = allProjections, batchSize?: number): ProjectionRunner {
    const untilReadable = () => this.untilReadable();
    return new (class extends ProjectionRunner {
      override async catchUp(...args: Parameters<ProjectionRunner['catchUp']>) {
        await untilReadable();
        return super.catchUp(...args);
      }
      override async rebuild(...args: Parameters<ProjectionRunner['rebuild']>) {
        await untilReadable();
        return super.rebuild(...args);
      }
      override async rebuildAll(...args: Parameters<ProjectionRunner['rebuildAll']>) {
        await untilReadable();
        return super.rebuildAll(...args);
      }
    })({
      dataSource: this.dataSource,
      store: this.store,
      projections,
      ...(batchSize ? { batchSize } : {}),
    });
  }

  /**
   * Waits until the newest event appended so far is readable. The log is read only below the
   * oldest transaction still running on the server, in any database (transaction ids are the
   * server's): one still open elsewhere on it (a test of a slow writer or a long reader, a
   * connection an earlier suite of this jest worker left in a transaction, another world's
   * migration) would make a catch-up stop short of this world's last events.
   */
  async untilReadable(timeoutMs = 10_000): Promise<void> {
    const head = await this.head();
    const deadline = performance.now() + timeoutMs;
    while (compareLogPositions(await this.store.readableHead(), head) < 0) {
      if (performance.now() > deadline) {
        throw new Error(`the log's head was not readable within ${timeoutMs} ms: a transaction stays open`);
      }
      await delay(5);
    }
  }

  get manager() {
    return this.dataSource.manager;
  }

  /** Decides a task command on the task's stream and appends the events; null when it changed nothing. */
  async task(command: TaskCommand): Promise<AppendResult | null> {
    const stream = taskStreamId(command.data.taskId);
    const history = await this.store.readStream(stream);
    const state = history.reduce(
      (folded, e) => evolve(folded, { type: e.type, data: e.data } as TaskEvent, e.metadata.occurredAt),
      initialState(),
    );
    const events = decide(command, state);
    if (events.length === 0) return null;
    return this.append(stream, events, command.metadata.actor, command.metadata.now, history.length);
  }

  /**
   * Appends events already decided, as `actor` at `occurredAt`, to a stream holding
   * `streamVersion` events: also events a decider would refuse now, for logs written otherwise.
   */
  async append(
    stream: string,
    events: readonly { type: string; data: unknown }[],
    actor: { readonly personId: string; readonly agencyCode: string },
    occurredAt: string,
    streamVersion: number,
  ): Promise<AppendResult> {
    return this.store.append(
      stream,
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: { actor: { personId: actor.personId, agencyCode: actor.agencyCode }, occurredAt },
      })),
      streamVersion === 0 ? ExpectedVersion.noStream : ExpectedVersion.exact(streamVersion),
    );
  }

  async issuePlan(command: IssuePlan): Promise<AppendResult> {
    const [event] = decidePlan(command, initialPlanState());
    if (!event) throw new Error('the plan was not issued');
    return this.append(
      planStreamId(command.data.planId),
      [event],
      command.metadata.actor,
      command.metadata.now,
      0,
    );
  }

  /** The log position of the newest event. */
  async head(): Promise<LogPosition> {
    const head = await this.store.headPosition();
    return head === 0n ? START_OF_LOG : ((await this.store.logPositionOf(head)) ?? START_OF_LOG);
  }

  /** Every row of every projection table (and the task states), in a stable order. */
  async snapshot(tables: readonly string[] = EVERY_PROJECTION_TABLE): Promise<Record<string, unknown[]>> {
    const result: Record<string, unknown[]> = {};
    for (const table of tables) {
      const rows = await this.pool.query<{ row: unknown }>(
        `select to_jsonb(t) as row from ${this.schema}.${table} t order by to_jsonb(t)::text`,
      );
      result[table] = rows.rows.map((r) => r.row);
    }
    return result;
  }

  async checkpoints(): Promise<Record<string, { version: number; position: string }>> {
    const rows = await this.pool.query<{ projection_name: string; version: number; global_position: string }>(
      `select projection_name, version, global_position::text as global_position
       from ${this.schema}.projection_checkpoints order by projection_name`,
    );
    return Object.fromEntries(
      rows.rows.map((row) => [row.projection_name, { version: row.version, position: row.global_position }]),
    );
  }

  async dispose(dropSchema: boolean): Promise<void> {
    await this.dataSource.destroy();
    if (dropSchema) await this.pool.query(`drop schema if exists ${this.schema} cascade`);
  }
}

/** The deadline-timers projection's tables (ADR 0022, 0023, 0028). */
export const DEADLINE_TABLES = [
  'deadline_timers',
  'deadline_notices',
  'task_outcomes',
  'deadline_plans',
  'deadline_holiday_amendments',
] as const;

/**
 * The projection tables that are a function of the log alone. The deadline tables are not: the
 * firer marks the timers it fires (`fired_at`, `outcome`, ADR 0022), which a rebuild does not
 * replay, so they equal a rebuild's only where no firer ran (the projections contract).
 */
export const PROJECTION_TABLES = [
  'plans',
  'tasks',
  'responsibilities',
  'outstanding_tasks',
  'task_trail',
  'plan_progress',
  'agency_tasks',
  'agency_intervals',
  'agency_interval_events',
  'agency_interval_tasks',
  'projection_task_states',
] as const;

/** Every projection table: what `World.snapshot` compares unless told (no firer runs there). */
export const EVERY_PROJECTION_TABLE = [...DEADLINE_TABLES, ...PROJECTION_TABLES] as const;
