import type { EntityManager } from 'typeorm';
import { TaskRow } from './task.entity.js';

export type TaskView = TaskRow;

export async function getTask(manager: EntityManager, taskId: string): Promise<TaskView | null> {
  const row = await manager.findOne(TaskRow, { where: { taskId } });
  return row ? { ...row } : null;
}

/** The tasks of a plan, by due date then id. */
export async function listPlanTasks(manager: EntityManager, planId: string): Promise<TaskView[]> {
  const rows = await manager.find(TaskRow, { where: { planId }, order: { dueDate: 'ASC', taskId: 'ASC' } });
  return rows.map((row) => ({ ...row }));
}
