import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type {
  AssignmentState,
  ExtensionState,
  HandoffState,
  SourceClause,
  TaskKind,
  TaskStatus,
} from '#libs/tasks';
import { isoTimestamp } from '../database/columns.js';

/** One row per task: what the API shows for /tasks/{id} and a plan's task list. */
@Entity({ name: 'tasks' })
@Index('tasks_plan', ['planId', 'dueDate', 'taskId'])
export class TaskRow {
  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  @Column({ name: 'plan_id', type: 'text' })
  planId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  duty!: string;

  @Column({ name: 'source_clause', type: 'jsonb' })
  sourceClause!: SourceClause;

  @Column({ type: 'text' })
  kind!: TaskKind;

  @Column({ name: 'report_year', type: 'integer', nullable: true })
  reportYear!: number | null;

  /** 'YYYY-MM-DD' in Asia/Ho_Chi_Minh; moves when an extension is granted. */
  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ type: 'text' })
  status!: TaskStatus;

  @Column({ name: 'issuer_agency_code', type: 'text' })
  issuerAgencyCode!: string;

  /** The lead, else the sole assignee, else null (libs/tasks responsibleAgency). */
  @Column({ name: 'responsible_agency', type: 'text', nullable: true })
  responsibleAgency!: string | null;

  /** Current assignees in assignment order, each with role and status. */
  @Column({ type: 'jsonb' })
  assignees!: AssignmentState[];

  /** Every handoff ever requested, in request order. */
  @Column({ type: 'jsonb' })
  handoffs!: HandoffState[];

  /** Every extension ever requested, in request order. */
  @Column({ type: 'jsonb' })
  extensions!: ExtensionState[];

  @Column({ name: 'assigned_at', type: 'timestamptz', transformer: isoTimestamp })
  assignedAt!: string;

  /** When the last event happened (its occurredAt). */
  @Column({ name: 'updated_at', type: 'timestamptz', transformer: isoTimestamp })
  updatedAt!: string;

  /** Version of the task stream's last event; a client can compare it with its own writes. */
  @Column({ name: 'stream_version', type: 'integer' })
  streamVersion!: number;
}
