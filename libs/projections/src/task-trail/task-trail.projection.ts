import type { EntityManager } from 'typeorm';
import { writeRows } from '../database/json-rows.js';
import { taskChanges, type Projection, type ProjectionEvent } from '../framework/projection.js';
import { trailEntry } from './task-trail.evolve.js';
import { TrailEntryRow } from './trail-entry.entity.js';

/** Every event of every task, in order, with who, for which agency, why, and who was responsible. */
export const taskTrailProjection: Projection = {
  name: 'task-trail',
  version: 1,
  entities: [TrailEntryRow],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    const rows = taskChanges(events).map(trailEntry);
    await writeRows(manager, TrailEntryRow, rows, { conflict: ['globalPosition'], onConflict: 'ignore' });
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(TrailEntryRow).execute();
  },
};
