import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * The real PostgreSQL the tests use: the machine's server (CI starts it, see .ci/run) for the
 * first jest worker, a private server for each further one (test/support/global-setup.ts).
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? workerDatabaseUrl();

function workerDatabaseUrl(): string {
  const worker = Number(process.env.JEST_WORKER_ID ?? 1);
  const privateServers = JSON.parse(process.env.COORD_WORKER_DATABASE_URLS ?? '[]') as string[];
  return worker > 1 && privateServers[worker - 2]
    ? privateServers[worker - 2]!
    : 'postgres://postgres@127.0.0.1:5432/test';
}

/** A fresh schema name, so test files running in parallel never see each other's rows. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/**
 * A pool on the test PostgreSQL. A missing server fails the test with a message that says how
 * to start it: tests never skip silently.
 */
export async function connectTestPostgres(max = 24): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max });
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end();
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${String(error)}). ` +
        'Start it (bash .ci/run starts the local server) or set TEST_DATABASE_URL.',
      { cause: error },
    );
  }
  return pool;
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`drop schema if exists ${schema} cascade`);
}
