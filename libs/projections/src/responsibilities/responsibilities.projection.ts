import type { EntityManager } from 'typeorm';
import { taskChanges, type Projection, type ProjectionEvent } from '../framework/projection.js';
import { applyTaskRowSet, type TaskRowSet } from '../framework/task-row-set.js';
import { evolveResponsibilities } from './responsibilities.evolve.js';
import { ResponsibilityRow } from './responsibility.entity.js';

const rows: TaskRowSet<ResponsibilityRow> = {
  entity: ResponsibilityRow,
  key: ['agencyCode', 'taskId'],
  evolve: evolveResponsibilities,
};

/** For each agency, the tasks it leads, supports or is asked to help with. */
export const responsibilitiesProjection: Projection = {
  name: 'responsibilities',
  // 2: a duty read from a plan is titled by its own words (libs/tasks taskTitle), not its party.
  version: 2,
  entities: [ResponsibilityRow],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    await applyTaskRowSet(rows, taskChanges(events), manager);
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(ResponsibilityRow).execute();
  },
};
