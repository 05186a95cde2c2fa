// The generic given/when/then helper lives with the task tests; it should move to a shared testing
// lib once one exists.
import { deciderSpecification } from '../../tasks/src/testing/decider-specification.js';
import {
  type IssuePlan,
  type PlanActor,
  type PlanCommand,
  type PlanEvent,
  type PlanIssued,
  type PlanState,
  decide,
  evolve,
  initialState,
  planDeadlinePolicyOf,
  planEventTypes,
  planStreamId,
  reassignedCycleTasks,
} from './index.js';
import { DEFAULT_DEADLINE_POLICY } from '#libs/tasks';

const spec = deciderSpecification<PlanCommand, PlanEvent, PlanState>({ decide, evolve, initialState });

const issuer: PlanActor = { personId: 'p-issuer', agencyCode: 'UBND-LC', roles: ['issuer'] };
/** An officer of the Sở LĐTBXH who enters the committee's decisions. */
const focalPoint: PlanActor = {
  personId: 'p-focal',
  agencyCode: 'SLDTBXH-LC',
  roles: ['officer', 'issuer'],
  issuesFor: 'UBND-LC',
};
const officer: PlanActor = { personId: 'p-officer', agencyCode: 'UBND-LC', roles: ['officer'] };

const issuePlan = (data: Partial<IssuePlan['data']> = {}, actor: PlanActor = issuer): IssuePlan => ({
  type: 'IssuePlan',
  data: {
    planId: 'plan-laichau-ct28',
    number: '1601/KH-UBND',
    documentType: 'KH',
    title: 'Kế hoạch thực hiện Chỉ thị số 28-CT/TW',
    issuerAgencyCode: 'UBND-LC',
    jurisdiction: 'LC',
    issuedOn: '2024-06-12',
    period: { fromYear: 2024, toYear: 2030 },
    contentHash: 'sha256:1a2b3c',
    source: { fileName: 'laichau-2024-ct28-kh.txt', mediaType: 'text/plain' },
    ...data,
  },
  metadata: { actor, now: '2024-06-12T10:00:00+07:00' },
});

const planIssued = (data: Partial<PlanIssued['data']> = {}): PlanIssued => ({
  type: 'PlanIssued',
  data: {
    planId: 'plan-laichau-ct28',
    number: '1601/KH-UBND',
    documentType: 'KH',
    title: 'Kế hoạch thực hiện Chỉ thị số 28-CT/TW',
    issuerAgencyCode: 'UBND-LC',
    jurisdiction: 'LC',
    issuedOn: '2024-06-12',
    period: { fromYear: 2024, toYear: 2030 },
    contentHash: 'sha256:1a2b3c',
    source: { fileName: 'laichau-2024-ct28-kh.txt', mediaType: 'text/plain' },
    byAgency: 'UBND-LC',
    indicators: [],
    ...data,
  },
});

describe('IssuePlan', () => {
  describe('when the plan has not been issued', () => {
    it('records the plan', () => {
      const state = spec.given([]).when(issuePlan()).then([planIssued()]);
      expect(state).toMatchObject({
        status: 'issued',
        planId: 'plan-laichau-ct28',
        contentHash: 'sha256:1a2b3c',
      });
    });

    it('accepts a draft that leaves the number and the date blank', () => {
      spec
        .given([])
        .when(issuePlan({ number: null, issuedOn: null }))
        .then([planIssued({ number: null, issuedOn: null })]);
    });

    it('records a missing number, date and source as null', () => {
      const { number: _n, issuedOn: _d, source: _s, ...rest } = issuePlan().data;
      spec
        .given([])
        .when({ ...issuePlan(), data: rest })
        .then([planIssued({ number: null, issuedOn: null, source: { fileName: null, mediaType: null } })]);
    });

    it('stores the title trimmed and in NFC', () => {
      spec
        .given([])
        .when(issuePlan({ title: ' Kế hoạch năm 2024 '.normalize('NFD') }))
        .then([planIssued({ title: 'Kế hoạch năm 2024'.normalize('NFC') })]);
    });

    it('refuses an issuer of another committee', () => {
      spec
        .given([])
        .when(issuePlan({}, { personId: 'p-ls', agencyCode: 'UBND-LS', roles: ['issuer'] }))
        .thenThrows('plan.forbidden');
    });

    it('records the agency the issuer acted for', () => {
      spec
        .given([])
        .when(issuePlan({}, focalPoint))
        .then([planIssued({ byAgency: 'SLDTBXH-LC' })]);
    });
  });

  describe('when the same document is issued again', () => {
    it('changes nothing', () => {
      spec.given([planIssued()]).when(issuePlan()).thenNothing();
    });

    it('refuses another committee naming itself the issuer, rather than handing it the plan', () => {
      spec
        .given([planIssued()])
        .when(
          issuePlan(
            { issuerAgencyCode: 'UBND-LS' },
            { personId: 'p-ls', agencyCode: 'UBND-LS', roles: ['issuer'] },
          ),
        )
        .thenThrows('plan.forbidden');
    });

    it('changes nothing even if other fields were edited', () => {
      spec
        .given([planIssued()])
        .when(issuePlan({ title: 'Khác' }))
        .thenNothing();
    });
  });

  describe('when another document is issued under the same plan id', () => {
    it('refuses it as already issued', () => {
      spec
        .given([planIssued()])
        .when(issuePlan({ contentHash: 'sha256:ffff' }))
        .thenThrows('plan.already-issued', 'conflict');
    });
  });

  describe('when the actor is not an issuer', () => {
    it('refuses it as forbidden', () => {
      spec.given([]).when(issuePlan({}, officer)).thenThrows('plan.forbidden', 'forbidden');
    });
  });

  describe('when its dates are at the edges of the window (2000-01-01 .. 2100-12-31)', () => {
    it('records them', () => {
      spec
        .given([])
        .when(issuePlan({ issuedOn: '2000-01-01', period: { fromYear: 2000, toYear: 2100 } }))
        .then([planIssued({ issuedOn: '2000-01-01', period: { fromYear: 2000, toYear: 2100 } })]);
    });
  });

  describe('when the input is invalid', () => {
    it.each([
      ['a blank plan id', { planId: '' }],
      ['a blank title', { title: ' ' }],
      ['a blank document type', { documentType: '' }],
      ['a blank issuer', { issuerAgencyCode: '' }],
      ['a blank jurisdiction', { jurisdiction: '' }],
      ['a blank content hash', { contentHash: '' }],
      ['a date written the Vietnamese way', { issuedOn: '12/06/2024' }],
      ['a date that does not exist', { issuedOn: '2024-06-31' }],
      ['a period that ends before it starts', { period: { fromYear: 2030, toYear: 2024 } }],
      ['a period that is not in years', { period: { fromYear: 24, toYear: 30 } }],
      ['an issue date before 2000-01-01', { issuedOn: '1999-12-31' }],
      ['an issue date after 2100-12-31', { issuedOn: '9999-12-31' }],
      ['a period starting before 2000', { period: { fromYear: 1900, toYear: 2025 } }],
      ['a period ending after 2100', { period: { fromYear: 2024, toYear: 2200 } }],
    ])('refuses %s', (_, data) => {
      spec.given([]).when(issuePlan(data)).thenThrows('validation', 'invalid');
    });
  });
});

describe('the plan state', () => {
  it('ignores a second PlanIssued', () => {
    const state = evolve(initialState(), planIssued());
    expect(evolve(state, planIssued({ contentHash: 'other' }))).toBe(state);
  });

  it("names the stream 'plan-' + id", () => {
    expect(planStreamId('laichau-ct28')).toBe('plan-laichau-ct28');
  });

  it('lists its event types', () => {
    expect(planEventTypes).toEqual([
      'PlanIssued',
      'PlanPassedToSuccessor',
      'ReportingCycleReassigned',
      'PlanRegistered',
    ]);
  });

  it('a plan passed on by a reorganisation is carried on by the successor committee', () => {
    const [issued] = decide(issuePlan(), initialState());
    const state = evolve(evolve(initialState(), issued!), {
      type: 'PlanPassedToSuccessor',
      data: {
        planId: issued!.data.planId,
        fromIssuer: issued!.data.issuerAgencyCode,
        toIssuer: 'ls-ubnd-tinh',
        effectiveDate: '2025-07-01',
        reason:
          'responsibility passed to Ủy ban nhân dân tỉnh Lạng Sơn by decision N of D, effective 2025-07-01',
        reorganisationId: 'r',
      },
    });
    expect(state).toMatchObject({
      status: 'issued',
      issuerAgencyCode: 'ls-ubnd-tinh',
      byAgency: issued!.data.byAgency,
    });
  });
});

describe('IssuePlan with indicators', () => {
  const percent = {
    indicatorId: 'chi-tieu-1',
    name: 'xã, phường, thị trấn phù hợp với trẻ em',
    unit: 'percent',
    baseline: 70,
    targets: [
      { year: 2025, value: 80, comparator: 'at-least' },
      { year: 2030, value: 90, comparator: null },
    ],
  } as const;

  it('keeps the indicators with their unit, baseline and targets by year', () => {
    const [event] = decide(issuePlan({ indicators: [percent] }), initialState());
    expect(event?.data.indicators).toEqual([percent]);
    expect(evolve(initialState(), event!)).toMatchObject({ indicators: [percent] });
  });

  it('a plan issued before indicators were kept reads as having none', () => {
    const { indicators: _none, ...older } = planIssued().data;
    const state = evolve(initialState(), { type: 'PlanIssued', data: older as PlanIssued['data'] });
    expect(state).toMatchObject({ status: 'issued', indicators: [] });
  });

  it.each([
    [{ ...percent, unit: 'kg' }, 'indicators.0.unit'],
    [{ ...percent, targets: [{ year: 2025, value: 'many' }] }, 'indicators.0.targets.0.value'],
    [
      { ...percent, targets: [{ year: 2025, value: 1, comparator: 'about' }] },
      'indicators.0.targets.0.comparator',
    ],
    [{ ...percent, indicatorId: ' ' }, 'indicators.0.indicatorId'],
  ])('refuses a malformed indicator (%#) naming the field', (indicator, field) => {
    expect(() => decide(issuePlan({ indicators: [indicator as never] }), initialState())).toThrow(
      expect.objectContaining({ code: 'validation', details: { field } }),
    );
  });

  it('refuses an indicator listed twice', () => {
    expect(() => decide(issuePlan({ indicators: [percent, percent] }), initialState())).toThrow(
      expect.objectContaining({ details: { field: 'indicators.1.indicatorId' } }),
    );
  });
});

describe('a plan with its own deadline policy and reporting cycles', () => {
  const reportTask = (taskId: string) => ({
    taskId,
    title: 'Báo cáo kết quả thực hiện Kế hoạch năm 2025',
    duty: 'Định kỳ hàng năm (trước ngày 01/12) báo cáo UBND tỉnh.',
    sourceClause: { section: 'VI', start: 10, end: 90 },
    dueDate: '2025-11-15',
    assignees: [{ agencyCode: 'SYT-LC', role: 'lead' as const }],
    reportsTo: 'SLDTBXH-LC',
  });
  const reporting = {
    focalAgencyCode: 'SLDTBXH-LC',
    consolidationLeadDays: 15,
    cycles: [
      { year: 2024, opensAt: '2024-01-01T00:00:00+07:00', tasks: [reportTask('r-2024')] },
      { year: 2025, opensAt: '2025-01-01T00:00:00+07:00', tasks: [reportTask('r-2025')] },
    ],
  };

  it('a reorganisation moves a report of a cycle not opened yet, in that year only', () => {
    const [issued] = decide(issuePlan({ reporting }), initialState());
    const moved = {
      type: 'ReportingCycleReassigned' as const,
      data: {
        planId: issued!.data.planId,
        year: 2025,
        taskId: 'r-2025',
        responsibility: 'reportsTo' as const,
        fromAgency: 'SLDTBXH-LC',
        toAgency: 'SNV-LC',
        issuerAgencyCode: issued!.data.issuerAgencyCode,
        effectiveDate: '2025-07-01',
        reason: 'responsibility passed to Sở Nội vụ by decision N of D, effective 2025-07-01',
        reorganisationId: 'r',
      },
    };
    const state = evolve(evolve(initialState(), issued!), moved);
    if (state.status !== 'issued') throw new Error('not issued');
    expect(state.reporting?.cycles.map((c) => c.tasks[0]?.reportsTo)).toEqual(['SLDTBXH-LC', 'SNV-LC']);
  });

  it("folds a cycle's reassignment: the successor takes the place, one assignment with the stronger role, no report to oneself", () => {
    const task = {
      ...reportTask('r'),
      assignees: [
        { agencyCode: 'A', role: 'support' as const },
        { agencyCode: 'B', role: 'lead' as const },
      ],
      reportsTo: 'F',
    };
    const change = (responsibility: 'assignee' | 'reportsTo', fromAgency: string, toAgency: string) => ({
      taskId: 'r',
      responsibility,
      fromAgency,
      toAgency,
    });
    expect(reassignedCycleTasks([task], change('assignee', 'A', 'C'))[0]?.assignees).toEqual([
      { agencyCode: 'C', role: 'support' },
      { agencyCode: 'B', role: 'lead' },
    ]);
    expect(reassignedCycleTasks([task], change('assignee', 'A', 'B'))[0]?.assignees).toEqual([
      { agencyCode: 'B', role: 'lead' },
    ]);
    // The focal agency passes to an agency that owes the report: it goes to the committee directly.
    expect(reassignedCycleTasks([task], change('reportsTo', 'F', 'B'))[0]).not.toHaveProperty('reportsTo');
    expect(reassignedCycleTasks([task], change('assignee', 'A', 'F'))[0]).not.toHaveProperty('reportsTo');
    expect(reassignedCycleTasks([task], change('reportsTo', 'F', 'G'))[0]?.reportsTo).toBe('G');
    // Another task, or a body the task does not name: unchanged.
    expect(reassignedCycleTasks([task], { ...change('assignee', 'A', 'C'), taskId: 'x' })).toEqual([task]);
    expect(reassignedCycleTasks([task], change('assignee', 'Z', 'C'))).toEqual([task]);
  });

  it('records the policy, and opens with the plan only the cycles begun by then', () => {
    const policy = { reminderDaysBefore: [10, 3], escalations: [{ daysOverdue: 5, to: 'lead' }] };
    const [event] = decide(issuePlan({ deadlinePolicy: policy, reporting }), initialState());
    expect(event?.data.deadlinePolicy).toEqual(policy);
    expect(planDeadlinePolicyOf(event!.data)).toEqual(policy);
    // Issued on 12 June 2024: the 2024 cycle had begun (its tasks are assigned with the plan),
    // 2025's opens on 1 January 2025 (UTC+7) by its timer.
    expect(event?.data.reporting?.cycles.map((c) => [c.year, c.opensAt, c.openedWithPlan])).toEqual([
      [2024, '2023-12-31T17:00:00.000Z', true],
      [2025, '2024-12-31T17:00:00.000Z', false],
    ]);
  });

  it('a plan with none has the default policy', () => {
    const [event] = decide(issuePlan(), initialState());
    expect(event?.data).not.toHaveProperty('deadlinePolicy');
    expect(planDeadlinePolicyOf(event!.data)).toEqual(DEFAULT_DEADLINE_POLICY);
  });

  it.each([
    [{ deadlinePolicy: { reminderDaysBefore: [7, 7] } }, 'deadlinePolicy.reminderDaysBefore.1'],
    [
      { deadlinePolicy: { escalations: [{ daysOverdue: 7, to: 'nobody' }] } },
      'deadlinePolicy.escalations.0.to',
    ],
    [{ reporting: { ...reporting, consolidationLeadDays: -1 } }, 'reporting.consolidationLeadDays'],
    [
      { reporting: { ...reporting, cycles: [reporting.cycles[0]!, reporting.cycles[0]!] } },
      'reporting.cycles.1.year',
    ],
    [
      { reporting: { ...reporting, cycles: [{ ...reporting.cycles[0]!, opensAt: '2024-01-01' }] } },
      'reporting.cycles.0.opensAt',
    ],
  ])('refuses %j naming the field', (data, field) => {
    expect(() => decide(issuePlan(data as Partial<IssuePlan['data']>), initialState())).toThrow(
      expect.objectContaining({ code: 'validation', details: { field } }),
    );
  });
});

describe('RegisterPlan', () => {
  const unnumbered = planIssued({ number: null, issuedOn: null });
  const registerPlan = (
    data: Partial<{ number: unknown; issuedOn: unknown }> = {},
    actor: PlanActor = issuer,
  ): PlanCommand => ({
    type: 'RegisterPlan',
    data: { planId: 'plan-laichau-ct28', number: '1601/KH-UBND', issuedOn: '2024-07-15', ...data },
    metadata: { actor, now: '2024-07-20T10:00:00+07:00' },
  });
  const registered: PlanEvent = {
    type: 'PlanRegistered',
    data: {
      planId: 'plan-laichau-ct28',
      number: '1601/KH-UBND',
      issuedOn: '2024-07-15',
      issuerAgencyCode: 'UBND-LC',
      byAgency: 'UBND-LC',
    },
  };

  it("records the signed copy's number and date, which the plan then has", () => {
    const state = spec.given([unnumbered]).when(registerPlan()).then([registered]);
    expect(state).toMatchObject({ number: '1601/KH-UBND', issuedOn: '2024-07-15' });
  });

  it('stores the number trimmed and in NFC, for the committee an officer issues for', () => {
    spec
      .given([unnumbered])
      .when(registerPlan({ number: ' 1601/KH-UBND ' }, focalPoint))
      .then([{ ...registered, data: { ...registered.data, byAgency: 'SLDTBXH-LC' } }]);
  });

  it('changes nothing for the same values again', () => {
    spec.given([unnumbered, registered]).when(registerPlan()).thenNothing();
  });

  it('refuses another number or date once recorded', () => {
    spec
      .given([unnumbered, registered])
      .when(registerPlan({ number: '1602/KH-UBND' }))
      .thenThrows('plan.already-registered');
    spec
      .given([unnumbered, registered])
      .when(registerPlan({ issuedOn: '2024-07-16' }))
      .thenThrows('plan.already-registered');
  });

  it('keeps a number the document already gave: another one is refused, the same one completes the date', () => {
    const numbered = planIssued({ issuedOn: null });
    spec
      .given([numbered])
      .when(registerPlan({ number: '9/KH-UBND' }))
      .thenThrows('plan.already-registered');
    spec.given([numbered]).when(registerPlan()).then([registered]);
  });

  it('refuses another committee, a person who is not an issuer, and a plan not issued', () => {
    const other: PlanActor = { personId: 'p-ls', agencyCode: 'UBND-LS', roles: ['issuer'] };
    spec.given([unnumbered]).when(registerPlan({}, other)).thenThrows('plan.forbidden');
    spec.given([unnumbered]).when(registerPlan({}, officer)).thenThrows('plan.forbidden');
    spec.given([]).when(registerPlan()).thenThrows('plan.not-found');
  });

  it('refuses a blank number and a signing date after today or after the period', () => {
    spec
      .given([unnumbered])
      .when(registerPlan({ number: '  ' }))
      .thenThrows('validation');
    spec
      .given([unnumbered])
      .when(registerPlan({ issuedOn: '2024-07-21' }))
      .thenThrows('validation');
    spec
      .given([unnumbered])
      .when(registerPlan({ issuedOn: '2024-13-01' }))
      .thenThrows('validation');
    spec
      .given([planIssued({ number: null, issuedOn: null, period: { fromYear: 2020, toYear: 2023 } })])
      .when(registerPlan())
      .thenThrows('validation');
  });
});
