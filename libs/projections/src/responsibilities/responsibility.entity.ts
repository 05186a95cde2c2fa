import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AssigneeRole, AssignmentStatus, TaskStatus } from '#libs/tasks';
import { isoTimestamp } from '../database/columns.js';

/**
 * What an agency is responsible for: one row per task it currently holds, as lead (chủ trì),
 * support (phối hợp) or requested (đề nghị). A handoff or reassignment moves the row to the new
 * agency; a completed or cancelled task keeps its rows with that task status.
 */
@Entity({ name: 'responsibilities' })
@Index('responsibilities_task', ['taskId'])
@Index('responsibilities_due', ['agencyCode', 'dueDate', 'taskId'])
export class ResponsibilityRow {
  @PrimaryColumn({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  @Column({ name: 'plan_id', type: 'text' })
  planId!: string;

  @Column({ type: 'text' })
  role!: AssigneeRole;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ name: 'task_status', type: 'text' })
  taskStatus!: TaskStatus;

  /** This agency's own progress on the task. */
  @Column({ name: 'assignment_status', type: 'text' })
  assignmentStatus!: AssignmentStatus;

  /** When the agency took the task on (assignment, accepted handoff or reassignment). */
  @Column({ type: 'timestamptz', transformer: isoTimestamp })
  since!: string;
}
