import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { isoTimestamp } from '../database/columns.js';
import type { TaskState } from '#libs/tasks';
import type { OutstandingTaskRow } from '../outstanding-tasks/outstanding-task.entity.js';
import type { ResponsibilityRow } from '../responsibilities/responsibility.entity.js';
import type { TimeAxis } from './past-state.js';

/**
 * What one task meant for one agency over an interval of one time axis: the agency's
 * responsibility row and outstanding row in the fold of the task's events up to any instant in
 * [from, until). An agency's past state reads only the rows whose interval holds the instant
 * (docs/adr/0029-agency-past-states-as-intervals.md).
 */
@Entity({ name: 'agency_intervals' })
@Index('agency_intervals_at', ['agencyCode', 'axis', 'fromAt'])
// A batch continues a task from its open intervals: found without reading its closed ones.
@Index('agency_intervals_open', ['taskId', 'axis'], { where: 'until_at is null' })
export class AgencyIntervalRow {
  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  @PrimaryColumn({ type: 'text' })
  axis!: TimeAxis;

  @PrimaryColumn({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @PrimaryColumn({ name: 'from_at', type: 'timestamptz', transformer: isoTimestamp })
  fromAt!: string;

  /** Null while the interval is open: the rows hold from `fromAt` on. */
  @Column({ name: 'until_at', type: 'timestamptz', nullable: true, transformer: isoTimestamp })
  untilAt!: string | null;

  /** The agency's responsibility rows (one at most in any history the decisions allow). */
  @Column({ type: 'jsonb' })
  responsibilities!: readonly ResponsibilityRow[];

  /** The agency's outstanding rows (one at most, likewise). */
  @Column({ type: 'jsonb' })
  outstanding!: readonly OutstandingTaskRow[];
}

/**
 * The task events the agency intervals were folded from, kept by that projection so that a late
 * entry refolds the task from its own rows: a projection reads nothing but its transaction.
 */
@Entity({ name: 'agency_interval_events' })
export class AgencyIntervalEventRow {
  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  @PrimaryColumn({ name: 'stream_version', type: 'integer' })
  streamVersion!: number;

  /** The recorded event, its bigints as decimal strings. */
  @Column({ type: 'jsonb' })
  event!: StoredRecordedEvent;
}

/**
 * Where the fold of each task stands after the events the projection has stored: the state and
 * responsibility rows after all of them, and their latest time on each axis. A batch whose events
 * all come at or after those times continues the fold from here and from the open intervals; an
 * earlier one (a late entry) refolds the task from `agency_interval_events`.
 */
@Entity({ name: 'agency_interval_tasks' })
export class AgencyIntervalTaskRow {
  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  /** Stream version of the last event folded. */
  @Column({ name: 'stream_version', type: 'integer' })
  streamVersion!: number;

  /** The latest record time among the events folded. */
  @Column({ name: 'known_until', type: 'timestamptz', transformer: isoTimestamp })
  knownUntil!: string;

  /** The latest business time (occurred) among the events folded. */
  @Column({ name: 'valid_until', type: 'timestamptz', transformer: isoTimestamp })
  validUntil!: string;

  /** The task after all the events folded (libs/tasks `evolve`, with their occurred times). */
  @Column({ type: 'jsonb' })
  state!: TaskState;

  /** The responsibility rows after all the events folded (they carry each agency's `since`). */
  @Column({ type: 'jsonb' })
  responsibilities!: readonly ResponsibilityRow[];
}

/** A RecordedEvent as JSON: bigints as decimal strings. */
export interface StoredRecordedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: string;
  readonly transactionId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}
