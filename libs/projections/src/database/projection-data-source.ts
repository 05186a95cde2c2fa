import pg from 'pg';
import { DataSource, type MixedList } from 'typeorm';
import { assertSchemaName } from '#libs/event-store';
import { allProjectionEntities } from '../all-projections.js';
import { migrateProjections } from './projection-migrations.js';

export interface ProjectionDataSourceOptions {
  /** The pool the rest of the process uses; the DataSource borrows it and never ends it. */
  readonly pool: pg.Pool;
  /** Schema of every projection table (default 'coord', beside the event store). */
  readonly schema?: string;
  /** Entities to map; defaults to allProjectionEntities (every projection's and the runner's). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities?: MixedList<Function | string>;
  /** Log every SQL statement TypeORM sends (debugging). */
  readonly logging?: boolean;
}

/**
 * A TypeORM DataSource over an existing pg.Pool. TypeORM's PostgresDriver builds its pool with
 * `new driver.Pool(options)` and ends it on destroy; the driver given here hands back a view of
 * the shared pool whose `end` does nothing, so destroying the DataSource leaves the pool to its
 * owner (who also owns the embedded database behind it).
 *
 * The schema is managed by explicit SQL migrations (migrateProjections), never by `synchronize`.
 * The DataSource is returned uninitialised; openProjectionDataSource initialises and migrates it.
 */
export function createProjectionDataSource(options: ProjectionDataSourceOptions): DataSource {
  const schema = assertSchemaName(options.schema ?? 'coord');
  const borrowed = new BorrowedPool(options.pool);
  const driver = {
    ...pg,
    Pool: function BorrowedPoolFactory(): BorrowedPool {
      return borrowed;
    },
  };
  return new DataSource({
    type: 'postgres',
    driver,
    schema,
    entities: options.entities ?? [...allProjectionEntities],
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    // Entities use no uuid generation nor extension types; never try CREATE EXTENSION.
    installExtensions: false,
    logging: options.logging ?? false,
  });
}

/** Creates the DataSource, initialises it and applies pending projection migrations. */
export async function openProjectionDataSource(options: ProjectionDataSourceOptions): Promise<DataSource> {
  const dataSource = createProjectionDataSource(options);
  await dataSource.initialize();
  try {
    await migrateProjections(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

type ConnectCallback = (
  error: Error | undefined,
  client: pg.PoolClient | undefined,
  release: (error?: Error | boolean) => void,
) => void;
type PoolListener = (...args: unknown[]) => void;
type PoolEvent = Parameters<pg.Pool['on']>[0];

/**
 * What TypeORM's PostgresDriver uses of a pool (connect, on('error'), end), delegated to the
 * shared pool, except `end`, which only detaches the listeners TypeORM added.
 */
class BorrowedPool {
  private readonly listeners: [PoolEvent, PoolListener][] = [];

  constructor(private readonly pool: pg.Pool) {}

  connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (!callback) return this.pool.connect();
    this.pool.connect((error, client, done) => callback(error, client, done));
  }

  query(...args: Parameters<pg.Pool['query']>): ReturnType<pg.Pool['query']> {
    const query = this.pool.query as (...a: unknown[]) => ReturnType<pg.Pool['query']>;
    return query.apply(this.pool, args);
  }

  on(event: PoolEvent, listener: PoolListener): this {
    this.listeners.push([event, listener]);
    this.pool.on(event, listener);
    return this;
  }

  get totalCount(): number {
    return this.pool.totalCount;
  }

  get idleCount(): number {
    return this.pool.idleCount;
  }

  get waitingCount(): number {
    return this.pool.waitingCount;
  }

  end(callback?: (error?: Error) => void): Promise<void> | void {
    for (const [event, listener] of this.listeners.splice(0)) this.pool.off(event, listener);
    if (callback) {
      callback();
      return;
    }
    return Promise.resolve();
  }
}
