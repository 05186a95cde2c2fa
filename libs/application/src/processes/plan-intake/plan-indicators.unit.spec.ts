import { draftPlanText } from '#libs/plan-intake';
import { createSeedDirectory } from '#libs/agencies';
import { LAI_CHAU, readSeedPlan } from '../../../../plan-intake/test/seed-plans.js';
import { indicatorsOf } from './plan-confirmation.planner.js';

const span = { start: 0, end: 1 };

describe('the indicators a confirmed draft keeps', () => {
  it('groups the targets of one indicator by year, in percent, first stated first', () => {
    const indicators = indicatorsOf({
      indicators: [
        {
          year: 2030,
          value: 90,
          unit: '%',
          comparator: null,
          indicator: 'trẻ em được bảo vệ',
          item: '(1)',
          span,
        },
        {
          year: 2025,
          value: 80,
          unit: '%',
          comparator: 'at-least',
          indicator: 'trẻ em được bảo vệ',
          item: '(1)',
          span,
        },
        {
          year: 2025,
          value: 5,
          unit: '%',
          comparator: 'below',
          indicator: 'trẻ em bỏ học',
          item: '(2)',
          span,
        },
      ],
    });
    expect(indicators).toEqual([
      {
        indicatorId: 'chi-tieu-1',
        name: 'trẻ em được bảo vệ',
        unit: 'percent',
        baseline: null,
        targets: [
          { year: 2025, value: 80, comparator: 'at-least' },
          { year: 2030, value: 90, comparator: null },
        ],
      },
      {
        indicatorId: 'chi-tieu-2',
        name: 'trẻ em bỏ học',
        unit: 'percent',
        baseline: null,
        targets: [{ year: 2025, value: 5, comparator: 'below' }],
      },
    ]);
  });

  it('keeps all 23 targets of the Lai Châu plan', () => {
    const draft = draftPlanText(readSeedPlan(LAI_CHAU), createSeedDirectory(), {
      fileName: LAI_CHAU,
      mediaType: 'text/plain',
    });
    const indicators = indicatorsOf(draft);
    expect(indicators.flatMap((i) => i.targets)).toHaveLength(23);
  });
});
