import type { EntityManager } from 'typeorm';
import { TrailEntryRow } from './trail-entry.entity.js';

export type TrailEntry = TrailEntryRow;

/** A task's trail in log order (global position); empty for an unknown task. */
export async function getTrail(manager: EntityManager, taskId: string): Promise<TrailEntry[]> {
  const rows = await manager
    .createQueryBuilder(TrailEntryRow, 't')
    .where('t.taskId = :taskId', { taskId })
    .orderBy('t.globalPosition', 'ASC')
    .getMany();
  return rows.map((row) => ({ ...row }));
}
