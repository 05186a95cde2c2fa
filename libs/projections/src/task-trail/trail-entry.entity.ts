import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { isoTimestamp } from '../database/columns.js';

/** One row per task event: the task's history, who did what for which agency, and why. */
@Entity({ name: 'task_trail' })
@Index('task_trail_task', ['taskId', 'globalPosition'])
// Plan indicators read a plan's progress reports by time.
@Index('task_trail_plan_progress', ['planId', 'occurredAt'], { where: `type = 'ProgressReported'` })
export class TrailEntryRow {
  /** The event's global position (bigint as a decimal string); the trail is ordered by it. */
  @PrimaryColumn({ name: 'global_position', type: 'bigint' })
  globalPosition!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'task_id', type: 'text' })
  taskId!: string;

  @Column({ name: 'plan_id', type: 'text' })
  planId!: string;

  @Column({ name: 'stream_version', type: 'integer' })
  streamVersion!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'actor_person_id', type: 'text' })
  actorPersonId!: string;

  /** The agency the person acted for. */
  @Column({ name: 'actor_agency_code', type: 'text' })
  actorAgencyCode!: string;

  /** The agency the event is about (the assignee; a handoff's or reassignment's sender). */
  @Column({ name: 'agency_code', type: 'text', nullable: true })
  agencyCode!: string | null;

  /** A handoff's receiver or a reassignment's new holder. */
  @Column({ name: 'to_agency_code', type: 'text', nullable: true })
  toAgencyCode!: string | null;

  /** Every agency the event concerns (libs/tasks concernedAgencies). */
  @Column({ name: 'concerned_agencies', type: 'jsonb' })
  concernedAgencies!: string[];

  @Column({ name: 'occurred_at', type: 'timestamptz', transformer: isoTimestamp })
  occurredAt!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', transformer: isoTimestamp })
  recordedAt!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /**
   * One line in English with codes, as written when projected; the API answers a summary in the
   * caller's language from `type` and `data` instead (libs/platform i18n trailSummary).
   */
  @Column({ type: 'text' })
  summary!: string;

  /** The responsible agency right after the event (libs/tasks responsibleAgency). */
  @Column({ name: 'responsible_agency', type: 'text', nullable: true })
  responsibleAgency!: string | null;

  /** The event's data as recorded. */
  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}
