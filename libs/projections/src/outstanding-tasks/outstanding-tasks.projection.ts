import type { EntityManager } from 'typeorm';
import { taskChanges, type Projection, type ProjectionEvent } from '../framework/projection.js';
import { applyTaskRowSet, type TaskRowSet } from '../framework/task-row-set.js';
import { OutstandingTaskRow } from './outstanding-task.entity.js';
import { evolveOutstandingTasks } from './outstanding-tasks.evolve.js';

const rows: TaskRowSet<OutstandingTaskRow> = {
  entity: OutstandingTaskRow,
  key: ['agencyCode', 'taskId'],
  evolve: evolveOutstandingTasks,
};

/** For each agency, the open tasks it still owes and where it stands on each. */
export const outstandingTasksProjection: Projection = {
  name: 'outstanding-tasks',
  // 2: agencies offered a pending handoff see it ('handoff-offered').
  // 3: a duty read from a plan is titled by its own words (libs/tasks taskTitle), not its party.
  version: 3,
  entities: [OutstandingTaskRow],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    await applyTaskRowSet(rows, taskChanges(events), manager);
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(OutstandingTaskRow).execute();
  },
};
