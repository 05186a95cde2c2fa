import type { EntityManager } from 'typeorm';
import { taskChanges, type Projection, type ProjectionEvent } from '../framework/projection.js';
import { applyTaskRowSet, type TaskRowSet } from '../framework/task-row-set.js';
import { TaskRow } from './task.entity.js';
import { evolveTaskRows } from './tasks.evolve.js';

const rows: TaskRowSet<TaskRow> = { entity: TaskRow, key: ['taskId'], evolve: evolveTaskRows };

/** The tasks lookup table, for /tasks/{id} and a plan's tasks. */
export const tasksProjection: Projection = {
  name: 'tasks',
  version: 1,
  entities: [TaskRow],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    await applyTaskRowSet(rows, taskChanges(events), manager);
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(TaskRow).execute();
  },
};
