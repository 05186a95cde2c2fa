import type pg from 'pg';
import type { EntityManager } from 'typeorm';

/** A name for each statement text, in the order first asked for: the same text, the same name. */
const names = new Map<string, string>();

/** The number of distinct texts named at most; past it, a statement is sent unnamed. */
const MAX_NAMED = 200;

/**
 * Runs a read as a named prepared statement on the manager's connection: PostgreSQL parses and
 * plans it once per connection instead of on every call (on the hottest reads the planning cost
 * as much as executing, bench:outstanding; ADR 0034). Each distinct text gets its own name, so a
 * caller building its SQL from a few fixed pieces gets one statement per variant; texts built
 * from values would not be reused and must not come here (their values go in `params`).
 * In a transaction the manager's own connection runs it; otherwise a connection of the pool.
 */
export async function preparedQuery<Row>(
  manager: EntityManager,
  text: string,
  params: readonly unknown[],
): Promise<Row[]> {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `coord_read_${names.size + 1}`;
    names.set(text, name);
  }
  if (name === undefined) return manager.query<Row[]>(text, [...params]);
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as pg.PoolClient;
    const result = await client.query<Row & pg.QueryResultRow>({ name, text, values: [...params] });
    return result.rows;
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}
