import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './pglite/embedded-postgres.js';

export interface DatabaseOptions {
  /** A PostgreSQL URL; without one the embedded database is used. */
  readonly databaseUrl?: string | undefined;
  /** Where the embedded database keeps its files ('memory' for none). */
  /** A directory, or 'memory' for a throw-away database. */
  readonly dataDir: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
}

/** A connection pool plus how to release everything behind it. */
export interface Database {
  readonly pool: pg.Pool;
  readonly connectionString: string;
  readonly kind: 'postgres' | 'embedded';
  /**
   * Settles when the embedded database's thread ended without `close()`: every query fails from
   * then on, and only a restart mends it (the API logs it and exits). Never for PostgreSQL.
   */
  readonly crashed: Promise<Error>;
  close(): Promise<void>;
}

/** Opens the configured PostgreSQL, or starts the embedded one when no URL is given. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let connectionString = options.databaseUrl;
  let crash: (error: Error) => void = () => undefined;
  const crashed = new Promise<Error>((resolve) => (crash = resolve));
  if (!connectionString) {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, onCrash: (error) => crash(error) });
    connectionString = embedded.connectionString;
  }
  // PGlite is a single backend and its socket server interleaves the protocol messages of
  // concurrent connections, so the embedded database is reached through exactly one connection.
  // A few connections per core serve best; more only add context switches on the server.
  const max = embedded ? 1 : (options.poolSize ?? 10);
  const pool = new pg.Pool({
    connectionString,
    max,
    // A server that does not answer (a partition, a failover in progress) fails the request in
    // seconds, as unavailable, instead of holding it until the client gives up.
    ...(embedded ? {} : { connectionTimeoutMillis: 5_000 }),
    application_name: options.applicationName ?? 'coord',
  });
  // An idle client that loses its server emits here; without a listener Node would crash.
  pool.on('error', () => undefined);
  // A client checked out of the pool (a transaction, a LISTEN) has no pool listener: when its
  // server goes away (pg_terminate_backend, a failover, a restart) it emits 'error', which
  // would kill the process. The failed query rejects anyway and the pool drops the dead
  // client on release, so this listener only keeps the process alive.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  if (embedded) {
    // The pool replaces a connection after a failed query, but PGlite is one backend session:
    // statements the old connection prepared are still there and would collide with the new
    // connection's ("prepared statement ... already exists"). Each new connection starts clean.
    // (Queued first, so it runs before the query that asked for the connection. Only right
    // while the embedded pool has one connection: with more it would drop the others' statements.)
    pool.on('connect', (client) => {
      client.query('deallocate all').catch(() => undefined);
    });
  }
  return {
    pool,
    connectionString,
    kind: embedded ? 'embedded' : 'postgres',
    crashed,
    async close() {
      if (!pool.ending) await pool.end();
      await embedded?.stop();
    },
  };
}
