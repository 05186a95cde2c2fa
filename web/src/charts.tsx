import type { IndicatorStanding, ScorecardRow } from './api';
import { SCORECARD_STATES } from './api';
import { t } from './i18n';

export const PROGRESS_STATES = [
  'not-acknowledged',
  'acknowledged',
  'in-progress',
  'completion-submitted',
  'completion-returned',
  'completed',
] as const;

/** Tasks by state as one stacked bar; the numbers are in its title and label for screen readers. */
export function StateBar({ byState, total }: { byState: Readonly<Record<string, number>>; total: number }) {
  let x = 0;
  const label = PROGRESS_STATES.map((state) => `${t(`progressState.${state}`)}: ${byState[state] ?? 0}`).join(
    ', ',
  );
  return (
    <svg class="bar-chart" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={label}>
      <title>{label}</title>
      {PROGRESS_STATES.map((state) => {
        const width = total ? ((byState[state] ?? 0) / total) * 100 : 0;
        const rect = <rect class={`s-${state}`} x={x} y={0} width={width} height={10} />;
        x += width;
        return rect;
      })}
    </svg>
  );
}

/** A number as the indicator's unit reads: "87,5%" in Vietnamese, "87.5%" in English. */
export function formatValue(value: number, unit: IndicatorStanding['unit'], lang: string): string {
  const text = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 }).format(
    value,
  );
  return unit === 'percent' ? `${text}%` : text;
}

const GROUP = 64;
const BAR = 22;
const HEIGHT = 120;
const TOP = 18;

/**
 * One indicator, year by year: the plan's target (outlined bar) beside the latest value reported
 * (filled bar). Plain SVG: the same numbers are in the table that follows it, for screen readers.
 */
export function IndicatorChart({ indicator, lang }: { indicator: IndicatorStanding; lang: string }) {
  const values = indicator.years.flatMap((y) => [y.target ?? 0, y.latest?.value ?? 0]);
  const max = Math.max(indicator.unit === 'percent' ? 100 : 1, indicator.baseline ?? 0, ...values);
  const height = (value: number) => (value / max) * HEIGHT;
  const width = Math.max(indicator.years.length, 1) * GROUP;
  const fmt = (value: number) => formatValue(value, indicator.unit, lang);
  return (
    <svg
      class="indicator-chart"
      viewBox={`0 0 ${width} ${HEIGHT + TOP + 18}`}
      width={width}
      aria-hidden="true"
      data-testid="indicator-chart"
      data-indicator={indicator.indicatorId}
    >
      {indicator.years.map((year, i) => {
        const x = i * GROUP + 6;
        const bottom = TOP + HEIGHT;
        return (
          <g>
            {year.target !== null && (
              <>
                <rect
                  class="target"
                  x={x}
                  y={bottom - height(year.target)}
                  width={BAR}
                  height={height(year.target)}
                  data-year={year.year}
                  data-value={year.target}
                />
                <text x={x + BAR / 2} y={bottom - height(year.target) - 4} text-anchor="middle">
                  {fmt(year.target)}
                </text>
              </>
            )}
            {year.latest && (
              <>
                <rect
                  class="latest"
                  x={x + BAR + 4}
                  y={bottom - height(year.latest.value)}
                  width={BAR}
                  height={height(year.latest.value)}
                  data-year={year.year}
                  data-value={year.latest.value}
                />
                <text x={x + BAR * 1.5 + 4} y={bottom - height(year.latest.value) - 4} text-anchor="middle">
                  {fmt(year.latest.value)}
                </text>
              </>
            )}
            <text x={x + BAR + 2} y={bottom + 14} text-anchor="middle">
              {year.year}
            </text>
          </g>
        );
      })}
      <line x1={0} x2={width} y1={TOP + HEIGHT} y2={TOP + HEIGHT} class="axis" />
    </svg>
  );
}

/** An agency's scorecard for one year as a stacked bar of the four states government reports use. */
export function ScorecardBar({ row }: { row: ScorecardRow }) {
  const total = SCORECARD_STATES.reduce((sum, state) => sum + row[state], 0);
  let x = 0;
  const label = SCORECARD_STATES.map((state) => `${t(`scorecard.${state}`)}: ${row[state]}`).join(', ');
  return (
    <svg class="bar-chart" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={label}>
      <title>{label}</title>
      {SCORECARD_STATES.map((state) => {
        const width = total ? (row[state] / total) * 100 : 0;
        const rect = <rect class={`sc-${state}`} x={x} y={0} width={width} height={10} />;
        x += width;
        return rect;
      })}
    </svg>
  );
}
