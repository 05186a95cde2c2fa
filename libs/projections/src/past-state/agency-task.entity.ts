import { Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The index behind an agency's past state: every task the agency is or was a party to (assignee,
 * lead, handoff sender or receiver). A task's parties only grow, so the rows of today name every
 * task the agency may have held at any past instant; the past state folds those tasks' streams.
 */
@Entity({ name: 'agency_tasks' })
@Index('agency_tasks_task', ['taskId'])
export class AgencyTaskRow {
  @PrimaryColumn({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @PrimaryColumn({ name: 'task_id', type: 'text' })
  taskId!: string;

  @PrimaryColumn({ name: 'plan_id', type: 'text' })
  planId!: string;
}
