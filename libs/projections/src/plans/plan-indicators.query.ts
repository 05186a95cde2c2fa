import type { EntityManager } from 'typeorm';
import type { IndicatorComparator, IndicatorUnit } from '#libs/shared-kernel';
import { TrailEntryRow } from '../task-trail/trail-entry.entity.js';
import type { PlanView } from './plans.query.js';

export interface ReportedValue {
  readonly value: number;
  readonly agencyCode: string;
  readonly taskId: string;
  /** When it was true in the world (the report's occurredAt). */
  readonly reportedAt: string;
}

export interface IndicatorYear {
  readonly year: number;
  readonly target: number | null;
  readonly comparator: IndicatorComparator | null;
  /** The latest value reported in the year (Asia/Ho_Chi_Minh), by whichever agency; null if none. */
  readonly latest: ReportedValue | null;
  /** The latest value of each agency that reported in the year, by agency code. */
  readonly byAgency: readonly ReportedValue[];
}

export interface IndicatorStanding {
  readonly indicatorId: string;
  readonly name: string;
  readonly unit: IndicatorUnit;
  readonly baseline: number | null;
  readonly years: readonly IndicatorYear[];
}

export interface PlanIndicatorsView {
  readonly planId: string;
  readonly validAt: string;
  readonly indicators: readonly IndicatorStanding[];
}

/** The year of an instant in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
function vietnamYear(instant: string): number {
  return new Date(Date.parse(instant) + 7 * 3_600_000).getUTCFullYear();
}

/**
 * Per indicator of the plan and per year (the plan's period, its target years and any year a value
 * was reported in): the target, and the latest value reported up to `validAt` (progress reports'
 * occurredAt), overall and per agency. `agencyCode` limits the values to one agency's.
 */
export async function getPlanIndicators(
  manager: EntityManager,
  plan: PlanView,
  options: { readonly validAt: string; readonly agencyCode?: string | undefined },
): Promise<PlanIndicatorsView> {
  const query = manager
    .createQueryBuilder(TrailEntryRow, 'e')
    .where('e.planId = :planId', { planId: plan.planId })
    .andWhere("e.type = 'ProgressReported'")
    .andWhere('e.occurredAt <= :validAt', { validAt: options.validAt })
    .orderBy('e.occurredAt', 'ASC')
    .addOrderBy('e.globalPosition', 'ASC');
  if (options.agencyCode !== undefined)
    query.andWhere('e.agencyCode = :agency', { agency: options.agencyCode });
  const reports = await query.getMany();

  // indicatorId -> year -> agency -> latest value (reports are read oldest first).
  const values = new Map<string, Map<number, Map<string, ReportedValue>>>();
  for (const report of reports) {
    const data = report.data as {
      agencyCode?: string;
      indicatorValues?: { indicator: string; value: number }[];
    };
    const agencyCode = data.agencyCode ?? report.agencyCode ?? '';
    const year = vietnamYear(report.occurredAt);
    for (const { indicator, value } of data.indicatorValues ?? []) {
      const byYear = values.get(indicator) ?? new Map<number, Map<string, ReportedValue>>();
      values.set(indicator, byYear);
      const byAgency = byYear.get(year) ?? new Map<string, ReportedValue>();
      byYear.set(year, byAgency);
      byAgency.set(agencyCode, { value, agencyCode, taskId: report.taskId, reportedAt: report.occurredAt });
    }
  }

  const indicators = (plan.indicators ?? []).map((indicator): IndicatorStanding => {
    const reported = values.get(indicator.indicatorId) ?? new Map<number, Map<string, ReportedValue>>();
    const years = new Set<number>();
    for (let y = plan.periodFromYear; y <= plan.periodToYear; y += 1) years.add(y);
    for (const t of indicator.targets) years.add(t.year);
    for (const y of reported.keys()) years.add(y);
    return {
      indicatorId: indicator.indicatorId,
      name: indicator.name,
      unit: indicator.unit,
      baseline: indicator.baseline,
      years: [...years]
        .sort((a, b) => a - b)
        .map((year) => {
          const target = indicator.targets.find((t) => t.year === year);
          const byAgency = [...(reported.get(year)?.values() ?? [])].sort((a, b) =>
            a.agencyCode.localeCompare(b.agencyCode),
          );
          const latest = byAgency.reduce<ReportedValue | null>(
            (last, v) => (last === null || v.reportedAt >= last.reportedAt ? v : last),
            null,
          );
          return {
            year,
            target: target?.value ?? null,
            comparator: target?.comparator ?? null,
            latest,
            byAgency,
          };
        }),
    };
  });
  return { planId: plan.planId, validAt: options.validAt, indicators };
}
