import type { EntityManager } from 'typeorm';
import { PlanRow } from './plan.entity.js';

export type PlanView = PlanRow;

/** Where a plan's period stands in a year: not begun, covering it, or over. */
export const PLAN_STATUSES = ['upcoming', 'active', 'ended'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** A plan's status in `currentYear` by its period: upcoming, active (covering it) or ended. */
export function planStatusIn(
  plan: Pick<PlanView, 'periodFromYear' | 'periodToYear'>,
  currentYear: number,
): PlanStatus {
  if (plan.periodFromYear > currentYear) return 'upcoming';
  return plan.periodToYear < currentYear ? 'ended' : 'active';
}

/** The filters the database can apply to the plans, in keyset order. */
export interface PlanPageFilter {
  /** The committee carrying the plan (its issuer, or its successor after a reorganisation). */
  readonly issuer?: string;
  /** A year the plan's period covers. */
  readonly year?: number;
  readonly status?: { readonly status: PlanStatus; readonly currentYear: number };
  /** Only plans recorded before this global position (the keyset cursor). */
  readonly before?: string;
  readonly limit?: number;
}

/**
 * Plans the newest recorded first, keyed by the position of their PlanIssued event: the key never
 * changes (recording a plan's number does not move it), so paging by it neither skips nor repeats.
 */
export async function listPlansPage(manager: EntityManager, filter: PlanPageFilter): Promise<PlanView[]> {
  const query = manager.createQueryBuilder(PlanRow, 'plan');
  if (filter.issuer !== undefined)
    query.andWhere('plan.issuerAgencyCode = :issuer', { issuer: filter.issuer });
  if (filter.year !== undefined) {
    query.andWhere('plan.periodFromYear <= :year AND plan.periodToYear >= :year', { year: filter.year });
  }
  if (filter.status !== undefined) {
    const { status, currentYear } = filter.status;
    if (status === 'upcoming') query.andWhere('plan.periodFromYear > :currentYear', { currentYear });
    else if (status === 'ended') query.andWhere('plan.periodToYear < :currentYear', { currentYear });
    else {
      query.andWhere('plan.periodFromYear <= :currentYear AND plan.periodToYear >= :currentYear', {
        currentYear,
      });
    }
  }
  if (filter.before !== undefined) {
    query.andWhere('plan.globalPosition < CAST(:before AS bigint)', { before: filter.before });
  }
  query.orderBy('plan.globalPosition', 'DESC');
  if (filter.limit !== undefined) query.take(filter.limit);
  const rows = await query.getMany();
  return rows.map(plain);
}

/** Every issued plan, the newest recorded first. */
export async function listPlans(manager: EntityManager): Promise<PlanView[]> {
  return listPlansPage(manager, {});
}

export async function getPlan(manager: EntityManager, planId: string): Promise<PlanView | null> {
  const row = await manager.findOne(PlanRow, { where: { planId } });
  return row ? plain(row) : null;
}

function plain(row: PlanRow): PlanView {
  return { ...row };
}
