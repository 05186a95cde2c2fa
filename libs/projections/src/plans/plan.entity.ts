import type { PlanIndicator } from '#libs/shared-kernel';
import type { DeadlinePolicy } from '#libs/tasks';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { isoTimestamp } from '../database/columns.js';

/** A plan's reporting duty as /plans answers it: the cycles without their tasks, counted. */
export interface PlanReportingSummary {
  readonly focalAgencyCode: string | null;
  readonly consolidationLeadDays: number;
  readonly cycles: readonly {
    readonly year: number;
    readonly opensAt: string;
    readonly openedWithPlan: boolean;
    readonly reportTasks: number;
    /** When the parties' reports to the focal agency are due (the earliest, if they differ); null: none. */
    readonly reportsDueOn: string | null;
    /** When the focal agency's consolidated report to the committee is due; null: none. */
    readonly consolidationDueOn: string | null;
  }[];
}

/** One row per issued plan (PlanIssued). */
@Entity({ name: 'plans' })
export class PlanRow {
  @PrimaryColumn({ name: 'plan_id', type: 'text' })
  planId!: string;

  /** As written ('1601/KH-UBND'); null when the document leaves it blank. */
  @Column({ type: 'text', nullable: true })
  number!: string | null;

  @Column({ name: 'document_type', type: 'text' })
  documentType!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'issuer_agency_code', type: 'text' })
  issuerAgencyCode!: string;

  @Column({ type: 'text' })
  jurisdiction!: string;

  /** 'YYYY-MM-DD' (Asia/Ho_Chi_Minh), or null when the document leaves the date blank. */
  @Column({ name: 'issued_on', type: 'date', nullable: true })
  issuedOn!: string | null;

  @Column({ name: 'period_from_year', type: 'integer' })
  periodFromYear!: number;

  @Column({ name: 'period_to_year', type: 'integer' })
  periodToYear!: number;

  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  @Column({ name: 'source_file_name', type: 'text', nullable: true })
  sourceFileName!: string | null;

  @Column({ name: 'issued_by_person_id', type: 'text' })
  issuedByPersonId!: string;

  @Column({ name: 'issued_by_agency_code', type: 'text' })
  issuedByAgencyCode!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', transformer: isoTimestamp })
  occurredAt!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', transformer: isoTimestamp })
  recordedAt!: string;

  /** What the plan measures, with its targets by year ([] for plans issued without). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  indicators!: readonly PlanIndicator[];

  /** How its deadlines act: its own policy, else the default (reminders, escalation steps). */
  @Column({ name: 'deadline_policy', type: 'jsonb', nullable: true })
  deadlinePolicy!: DeadlinePolicy | null;

  /** Its yearly reporting cycles: the focal agency, the lead time, and when each year opens. */
  @Column({ type: 'jsonb', nullable: true })
  reporting!: PlanReportingSummary | null;

  /** Global position of the PlanIssued event (bigint as a decimal string). */
  @Column({ name: 'global_position', type: 'bigint' })
  globalPosition!: string;
}
