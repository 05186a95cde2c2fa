import { Column, Entity, PrimaryColumn } from 'typeorm';
import { isoTimestamp } from '../database/columns.js';

/**
 * Where each projection stands in the global log, written in the same transaction as its rows.
 * `version` is the projection's code version its rows were built with (0: never built).
 * The runner's shared task state has the row '$task-state'.
 */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointRow {
  @PrimaryColumn({ name: 'projection_name', type: 'text' })
  projectionName!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** bigint, as a decimal string. */
  @Column({ name: 'transaction_id', type: 'bigint' })
  transactionId!: string;

  @Column({ name: 'global_position', type: 'bigint' })
  globalPosition!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()', transformer: isoTimestamp })
  updatedAt!: string;
}
