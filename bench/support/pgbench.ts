import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';

/** The connection as libpq's PG* variables, so no password shows in the process list. */
function libpqEnvironment(url: string): Record<string, string> {
  const parsed = new URL(url);
  return {
    PGHOST: parsed.hostname,
    PGPORT: parsed.port || '5432',
    PGUSER: decodeURIComponent(parsed.username),
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)),
    ...(parsed.password ? { PGPASSWORD: decodeURIComponent(parsed.password) } : {}),
  };
}

/**
 * The server's own ceiling for small writes: pgbench runs one-row INSERT transactions (one commit
 * each) from `clients` clients into a scratch table of `schema` (which must exist) for `seconds`,
 * and answers its transactions per second. Needs pgbench (it comes with postgresql-client).
 */
export async function pgbenchInserts(
  pool: pg.Pool,
  databaseUrl: string,
  schema: string,
  clients: number,
  seconds: number,
): Promise<number> {
  await pool.query(
    `create table ${schema}.pgbench_rows (id bigint generated always as identity primary key, v text)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
  const script = join(dir, 'insert.sql');
  writeFileSync(script, `insert into ${schema}.pgbench_rows (v) values ('x');\n`);
  try {
    const args = ['-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds)];
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        'pgbench',
        [...args, '-f', script],
        { timeout: (seconds + 60) * 1000, env: { ...process.env, ...libpqEnvironment(databaseUrl) } },
        (error, stdout, stderr) => {
          if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(new Error('pgbench is not installed (it comes with postgresql-client)'));
          } else if (error) {
            reject(new Error(`pgbench failed: ${stderr || error.message}`));
          } else {
            resolve(stdout);
          }
        },
      );
    });
    const tps = /tps = ([0-9.]+) \(without initial connection time\)/.exec(output)?.[1];
    if (!tps) throw new Error(`pgbench printed no tps:\n${output}`);
    return Number(tps);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pool.query(`drop table if exists ${schema}.pgbench_rows`);
  }
}
