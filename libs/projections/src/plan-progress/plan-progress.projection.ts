import type { EntityManager } from 'typeorm';
import { taskChanges, type Projection, type ProjectionEvent } from '../framework/projection.js';
import { applyTaskRowSet, type TaskRowSet } from '../framework/task-row-set.js';
import { PlanProgressRow } from './plan-progress.entity.js';
import { evolvePlanProgress } from './plan-progress.evolve.js';

const rows: TaskRowSet<PlanProgressRow> = {
  entity: PlanProgressRow,
  key: ['planId', 'agencyCode', 'taskId'],
  evolve: evolvePlanProgress,
};

/** Per plan and agency, the progress state of each task the agency holds. */
export const planProgressProjection: Projection = {
  name: 'plan-progress',
  version: 1,
  entities: [PlanProgressRow],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    await applyTaskRowSet(rows, taskChanges(events), manager);
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(PlanProgressRow).execute();
  },
};
