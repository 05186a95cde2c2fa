import { DEFAULT_DEADLINE_POLICY } from '#libs/tasks';
import { decide, initialState, type IssuePlan, type PlanIssued } from '#libs/plans';
import { planChangeOf } from '../../test/support/task-changes.js';
import { cycleDueDates, evolvePlan } from './plans.evolve.js';

const issuePlan: IssuePlan = {
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
  },
  metadata: {
    actor: { personId: 'p-issuer', agencyCode: 'UBND-LC', roles: ['issuer'] },
    now: '2024-06-12T10:00:00+07:00',
  },
};

describe('the plans table', () => {
  it('records an issued plan with its number, period, issuer and who issued it when', () => {
    const [issued] = decide(issuePlan, initialState()) as [PlanIssued];
    const row = evolvePlan(
      undefined,
      planChangeOf(issued, {
        position: 7,
        occurredAt: '2024-06-12T10:00:00+07:00',
        recordedAt: '2024-06-12T03:00:02.000Z',
        actor: { personId: 'p-issuer', agencyCode: 'UBND-LC' },
      }),
    );
    expect(row).toEqual({
      planId: 'plan-laichau-ct28',
      number: '1601/KH-UBND',
      documentType: 'KH',
      title: 'Kế hoạch thực hiện Chỉ thị số 28-CT/TW',
      issuerAgencyCode: 'UBND-LC',
      jurisdiction: 'LC',
      issuedOn: '2024-06-12',
      periodFromYear: 2024,
      periodToYear: 2030,
      contentHash: 'sha256:1a2b3c',
      sourceFileName: 'laichau-2024-ct28-kh.txt',
      issuedByPersonId: 'p-issuer',
      issuedByAgencyCode: 'UBND-LC',
      occurredAt: '2024-06-12T03:00:00.000Z',
      recordedAt: '2024-06-12T03:00:02.000Z',
      indicators: [],
      deadlinePolicy: DEFAULT_DEADLINE_POLICY,
      reporting: null,
      globalPosition: '7',
    });
  });

  it('keeps the first row if the event were seen again', () => {
    const [issued] = decide(issuePlan, initialState()) as [PlanIssued];
    const first = evolvePlan(undefined, planChangeOf(issued, { position: 1 }));
    expect(evolvePlan(first, planChangeOf(issued, { position: 9 }))).toBe(first);
  });

  it("a cycle's report moved by a reorganisation leaves the row: it counts the reports, not who owes them", () => {
    const [issued] = decide(issuePlan, initialState()) as [PlanIssued];
    const row = evolvePlan(undefined, planChangeOf(issued, { position: 1 }));
    const moved = planChangeOf(
      {
        type: 'ReportingCycleReassigned',
        data: {
          planId: 'plan-laichau-ct28',
          year: 2026,
          taskId: 'r-2026',
          responsibility: 'assignee',
          fromAgency: 'SLDTBXH-LC',
          toAgency: 'SYT-LC',
          issuerAgencyCode: 'UBND-LC',
          effectiveDate: '2025-07-01',
          reason: 'responsibility passed to Sở Y tế by decision N of D, effective 2025-07-01',
          reorganisationId: 'r',
        },
      },
      { position: 2 },
    );
    expect(evolvePlan(row, moved)).toBe(row);
    expect(evolvePlan(undefined, moved)).toBeUndefined();
  });

  it('a registration numbers and dates the row, which keeps its place (the position of PlanIssued)', () => {
    const [issued] = decide(
      { ...issuePlan, data: { ...issuePlan.data, number: null, issuedOn: null } },
      initialState(),
    ) as [PlanIssued];
    const row = evolvePlan(undefined, planChangeOf(issued, { position: 1 }));
    expect(row).toMatchObject({ number: null, issuedOn: null });
    const registration = planChangeOf(
      {
        type: 'PlanRegistered',
        data: {
          planId: 'plan-laichau-ct28',
          number: '1601/KH-UBND',
          issuedOn: '2024-07-15',
          issuerAgencyCode: 'UBND-LC',
          byAgency: 'UBND-LC',
        },
      },
      { position: 5 },
    );
    expect(evolvePlan(row, registration)).toEqual({
      ...row,
      number: '1601/KH-UBND',
      issuedOn: '2024-07-15',
      globalPosition: '1',
    });
    expect(evolvePlan(undefined, registration)).toBeUndefined();
  });

  it("a cycle's dates: the parties' reports to the focal agency, and the consolidated report to the committee", () => {
    const report = (taskId: string, dueDate: string, reportsTo?: string | null) => ({
      taskId,
      title: taskId,
      duty: taskId,
      sourceClause: { section: 'V', start: 0, end: 10 },
      dueDate,
      assignees: [{ agencyCode: taskId, role: 'lead' as const }],
      ...(reportsTo === undefined ? {} : { reportsTo }),
    });
    expect(
      cycleDueDates([
        report('a', '2025-11-24', 'lc-so-ldtbxh'),
        report('b', '2025-11-21', 'lc-so-ldtbxh'),
        report('lc-so-ldtbxh', '2025-12-01'),
      ]),
    ).toEqual({ reportsDueOn: '2025-11-21', consolidationDueOn: '2025-12-01' });
    expect(cycleDueDates([report('a', '2025-12-01', null)])).toEqual({
      reportsDueOn: null,
      consolidationDueOn: '2025-12-01',
    });
    expect(cycleDueDates([])).toEqual({ reportsDueOn: null, consolidationDueOn: null });
  });
});
