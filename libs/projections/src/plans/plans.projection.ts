import { In, type EntityManager } from 'typeorm';
import { planChanges, type Projection, type ProjectionEvent } from '../framework/projection.js';
import { PlanRow } from './plan.entity.js';
import { writeRows } from '../database/json-rows.js';
import { evolvePlan } from './plans.evolve.js';

/** The issued plans, for /plans. */
export const plansProjection: Projection = {
  name: 'plans',
  // 2: plans keep their indicators. 3: their deadline policy and reporting cycles. 4: each
  // cycle's due dates (the parties' reports, the consolidated report).
  version: 4,
  entities: [PlanRow],
  needsTaskState: false,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    const changes = planChanges(events);
    if (changes.length === 0) return;
    const ids = [...new Set(changes.map((change) => change.event.data.planId))];
    const existing = await manager.find(PlanRow, { where: { planId: In(ids) } });
    const rows = new Map<string, PlanRow>(existing.map((row) => [row.planId, row]));
    const changed = new Set<string>();
    for (const change of changes) {
      const id = change.event.data.planId;
      const next = evolvePlan(rows.get(id), change);
      if (next && next !== rows.get(id)) {
        rows.set(id, next);
        changed.add(id);
      }
    }
    if (changed.size > 0) {
      await writeRows(
        manager,
        PlanRow,
        [...changed].map((id) => rows.get(id)!),
        { conflict: ['planId'], onConflict: 'update' },
      );
    }
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(PlanRow).execute();
  },
};
