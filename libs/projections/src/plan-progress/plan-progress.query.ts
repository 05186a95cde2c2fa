import type { EntityManager } from 'typeorm';
import { deadlineWindow } from '../framework/deadlines.js';
import { PlanProgressRow } from './plan-progress.entity.js';
import { OPEN_PROGRESS_STATES, PROGRESS_STATES, type ProgressState } from './progress-states.js';

export interface ProgressCounts {
  /** Tasks the agency holds (or, in `tasks`, tasks of the plan). */
  readonly total: number;
  readonly byState: Record<ProgressState, number>;
  /** Not done and past their due date as of `asOf`. */
  readonly overdue: number;
  /** Not done, not overdue, and due within 7 days of `asOf`. */
  readonly dueWithin7Days: number;
}

export interface AgencyProgress extends ProgressCounts {
  readonly agencyCode: string;
}

export interface PlanProgress {
  readonly planId: string;
  readonly asOf: string;
  /** One entry per agency holding tasks of the plan, by agency code. */
  readonly agencies: AgencyProgress[];
  /** The plan's tasks, each counted once: open / completed / cancelled, overdue, due soon. */
  readonly tasks: {
    readonly total: number;
    readonly open: number;
    readonly completed: number;
    readonly cancelled: number;
    readonly overdue: number;
    readonly dueWithin7Days: number;
  };
}

/**
 * Counts of tasks by progress state, per agency, for a plan, with overdue counts as of `asOf`.
 * With `agencyCode`, only that agency's part: its row, and its tasks in the totals.
 */
export async function getPlanProgress(
  manager: EntityManager,
  planId: string,
  options: { readonly asOf: Date | string; readonly agencyCode?: string | undefined },
): Promise<PlanProgress> {
  const window = deadlineWindow(options.asOf);
  const params = {
    planId,
    today: window.today,
    week: window.inSevenDays,
    open: [...OPEN_PROGRESS_STATES],
    agencyCode: options.agencyCode ?? null,
  };
  const ofAgency = '(cast(:agencyCode as text) is null or p.agencyCode = :agencyCode)';

  const grouped = await manager
    .createQueryBuilder(PlanProgressRow, 'p')
    .select('p.agencyCode', 'agencyCode')
    .addSelect('p.state', 'state')
    .addSelect('count(*)::int', 'count')
    .addSelect('count(*) filter (where p.state in (:...open) and p.dueDate < :today)::int', 'overdue')
    .addSelect(
      'count(*) filter (where p.state in (:...open) and p.dueDate >= :today and p.dueDate < :week)::int',
      'dueSoon',
    )
    .where('p.planId = :planId')
    .andWhere(ofAgency)
    .groupBy('p.agencyCode')
    .addGroupBy('p.state')
    .orderBy('p.agencyCode', 'ASC')
    .setParameters(params)
    .getRawMany<{
      agencyCode: string;
      state: ProgressState;
      count: number;
      overdue: number;
      dueSoon: number;
    }>();

  const agencies = new Map<
    string,
    { total: number; byState: Record<ProgressState, number>; overdue: number; dueWithin7Days: number }
  >();
  for (const row of grouped) {
    const agency = agencies.get(row.agencyCode) ?? {
      total: 0,
      byState: emptyCounts(),
      overdue: 0,
      dueWithin7Days: 0,
    };
    agency.total += row.count;
    agency.byState[row.state] += row.count;
    agency.overdue += row.overdue;
    agency.dueWithin7Days += row.dueSoon;
    agencies.set(row.agencyCode, agency);
  }

  const [tasks] = await manager
    .createQueryBuilder(PlanProgressRow, 'p')
    .select('count(distinct p.taskId)::int', 'total')
    .addSelect("count(distinct p.taskId) filter (where p.taskStatus = 'open')::int", 'open')
    .addSelect("count(distinct p.taskId) filter (where p.taskStatus = 'completed')::int", 'completed')
    .addSelect("count(distinct p.taskId) filter (where p.taskStatus = 'cancelled')::int", 'cancelled')
    .addSelect(
      "count(distinct p.taskId) filter (where p.taskStatus = 'open' and p.dueDate < :today)::int",
      'overdue',
    )
    .addSelect(
      "count(distinct p.taskId) filter (where p.taskStatus = 'open' and p.dueDate >= :today and p.dueDate < :week)::int",
      'dueWithin7Days',
    )
    .where('p.planId = :planId')
    .andWhere(ofAgency)
    .setParameters(params)
    .getRawMany<PlanProgress['tasks']>();

  return {
    planId,
    asOf: window.asOf,
    agencies: [...agencies.entries()].map(([agencyCode, counts]) => ({ agencyCode, ...counts })),
    tasks: tasks ?? { total: 0, open: 0, completed: 0, cancelled: 0, overdue: 0, dueWithin7Days: 0 },
  };
}

function emptyCounts(): Record<ProgressState, number> {
  return Object.fromEntries(PROGRESS_STATES.map((state) => [state, 0])) as Record<ProgressState, number>;
}
