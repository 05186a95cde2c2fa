import type { Pool } from 'pg';
import { START_OF_LOG, type LogPosition } from '../event-store.port.js';
import { assertSchemaName, migrate, type Migration } from '../postgres/migrations.js';
import type { CopyJournal, MappedPosition } from './copy-log.js';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'copies of the log between event stores',
    sql: (s) => `
      create table ${s}.store_copies (
        copy_id text primary key,
        source_transaction numeric(20) not null,
        source_position bigint not null,
        updated_at timestamptz not null default now()
      );
      create table ${s}.store_copy_positions (
        copy_id text not null,
        source_position bigint not null,
        target_position bigint not null,
        primary key (copy_id, source_position)
      );`,
  },
];

/**
 * Where a copy between two event stores stands, and the target position of every source position
 * copied (a client's stored position, such as an SSE Last-Event-ID, can be translated with it).
 * Kept in PostgreSQL, which is one side of every copy: beside the projections.
 */
export class PostgresCopyJournal implements CopyJournal {
  private readonly schema: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
    /** e.g. `postgres->kurrentdb`: each direction resumes on its own. */
    readonly copyId: string,
  ) {
    this.schema = assertSchemaName(schema);
  }

  async migrate(): Promise<void> {
    await migrate(this.pool, this.schema, MIGRATIONS, 'store_copy_schema_migrations');
  }

  async load(): Promise<LogPosition> {
    const result = await this.pool.query<{ source_transaction: string; source_position: string }>(
      `select source_transaction::text as source_transaction, source_position::text as source_position
       from ${this.schema}.store_copies where copy_id = $1`,
      [this.copyId],
    );
    const row = result.rows[0];
    return row
      ? { transactionId: BigInt(row.source_transaction), globalPosition: BigInt(row.source_position) }
      : START_OF_LOG;
  }

  async record(copied: readonly MappedPosition[], next: LogPosition): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      if (copied.length > 0) {
        await client.query(
          `insert into ${this.schema}.store_copy_positions (copy_id, source_position, target_position)
           select $1, s, t from unnest($2::bigint[], $3::bigint[]) as p(s, t)
           on conflict (copy_id, source_position) do update set target_position = excluded.target_position`,
          [this.copyId, copied.map((p) => p.source.toString()), copied.map((p) => p.target.toString())],
        );
      }
      await client.query(
        `insert into ${this.schema}.store_copies (copy_id, source_transaction, source_position, updated_at)
         values ($1, $2, $3, now())
         on conflict (copy_id) do update set source_transaction = excluded.source_transaction,
           source_position = excluded.source_position, updated_at = now()`,
        [this.copyId, next.transactionId.toString(), next.globalPosition.toString()],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The target position a source position was copied to, or null. */
  async targetOf(sourcePosition: bigint): Promise<bigint | null> {
    const result = await this.pool.query<{ target_position: string }>(
      `select target_position::text as target_position from ${this.schema}.store_copy_positions
       where copy_id = $1 and source_position = $2`,
      [this.copyId, sourcePosition.toString()],
    );
    const row = result.rows[0];
    return row ? BigInt(row.target_position) : null;
  }
}
