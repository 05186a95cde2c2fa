/**
 * A plan's indicators (chỉ tiêu): what a plan measures, in which unit, from which baseline, to which
 * target by year. Progress reports give values only for these, each checked against its unit.
 */

/** 'percent': 0–100; 'count': a non-negative whole number; 'number': any finite number. */
export const indicatorUnits = ['percent', 'count', 'number'] as const;
export type IndicatorUnit = (typeof indicatorUnits)[number];

export type IndicatorComparator = 'below' | 'above' | 'at-least' | 'at-most';

export interface IndicatorYearTarget {
  readonly year: number;
  readonly value: number;
  /** How the value is to be read ('at-least' 80%); null when the plan just states it. */
  readonly comparator: IndicatorComparator | null;
}

export interface PlanIndicator {
  /** Stable within the plan ('chi-tieu-1'); what progress reports name. */
  readonly indicatorId: string;
  /** As the plan states it (NFC). */
  readonly name: string;
  readonly unit: IndicatorUnit;
  /** The value at the start of the plan, when the plan states one. */
  readonly baseline: number | null;
  readonly targets: readonly IndicatorYearTarget[];
}

/** Why a value is not one of the unit's, or null when it is. */
export function indicatorValueProblem(unit: IndicatorUnit, value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  switch (unit) {
    case 'percent':
      return value < 0 || value > 100 ? 'must be a percentage from 0 to 100' : null;
    case 'count':
      return Number.isInteger(value) && value >= 0 ? null : 'must be a whole number, 0 or more';
    case 'number':
      return null;
    default: {
      const _exhaustive: never = unit;
      return `unknown unit ${String(_exhaustive)}`;
    }
  }
}
