import type pg from 'pg';
import type { DataSource } from 'typeorm';
import {
  assertSchemaName,
  compareLogPositions,
  START_OF_LOG,
  type EventStore,
  type LogPosition,
} from '#libs/event-store';
import { openProjectionDataSource } from '../database/projection-data-source.js';
import type { Projection } from './projection.js';
import {
  checkpointChannel,
  ProjectionRunner,
  type ProjectionRunnerLogger,
  type ReplayProgress,
} from './projection-runner.js';

export interface ShadowRebuildOptions {
  /** The pool of the live projections' database (shadow tables live beside them). */
  readonly pool: pg.Pool;
  /** Schema of the live projection tables. */
  readonly schema: string;
  readonly store: EventStore;
  readonly projections: readonly Projection[];
  /** Events per replay transaction (the runner's default unless given). */
  readonly batchSize?: number;
  readonly logger?: ProjectionRunnerLogger;
  readonly onProgress?: (progress: ShadowRebuildProgress) => void;
}

export type ShadowRebuildStage = 'preparing' | 'replaying' | 'indexing' | 'catching up' | 'swapping';

export interface ShadowRebuildProgress extends ReplayProgress {
  readonly stage: ShadowRebuildStage;
}

/** Tries at swapping before giving up when the live projections keep moving ahead of the shadow. */
const SWAP_ATTEMPTS = 5;

/**
 * Rebuilds every projection and the task state from zero into shadow tables, then swaps them in
 * atomically: the API keeps reading (and the live runner keeps writing) the old rows meanwhile,
 * and sees the new ones all at once (ADR 0045).
 *
 * 1. `<schema>_rebuild` (dropped first: a rebuild that died leaves one) is migrated with every
 *    projection table, made UNLOGGED (nothing reads it and a crash restarts the rebuild from
 *    zero, so its writes need no WAL), and its secondary indexes are dropped except those a
 *    projection loads its rows by (leading with task_id): a bulk build at the end is cheaper than
 *    keeping them up to date through every upsert.
 * 2. A ProjectionRunner replays the whole log into it.
 * 3. The tables are made LOGGED again and the dropped indexes built.
 * 4. The shadow catches up with the log, then one transaction locks the live checkpoints (the live
 *    runner's next batch waits), checks that no shadow checkpoint is behind its live one (else it
 *    lets go, catches up again and retries), moves each live table out and its shadow in
 *    (`alter table ... set schema`) and drops the old ones. DDL is transactional: readers see the
 *    old tables or the new ones, never a mix; a statement waiting for a moved table's lock finds
 *    the new table by its name once it gets it.
 *
 * On failure the shadow schema is dropped and the error rethrown; the live tables are untouched.
 */
export async function rebuildAllInShadow(options: ShadowRebuildOptions): Promise<void> {
  const live = assertSchemaName(options.schema);
  const shadow = assertSchemaName(`${live}_rebuild`);
  const report = options.onProgress;
  report?.({ stage: 'preparing', events: 0, position: START_OF_LOG });
  const guard = await holdRebuildLock(options.pool, live);
  let dataSource: DataSource | undefined;
  try {
    await options.pool.query(`drop schema if exists ${shadow} cascade`);
    dataSource = await openProjectionDataSource({ pool: options.pool, schema: shadow });
    const tables = await shadowTables(options.pool, shadow);
    for (const table of tables) await options.pool.query(`alter table ${shadow}.${table} set unlogged`);
    const deferred = await dropDeferrableIndexes(options.pool, shadow);

    const runner = new ProjectionRunner({
      dataSource,
      store: options.store,
      projections: options.projections,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    let applied = 0;
    let position: LogPosition | undefined;
    const progress = (stage: ShadowRebuildStage) => (step: ReplayProgress) => {
      position = step.position;
      report?.({ stage, events: applied + step.events, position: step.position });
    };
    const catchUp = async (stage: ShadowRebuildStage) => {
      let events = 0;
      await runner.catchUp({
        onProgress: (step) => {
          events = step.events;
          progress(stage)(step);
        },
      });
      applied += events;
    };

    report?.({ stage: 'replaying', events: 0, position: START_OF_LOG });
    await catchUp('replaying');
    report?.({ stage: 'indexing', events: applied, position: position ?? START_OF_LOG });
    for (const table of tables) await options.pool.query(`alter table ${shadow}.${table} set logged`);
    for (const definition of deferred) await options.pool.query(definition);

    for (let attempt = 1; ; attempt++) {
      report?.({ stage: 'catching up', events: applied, position: position ?? START_OF_LOG });
      await catchUp('catching up');
      report?.({ stage: 'swapping', events: applied, position: position ?? START_OF_LOG });
      const swapped = await swap(options.pool, live, shadow, tables, attempt === SWAP_ATTEMPTS);
      if (swapped) return;
    }
  } finally {
    await dataSource?.destroy();
    // After a swap the shadow schema is empty (dropped with it); after a failure it goes here.
    await options.pool.query(`drop schema if exists ${shadow} cascade`).catch(() => undefined);
    await guard.release();
  }
}

/**
 * One shadow rebuild per schema at a time: a second one would drop the first one's shadow tables.
 * On PostgreSQL a connection holds a session advisory lock for the whole rebuild (released by the
 * server if the process dies). A pool of one connection (the embedded database, whose data
 * directory has one owner process) cannot spare one, and needs none.
 */
async function holdRebuildLock(pool: pg.Pool, live: string): Promise<{ release(): Promise<void> }> {
  if ((pool.options.max ?? 10) <= 1) return { release: () => Promise.resolve() };
  const key = `coord-shadow-rebuild:${live}`;
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock(hashtext($1)) as locked',
      [key],
    );
    if (!rows[0]!.locked) {
      throw new Error(
        `Rebuild: another rebuild of schema ${live} is under way; the live tables are unchanged`,
      );
    }
  } catch (error) {
    client.release();
    throw error;
  }
  return {
    async release() {
      try {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
        client.release();
      } catch (error) {
        // A connection whose unlock failed is not handed out again with the lock held.
        client.release(error instanceof Error ? error : true);
      }
    },
  };
}

/** The shadow's projection tables: every table of its schema but the migrations' bookkeeping. */
async function shadowTables(pool: pg.Pool, shadow: string): Promise<string[]> {
  const { rows } = await pool.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = $1 and tablename <> 'projection_migrations'
     order by tablename`,
    [shadow],
  );
  return rows.map((row) => row.tablename);
}

/**
 * Drops the shadow's secondary indexes that no projection reads by while it applies (the readers'
 * indexes: by agency, due date, plan...) and returns the statements that build them again.
 * Unique indexes (the upserts' conflict targets) and indexes leading with task_id (the loads of
 * a batch's tasks) stay.
 */
async function dropDeferrableIndexes(pool: pg.Pool, shadow: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string; definition: string }>(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i
     join pg_class c on c.oid = i.indexrelid
     join pg_class t on t.oid = i.indrelid
     join pg_namespace n on n.oid = t.relnamespace
     left join pg_attribute a on a.attrelid = t.oid and a.attnum = i.indkey[0]
     where n.nspname = $1 and not i.indisunique and coalesce(a.attname, '') <> 'task_id'
     order by c.relname`,
    [shadow],
  );
  for (const row of rows) await pool.query(`drop index ${shadow}.${row.name}`);
  return rows.map((row) => row.definition);
}

/**
 * One transaction: lock the live checkpoints, and unless a shadow checkpoint is behind its live
 * one (false: the caller catches up and tries again; on the last attempt, an error), move the
 * live tables out, the shadow's in, and drop the old ones.
 */
async function swap(
  pool: pg.Pool,
  live: string,
  shadow: string,
  tables: readonly string[],
  lastAttempt: boolean,
): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    try {
      const { rows: present } = await client.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = $1 and tablename = any($2::text[])`,
        [live, tables],
      );
      const liveTables = new Set(present.map((row) => row.tablename));
      if (liveTables.has('projection_checkpoints')) {
        await client.query(`lock table ${live}.projection_checkpoints in access exclusive mode`);
        const behind = await behindLive(client, live, shadow);
        if (behind.length > 0) {
          if (lastAttempt) {
            throw new Error(
              `Rebuild: the live projections kept moving ahead of the rebuilt ones (${behind.join(', ')}) ` +
                `after ${SWAP_ATTEMPTS} attempts at swapping them in; the live tables are unchanged`,
            );
          }
          await client.query('rollback');
          return false;
        }
      }
      const old = assertSchemaName(`${live}_replaced`);
      await client.query(`drop schema if exists ${old} cascade`);
      await client.query(`create schema ${old}`);
      for (const table of tables) {
        if (liveTables.has(table)) await client.query(`alter table ${live}.${table} set schema ${old}`);
        await client.query(`alter table ${shadow}.${table} set schema ${live}`);
      }
      await client.query(`drop schema ${old} cascade`);
      // Readers waiting for a checkpoint (read-your-writes) look again at once.
      await client.query('select pg_notify($1, $2)', [checkpointChannel(live), '']);
      await client.query('commit');
      return true;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

/** Names of the checkpoints the shadow has not reached yet (live ones further on). */
async function behindLive(client: pg.PoolClient, live: string, shadow: string): Promise<string[]> {
  const read = async (schema: string) => {
    const { rows } = await client.query<{ name: string; tx: string; position: string }>(
      `select projection_name as name, transaction_id::text as tx, global_position::text as position
       from ${schema}.projection_checkpoints`,
    );
    return new Map(
      rows.map((row) => [
        row.name,
        { transactionId: BigInt(row.tx), globalPosition: BigInt(row.position) } satisfies LogPosition,
      ]),
    );
  };
  const [liveCheckpoints, shadowCheckpoints] = [await read(live), await read(shadow)];
  const behind: string[] = [];
  for (const [name, position] of shadowCheckpoints) {
    const current = liveCheckpoints.get(name);
    if (current && compareLogPositions(position, current) < 0) behind.push(name);
  }
  return behind;
}
