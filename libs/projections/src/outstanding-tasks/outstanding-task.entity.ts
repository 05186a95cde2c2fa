import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AssigneeRole } from '#libs/tasks';
import type { OutstandingState } from './outstanding-states.js';

/** What an agency still owes: one row per open task it holds and has not completed. */
@Entity({ name: 'outstanding_tasks' })
@Index('outstanding_tasks_task', ['taskId'])
@Index('outstanding_tasks_due', ['agencyCode', 'dueDate', 'taskId'])
@Index('outstanding_tasks_state', ['agencyCode', 'stateRank', 'dueDate', 'taskId'])
export class OutstandingTaskRow {
  @PrimaryColumn({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  @Column({ name: 'plan_id', type: 'text' })
  planId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  role!: AssigneeRole;

  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ type: 'text' })
  state!: OutstandingState;

  /** Position of `state` in OUTSTANDING_STATES, to sort by state. */
  @Column({ name: 'state_rank', type: 'smallint' })
  stateRank!: number;
}
