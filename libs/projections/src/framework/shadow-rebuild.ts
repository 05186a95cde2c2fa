import pg from 'pg';
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
  /** The embedded database has one connection and one owner: no advisory lock is taken there. */
  readonly databaseKind: 'postgres' | 'embedded';
  /** Schema of the live projection tables. */
  readonly schema: string;
  readonly store: EventStore;
  readonly projections: readonly Projection[];
  /** Events per replay transaction (the runner's default unless given). */
  readonly batchSize?: number;
  readonly logger?: ProjectionRunnerLogger;
  readonly onProgress?: (progress: ShadowRebuildProgress) => void;
  /** How long the swap waits for each live table's lock before it lets go and retries (ms). */
  readonly swapLockTimeoutMs?: number;
}

export type ShadowRebuildStage = 'preparing' | 'replaying' | 'indexing' | 'catching up' | 'swapping';

export interface ShadowRebuildProgress extends ReplayProgress {
  readonly stage: ShadowRebuildStage;
}

/** Tries at swapping before giving up when the live projections keep moving ahead of the shadow. */
const SWAP_ATTEMPTS = 5;
const SWAP_LOCK_TIMEOUT_MS = 2_000;
/** Marks a `<schema>_rebuild` schema as a shadow this code made: only such a leftover is dropped. */
const SHADOW_MARK = 'coord shadow rebuild';
const quote = (name: string) => pg.escapeIdentifier(name);

/**
 * Rebuilds every projection and the task state from zero into shadow tables, then swaps them in
 * atomically: the API keeps reading (and the live runner keeps writing) the old rows meanwhile,
 * and sees the new ones all at once (ADR 0045).
 *
 * 1. `<schema>_rebuild` (a leftover of a rebuild that died is dropped first, only if it carries
 *    our mark) is created, marked, and migrated with every
 *    projection table, made UNLOGGED (nothing reads it and a crash restarts the rebuild from
 *    zero, so its writes need no WAL), and its secondary indexes are dropped except those a
 *    projection loads its rows by (leading with task_id): a bulk build at the end is cheaper than
 *    keeping them up to date through every upsert.
 * 2. A ProjectionRunner replays the whole log into it.
 * 3. The tables are made LOGGED again, the dropped indexes built and the tables analysed.
 * 4. The shadow catches up with the log, then one transaction locks the live checkpoints (the live
 *    runner's next batch waits), checks that no shadow checkpoint is behind its live one (else it
 *    lets go, catches up again and retries), moves each live table out and its shadow in
 *    (`alter table ... set schema`) and drops the old ones. DDL is transactional: readers see the
 *    old tables or the new ones, never a mix; a statement waiting for a moved table's lock finds
 *    the new table by its name once it gets it. The swap refuses tables built by another
 *    migration or projection version than the live ones', and waits at most `swapLockTimeoutMs`
 *    for each lock (a long reader then costs a retry, not a stall of everything behind it).
 *
 * On failure the shadow schema is dropped and the error rethrown; the live tables are untouched.
 */
export async function rebuildAllInShadow(options: ShadowRebuildOptions): Promise<void> {
  const live = assertSchemaName(options.schema);
  const shadow = assertSchemaName(`${live}_rebuild`);
  const report = options.onProgress;
  report?.({ stage: 'preparing', events: 0, position: START_OF_LOG });
  const guard = await holdRebuildLock(options.pool, options.databaseKind, live);
  let dataSource: DataSource | undefined;
  let ownsShadow = false;
  try {
    await dropLeftoverShadow(options.pool, shadow);
    await options.pool.query(`create schema ${shadow}`);
    ownsShadow = true;
    await options.pool.query(`comment on schema ${shadow} is '${SHADOW_MARK}'`);
    dataSource = await openProjectionDataSource({ pool: options.pool, schema: shadow });
    const tables = await shadowTables(options.pool, shadow);
    for (const table of tables)
      await options.pool.query(`alter table ${shadow}.${quote(table)} set unlogged`);
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
    for (const table of tables) await options.pool.query(`alter table ${shadow}.${quote(table)} set logged`);
    for (const definition of deferred) await options.pool.query(definition);
    // The swapped-in tables come with statistics: the planner needs not wait for autovacuum.
    for (const table of tables) await options.pool.query(`analyze ${shadow}.${quote(table)}`);

    for (let attempt = 1; ; attempt++) {
      report?.({ stage: 'catching up', events: applied, position: position ?? START_OF_LOG });
      await catchUp('catching up');
      report?.({ stage: 'swapping', events: applied, position: position ?? START_OF_LOG });
      const swapped = await swap(options.pool, live, shadow, tables, {
        lastAttempt: attempt === SWAP_ATTEMPTS,
        lockTimeoutMs: options.swapLockTimeoutMs ?? SWAP_LOCK_TIMEOUT_MS,
      });
      if (swapped) return;
    }
  } finally {
    try {
      await dataSource?.destroy();
    } finally {
      // After a swap the shadow schema is empty (dropped with it); after a failure it goes here.
      if (ownsShadow)
        await options.pool.query(`drop schema if exists ${shadow} cascade`).catch(() => undefined);
      await guard.release();
    }
  }
}

/** Drops a shadow schema a rebuild that died left behind; refuses one it did not make. */
async function dropLeftoverShadow(pool: pg.Pool, shadow: string): Promise<void> {
  const { rows } = await pool.query<{ mark: string | null }>(
    `select obj_description(oid, 'pg_namespace') as mark from pg_namespace where nspname = $1`,
    [shadow],
  );
  if (rows.length === 0) return;
  if (rows[0]!.mark !== SHADOW_MARK) {
    throw new Error(
      `Rebuild: schema ${shadow} exists and is not a rebuild's shadow (no '${SHADOW_MARK}' comment); ` +
        'it is left as it is, and so are the live tables: rename or drop it, then rebuild again',
    );
  }
  await pool.query(`drop schema ${shadow} cascade`);
}

/**
 * One shadow rebuild per schema at a time: a second one would drop the first one's shadow tables.
 * On PostgreSQL a connection holds a session advisory lock for the whole rebuild (released by the
 * server if the process dies). The embedded database (one connection, whose data directory has
 * one owner process) cannot spare a connection, and needs none.
 */
async function holdRebuildLock(
  pool: pg.Pool,
  kind: ShadowRebuildOptions['databaseKind'],
  live: string,
): Promise<{ release(): Promise<void> }> {
  if (kind === 'embedded') return { release: () => Promise.resolve() };
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
  for (const row of rows) await pool.query(`drop index ${shadow}.${quote(row.name)}`);
  return rows.map((row) => row.definition);
}

/**
 * One transaction: lock the live checkpoints and migrations, refuse tables built by another
 * version of the code, and unless a shadow checkpoint is behind its live one or a lock is not
 * granted in time (false: the caller catches up and tries again; on the last attempt, an error),
 * move the live tables out, the shadow's in, and drop the old ones.
 */
async function swap(
  pool: pg.Pool,
  live: string,
  shadow: string,
  tables: readonly string[],
  options: { lastAttempt: boolean; lockTimeoutMs: number },
): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    try {
      // Each lock below is waited for this long at most: a long reader of one table would
      // otherwise hold the live runner (waiting behind the checkpoints' lock) for as long.
      await client.query(`select set_config('lock_timeout', $1, true)`, [`${options.lockTimeoutMs}ms`]);
      const { rows: present } = await client.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = $1 and tablename = any($2::text[])`,
        [live, [...tables, 'projection_migrations']],
      );
      const liveTables = new Set(present.map((row) => row.tablename));
      // The lock the migrations take: no live migration runs while the versions are compared.
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [
        `coord-projection-migrations:${live}`,
      ]);
      if (liveTables.has('projection_checkpoints')) {
        await client.query(`lock table ${live}.projection_checkpoints in access exclusive mode`);
      }
      if (liveTables.has('projection_migrations')) {
        await refuseOtherVersions(client, live, shadow, liveTables.has('projection_checkpoints'));
      }
      if (liveTables.has('projection_checkpoints')) {
        const behind = await behindLive(client, live, shadow);
        if (behind.length > 0) {
          if (options.lastAttempt) {
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
        if (liveTables.has(table))
          await client.query(`alter table ${live}.${quote(table)} set schema ${old}`);
        await client.query(`alter table ${shadow}.${quote(table)} set schema ${live}`);
      }
      await client.query(`drop schema ${old} cascade`);
      // Readers waiting for a checkpoint (read-your-writes) look again at once.
      await client.query('select pg_notify($1, $2)', [checkpointChannel(live), '']);
      await client.query('commit');
      return true;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if (!isLockNotAvailable(error)) throw error;
      if (options.lastAttempt) {
        throw new Error(
          `Rebuild: the live tables stayed locked by other transactions (a long reader?) through ` +
            `${SWAP_ATTEMPTS} attempts at swapping them in, waiting ${options.lockTimeoutMs} ms for ` +
            'each lock; the live tables are unchanged',
          { cause: error },
        );
      }
      return false;
    }
  } finally {
    client.release();
  }
}

/** lock_not_available: a lock was not granted within lock_timeout. */
function isLockNotAvailable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';
}

/**
 * Throws unless the live tables were built by the same migrations and projection versions as the
 * shadow's: an older or newer rebuild than the running API would swap in tables of another shape
 * (never repaired) or rows the API's runner resets or leaves alone.
 */
async function refuseOtherVersions(
  client: pg.PoolClient,
  live: string,
  shadow: string,
  liveHasCheckpoints: boolean,
): Promise<void> {
  const migration = async (schema: string) => {
    const { rows } = await client.query<{ version: number | null }>(
      `select max(version) as version from ${schema}.projection_migrations`,
    );
    return rows[0]?.version ?? 0;
  };
  const [liveMigration, shadowMigration] = [await migration(live), await migration(shadow)];
  const refuse = (what: string) => {
    throw new Error(
      `Rebuild: ${what}: the rebuild and the running projections are different versions of the code; ` +
        'rebuild with the version the API runs. The live tables are unchanged',
    );
  };
  if (liveMigration !== shadowMigration) {
    refuse(
      `the live projection tables are at migration ${liveMigration}, the rebuilt ones at ${shadowMigration}`,
    );
  }
  if (!liveHasCheckpoints) return;
  const versions = async (schema: string) => {
    const { rows } = await client.query<{ name: string; version: number }>(
      `select projection_name as name, version from ${schema}.projection_checkpoints order by projection_name`,
    );
    return new Map(rows.map((row) => [row.name, row.version]));
  };
  const [liveVersions, shadowVersions] = [await versions(live), await versions(shadow)];
  const differing = [...liveVersions]
    .filter(([name, version]) => shadowVersions.has(name) && shadowVersions.get(name) !== version)
    .map(([name, version]) => `${name} is at version ${version} live, ${shadowVersions.get(name)} rebuilt`);
  if (differing.length > 0) refuse(differing.join('; '));
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
