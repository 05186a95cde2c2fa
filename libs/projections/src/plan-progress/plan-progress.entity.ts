import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AssigneeRole, TaskStatus } from '#libs/tasks';
import type { ProgressState } from './progress-states.js';

/**
 * One row per plan, agency and task the agency holds: its progress state. Counts per agency are
 * taken at query time, together with what is overdue as of the instant asked about.
 */
@Entity({ name: 'plan_progress' })
@Index('plan_progress_task', ['taskId'])
export class PlanProgressRow {
  @PrimaryColumn({ name: 'plan_id', type: 'text' })
  planId!: string;

  @PrimaryColumn({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  @Column({ type: 'text' })
  role!: AssigneeRole;

  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ name: 'task_status', type: 'text' })
  taskStatus!: TaskStatus;

  @Column({ type: 'text' })
  state!: ProgressState;
}
