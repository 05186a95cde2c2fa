import type { EntityManager } from 'typeorm';
import { PlanRow } from './plan.entity.js';

export type PlanView = PlanRow;

/** Every issued plan, the most recently issued first (undated plans last). */
export async function listPlans(manager: EntityManager): Promise<PlanView[]> {
  const rows = await manager
    .createQueryBuilder(PlanRow, 'plan')
    .orderBy('plan.issuedOn', 'DESC', 'NULLS LAST')
    .addOrderBy('plan.planId', 'ASC')
    .getMany();
  return rows.map(plain);
}

export async function getPlan(manager: EntityManager, planId: string): Promise<PlanView | null> {
  const row = await manager.findOne(PlanRow, { where: { planId } });
  return row ? plain(row) : null;
}

function plain(row: PlanRow): PlanView {
  return { ...row };
}
