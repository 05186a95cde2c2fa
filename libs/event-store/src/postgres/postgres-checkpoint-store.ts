import type { Pool, PoolClient } from 'pg';
import { START_OF_LOG, type LogPosition } from '../event-store.port.js';
import { assertSchemaName } from './migrations.js';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** Checkpoints of durable subscriptions, kept beside the events. */
export class PostgresCheckpointStore {
  private readonly schema: string;

  constructor(
    private readonly pool: Pool,
    schema = 'coord',
  ) {
    this.schema = assertSchemaName(schema);
  }

  async load(subscriptionId: string, db: Queryable = this.pool): Promise<LogPosition> {
    const result = await db.query<{ transaction_id: string; global_position: string }>(
      `select transaction_id::text as transaction_id, global_position from ${this.schema}.subscriptions
       where subscription_id = $1`,
      [subscriptionId],
    );
    const row = result.rows[0];
    return row
      ? { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) }
      : START_OF_LOG;
  }

  /** Pass a client inside a transaction to store the checkpoint together with other writes. */
  async save(subscriptionId: string, position: LogPosition, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `insert into ${this.schema}.subscriptions (subscription_id, transaction_id, global_position, updated_at)
       values ($1, $2::text::xid8, $3, now())
       on conflict (subscription_id) do update
         set transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()`,
      [subscriptionId, position.transactionId.toString(), position.globalPosition.toString()],
    );
  }

  async reset(subscriptionId: string, db: Queryable = this.pool): Promise<void> {
    await db.query(`delete from ${this.schema}.subscriptions where subscription_id = $1`, [subscriptionId]);
  }
}
