import { decide, evolve, initialState } from './index.js';
import type { PlanIndicatorRef, TaskState } from './index.js';
import { LEAD, SUPPORT, reportProgress, taskAssigned } from './testing/task.fixtures.js';

/** Progress values checked against the plan's indicators (looked up by the application layer). */
const planIndicators: readonly PlanIndicatorRef[] = [
  { indicatorId: 'chi-tieu-1', unit: 'percent' },
  { indicatorId: 'so-buoi', unit: 'count' },
  { indicatorId: 'kinh-phi', unit: 'number' },
];

const assigned = (): TaskState => evolve(initialState(), taskAssigned());

function report(
  values: readonly { indicator: string; value: unknown; unit?: string }[],
  indicators = planIndicators,
) {
  const command = reportProgress(LEAD, 'Kết quả năm 2025', values as never);
  return decide({ ...command, data: { ...command.data, planIndicators: indicators } }, assigned());
}

function refusal(run: () => unknown): { code?: string; field?: string } {
  try {
    run();
  } catch (error) {
    const e = error as { code?: string; details?: { field?: string } };
    return { code: e.code, field: e.details?.field };
  }
  throw new Error('expected a refusal');
}

describe('ReportProgress against the plan indicators', () => {
  it('records values of the plan indicators with the unit the plan gives', () => {
    const [event] = report([
      { indicator: 'chi-tieu-1', value: 84.3, unit: '%' },
      { indicator: 'so-buoi', value: 12 },
      { indicator: 'kinh-phi', value: -2.5 },
    ]);
    expect(event).toMatchObject({
      type: 'ProgressReported',
      data: {
        indicatorValues: [
          { indicator: 'chi-tieu-1', value: 84.3, unit: 'percent' },
          { indicator: 'so-buoi', value: 12, unit: 'count' },
          { indicator: 'kinh-phi', value: -2.5, unit: 'number' },
        ],
      },
    });
  });

  it('accepts the bounds of a percentage, 0 and 100', () => {
    expect(report([{ indicator: 'chi-tieu-1', value: 0 }])).toHaveLength(1);
    expect(report([{ indicator: 'chi-tieu-1', value: 100 }])).toHaveLength(1);
  });

  it.each([
    [[{ indicator: 'chi-tieu-bịa', value: 5 }], 'indicatorValues[0].indicator'],
    [[{ indicator: 'chi-tieu-1', value: -5 }], 'indicatorValues[0].value'],
    [[{ indicator: 'chi-tieu-1', value: 100.1 }], 'indicatorValues[0].value'],
    [
      [
        { indicator: 'so-buoi', value: 2 },
        { indicator: 'so-buoi', value: 3 },
      ],
      'indicatorValues[1].indicator',
    ],
    [
      [
        { indicator: 'chi-tieu-1', value: 50 },
        { indicator: 'so-buoi', value: -5 },
      ],
      'indicatorValues[1].value',
    ],
    [[{ indicator: 'so-buoi', value: 2.5 }], 'indicatorValues[0].value'],
    [[{ indicator: 'so-buoi', value: '7' }], 'indicatorValues[0].value'],
    [[{ indicator: 'so-buoi', value: 7, unit: '%' }], 'indicatorValues[0].unit'],
  ])('refuses %j naming %s', (values, field) => {
    expect(refusal(() => report(values))).toEqual({ code: 'validation', field });
  });

  it('a plan without indicators takes no values', () => {
    expect(refusal(() => report([{ indicator: 'so-buoi', value: 1 }], []))).toEqual({
      code: 'validation',
      field: 'indicatorValues[0].indicator',
    });
  });

  it('a report without values needs no indicator', () => {
    const command = reportProgress(SUPPORT);
    expect(decide({ ...command, data: { ...command.data, planIndicators: [] } }, assigned())).toHaveLength(1);
  });
});
