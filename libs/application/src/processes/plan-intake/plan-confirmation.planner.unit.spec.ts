import { createSeedDirectory } from '#libs/agencies';
import { draftPlanText } from '#libs/plan-intake';
import type { Actor } from '#libs/shared-kernel';
import { LAI_CHAU, readSeedPlan } from '../../../../plan-intake/test/seed-plans.js';
import { ApplicationError } from '../../errors.js';
import { planConfirmation, tasksLeftToCycles } from './plan-confirmation.planner.js';

const directory = createSeedDirectory();
const draft = draftPlanText(readSeedPlan(LAI_CHAU), directory, {
  fileName: LAI_CHAU,
  mediaType: 'text/plain',
});
const issuer: Actor = { personId: 'p-issuer', agencyCode: 'lc-ubnd-tinh', roles: ['issuer'] };
/** Lai Châu's plan names agencies the directory cannot match: its review excludes those tasks. */
const unresolved = draft.tasks.filter((task) => task.unresolved.length > 0 || task.dueDate === null);
const reviewed = { tasks: unresolved.map((task) => ({ taskId: task.taskId, exclude: true })) };

describe('planConfirmation (pure)', () => {
  it('refuses to issue a draft read from a document about the plan', () => {
    const news = draftPlanText(
      'Ngày 05/5/2022, Uỷ ban nhân dân tỉnh ban hành Kế hoạch số 78/KH-UBND về việc triển khai Tháng hành động vì trẻ em năm 2022.',
      directory,
    );
    expect(news.origin).toBe('secondary-source');
    let refused: unknown;
    try {
      planConfirmation(news, {}, directory, issuer);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApplicationError);
    expect(refused).toMatchObject({ code: 'draft.needs-review' });
    expect((refused as ApplicationError).errors?.[0]?.detail).toMatch(/document about the plan/u);
  });

  it('gives IssuePlan for the draft, then one AssignTask per task not excluded, in draft order', () => {
    const planned = planConfirmation(draft, reviewed, directory, issuer);

    expect(planned.issue).toMatchObject({
      planId: draft.planId,
      issuerAgencyCode: 'lc-ubnd-tinh',
      contentHash: draft.contentHash,
    });
    const kept = draft.tasks.filter((task) => !unresolved.includes(task));
    expect(planned.assignments.map((a) => a.taskId)).toEqual(kept.map((task) => task.taskId));
    expect(
      planned.assignments.every((a) => a.planId === draft.planId && a.issuerAgencyCode === 'lc-ubnd-tinh'),
    ).toBe(true);
    expect(planned.excluded).toBe(unresolved.length);
  });

  it("dates the decision on the plan's date, midnight in Asia/Ho_Chi_Minh", () => {
    const planned = planConfirmation(
      draft,
      { ...reviewed, plan: { issuedOn: '2024-03-15' } },
      directory,
      issuer,
    );
    expect(planned.occurredAt).toBe('2024-03-14T17:00:00.000Z');
  });

  it('applies corrections: the plan title, a task excluded, a task with other assignees', () => {
    const [first, second] = draft.tasks.filter((task) => !unresolved.includes(task));
    const planned = planConfirmation(
      draft,
      {
        plan: { title: 'Kế hoạch (đã sửa)' },
        tasks: [
          ...reviewed.tasks,
          { taskId: first!.taskId, exclude: true },
          { taskId: second!.taskId, assignees: [{ agencyCode: 'lc-so-y-te', role: 'lead' }] },
        ],
      },
      directory,
      issuer,
    );
    expect(planned.issue.title).toBe('Kế hoạch (đã sửa)');
    expect(planned.assignments.some((a) => a.taskId === first!.taskId)).toBe(false);
    expect(planned.assignments.find((a) => a.taskId === second!.taskId)?.assignees).toEqual([
      { agencyCode: 'lc-so-y-te', role: 'lead' },
    ]);
  });

  it('refuses with draft.needs-review and a pointer per fault, before any command', () => {
    let refusal: unknown;
    try {
      planConfirmation(
        draft,
        {
          tasks: [
            { taskId: 'no-such-task' },
            { taskId: draft.tasks[0]!.taskId, assignees: [{ agencyCode: 'nowhere', role: 'lead' }] },
          ],
        },
        directory,
        issuer,
      );
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ApplicationError);
    expect(refusal).toMatchObject({ code: 'draft.needs-review', kind: 'invalid' });
    const pointers = (refusal as ApplicationError).errors?.map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/tasks/0/taskId', '/tasks/1/assignees/0/agencyCode']));
  });

  it('refuses what a decider would refuse (a due date that is not a date) as validation', () => {
    const [task] = draft.tasks.filter((t) => !unresolved.includes(t));
    expect(() =>
      planConfirmation(
        draft,
        { tasks: [...reviewed.tasks, { taskId: task!.taskId, dueDate: '2025-02-30' }] },
        directory,
        issuer,
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'validation',
        errors: [expect.objectContaining({ pointer: '/tasks' })],
      }),
    );
  });
});

describe('planConfirmation: yearly reporting cycles', () => {
  const planned = planConfirmation(draft, reviewed, directory, issuer);
  const reporting = planned.issue.reporting!;

  it('groups the report tasks by year, each cycle opening on 1 January (UTC+7)', () => {
    expect(reporting.focalAgencyCode).toBe('lc-so-ldtbxh');
    expect(reporting.cycles.map((c) => [c.year, c.opensAt])).toEqual(
      [2024, 2025, 2026, 2027, 2028, 2029, 2030].map((year) => [
        year,
        new Date(`${year}-01-01T00:00:00+07:00`).toISOString(),
      ]),
    );
    const reports = planned.assignments.filter((a) => a.kind === 'report');
    expect(reporting.cycles.flatMap((c) => c.tasks.map((t) => t.taskId))).toEqual(
      reports.map((a) => a.taskId),
    );
    // Each party's report goes to Sở LĐTBXH 15 days before its consolidated one.
    const cycle2025 = reporting.cycles.find((c) => c.year === 2025)!;
    const consolidated = cycle2025.tasks.filter((t) => t.reportsTo === undefined);
    expect(consolidated.map((t) => [t.assignees[0]?.agencyCode, t.dueDate])).toEqual([
      ['lc-so-ldtbxh', '2025-11-30'],
    ]);
    const parties = cycle2025.tasks.filter((t) => t.reportsTo !== undefined);
    expect(parties.every((t) => t.reportsTo === 'lc-so-ldtbxh' && t.dueDate === '2025-11-15')).toBe(true);
  });

  it('moves the parties’ due dates by the lead time the reviewer gives', () => {
    const corrected = planConfirmation(
      draft,
      { ...reviewed, plan: { reporting: { consolidationLeadDays: 30 } } },
      directory,
      issuer,
    );
    expect(corrected.issue.reporting?.consolidationLeadDays).toBe(30);
    const parties = corrected.assignments.filter((a) => a.reportsTo !== undefined && a.reportYear === 2026);
    expect(parties.length).toBeGreaterThan(10);
    expect(parties.every((a) => a.dueDate === '2026-10-31')).toBe(true);
  });

  it('refuses a lead time or a deadline policy out of range, with pointers', () => {
    let refused: unknown;
    try {
      planConfirmation(
        draft,
        { ...reviewed, plan: { deadlinePolicy: { reminderDaysBefore: [0] } } },
        directory,
        issuer,
      );
    } catch (error) {
      refused = error;
    }
    expect((refused as ApplicationError).errors?.map((e) => e.pointer)).toEqual([
      '/plan/deadlinePolicy/reminderDaysBefore/0',
    ]);
    expect(() =>
      planConfirmation(
        draft,
        { ...reviewed, plan: { reporting: { consolidationLeadDays: 400 } } },
        directory,
        issuer,
      ),
    ).toThrow(expect.objectContaining({ code: 'draft.needs-review' }));
  });

  it('leaves to their timers the cycles the recorded plan did not open with it', () => {
    const recorded = {
      reporting: {
        ...reporting,
        cycles: reporting.cycles.map((c) => ({ ...c, openedWithPlan: c.year <= 2025 })),
      },
    };
    const later = tasksLeftToCycles(recorded);
    const reports = planned.assignments.filter((a) => a.kind === 'report');
    expect([...later].sort()).toEqual(
      reports
        .filter((a) => a.reportYear! >= 2026)
        .map((a) => a.taskId)
        .sort(),
    );
    expect(tasksLeftToCycles({})).toEqual(new Set());
  });
});
