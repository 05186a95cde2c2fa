import { In, type EntityManager } from 'typeorm';
import { taskTitle, type TaskState, type TaskTitle } from '#libs/tasks';
import { ProjectionTaskStateRow } from '../framework/task-state.entity.js';
import type { KeyValues } from '../framework/paging.js';
import { TaskRow } from './task.entity.js';

/**
 * A task as answered: its row, titled for people (libs/tasks taskTitle) with the plan's clause and
 * the party heading it was recorded under. The row keeps the title as recorded, so no rebuild.
 */
export type TaskView = Omit<TaskRow, 'title'> & TaskTitle;

export function taskView(row: TaskRow): TaskView {
  return { ...row, ...taskTitle(row) };
}

export async function getTask(manager: EntityManager, taskId: string): Promise<TaskView | null> {
  const row = await manager.findOne(TaskRow, { where: { taskId } });
  return row ? taskView(row) : null;
}

/** The tasks of a plan, by due date then id. */
export async function listPlanTasks(manager: EntityManager, planId: string): Promise<TaskView[]> {
  const rows = await manager.find(TaskRow, { where: { planId }, order: { dueDate: 'ASC', taskId: 'ASC' } });
  return rows.map(taskView);
}

/** A plan task's place in the plan's list: due date, then task id; the cursor's name and types. */
export const PLAN_TASK_KEY = {
  kind: 'plan-tasks',
  types: ['date', 'text'],
  keyOf: (row: Pick<TaskRow, 'dueDate' | 'taskId'>): KeyValues => [row.dueDate, row.taskId],
} as const;

/**
 * Up to `limit` tasks of a plan after a key, by due date then id, along the index
 * (plan_id, due_date, task_id): one batch of a keyset page.
 */
export async function planTasksAfter(
  manager: EntityManager,
  planId: string,
  after: KeyValues | undefined,
  limit: number,
): Promise<TaskView[]> {
  const query = manager.createQueryBuilder(TaskRow, 't').where('t.planId = :planId', { planId });
  if (after) {
    query.andWhere('(t.dueDate, t.taskId) > (CAST(:due AS date), :taskId)', {
      due: after[0],
      taskId: after[1],
    });
  }
  const rows = await query.orderBy('t.dueDate', 'ASC').addOrderBy('t.taskId', 'ASC').limit(limit).getMany();
  return rows.map(taskView);
}

/** How many tasks a plan has. */
export function countPlanTasks(manager: EntityManager, planId: string): Promise<number> {
  return manager.count(TaskRow, { where: { planId } });
}

/**
 * A task's folded state as the projections have reached it (libs/tasks `evolve`, with its parties),
 * for the access policy to decide who may read it; null when the projections know no such task.
 */
export async function getTaskState(manager: EntityManager, taskId: string): Promise<TaskState | null> {
  const row = await manager.findOne(ProjectionTaskStateRow, { where: { taskId } });
  return row ? row.state : null;
}

/** The folded states of the given tasks, by task id (those the projections know). */
export async function getTaskStates(
  manager: EntityManager,
  taskIds: readonly string[],
): Promise<Map<string, TaskState>> {
  if (taskIds.length === 0) return new Map();
  const rows = await manager.find(ProjectionTaskStateRow, { where: { taskId: In([...taskIds]) } });
  return new Map(rows.map((row) => [row.taskId, row.state]));
}

/** Whether the agency is or was a party (assignee, handoff sender or receiver) to a task of the plan. */
export async function isPartyToPlan(
  manager: EntityManager,
  planId: string,
  agencyCode: string,
): Promise<boolean> {
  const found = await manager
    .createQueryBuilder(ProjectionTaskStateRow, 'state')
    .innerJoin(TaskRow, 'task', 'task.taskId = state.taskId')
    .where('task.planId = :planId', { planId })
    .andWhere(`(state.state -> 'parties') @> jsonb_build_array(cast(:agencyCode as text))`, { agencyCode })
    .limit(1)
    .getCount();
  return found > 0;
}
