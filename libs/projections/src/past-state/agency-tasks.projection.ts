import type { EntityManager } from 'typeorm';
import {
  taskChanges,
  type Projection,
  type ProjectionEvent,
  type TaskChange,
} from '../framework/projection.js';
import { applyTaskRowSet, type TaskRowSet } from '../framework/task-row-set.js';
import { AgencyTaskRow } from './agency-task.entity.js';

/** A task's index rows after a change: one per agency that is or was a party, never removed. */
export function evolveAgencyTasks(rows: readonly AgencyTaskRow[], change: TaskChange): AgencyTaskRow[] {
  const task = change.after;
  if (task.status === 'none') return [...rows];
  const known = new Set(rows.map((row) => row.agencyCode));
  const added = task.parties
    .filter((agencyCode) => !known.has(agencyCode))
    .map((agencyCode) => ({ agencyCode, taskId: task.taskId, planId: task.planId }));
  return [...rows, ...added];
}

const rows: TaskRowSet<AgencyTaskRow> = {
  entity: AgencyTaskRow,
  key: ['agencyCode', 'taskId', 'planId'],
  evolve: evolveAgencyTasks,
};

/** For each agency, the tasks it is or was a party to: what its past state folds. */
export const agencyTasksProjection: Projection = {
  name: 'agency-tasks',
  version: 1,
  entities: [AgencyTaskRow],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    await applyTaskRowSet(rows, taskChanges(events), manager);
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(AgencyTaskRow).execute();
  },
};

/** The ids of the tasks the agency is or was a party to. */
export async function tasksOfAgency(manager: EntityManager, agencyCode: string): Promise<string[]> {
  const table = manager.connection.getMetadata(AgencyTaskRow).tablePath;
  const found = await manager.query<{ task_id: string }[]>(
    `select distinct task_id from ${table} where agency_code = $1`,
    [agencyCode],
  );
  return found.map((row) => row.task_id);
}
