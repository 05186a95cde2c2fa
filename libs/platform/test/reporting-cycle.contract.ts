import { readFileSync } from 'node:fs';
import { createSeedDirectory } from '#libs/agencies';
import { planConfirmation, tasksLeftToCycles } from '#libs/application';
import { draftPlanText } from '#libs/plan-intake';
import type { PlanIssuedData } from '#libs/plans';
import { agencyScorecard, getPlan, reportingCycleStatus } from '#libs/projections';
import type { Actor } from '#libs/shared-kernel';
import { deadlineInstant, type TaskCommand } from '#libs/tasks';
import { DeadlineFirer, ManualClock } from '../src/index.js';
import { World } from '../../projections/test/support/world.js';
import type { TimerBackend } from './deadline-timers.contract.js';

const COMMITTEE = 'lc-ubnd-tinh';
const FOCAL = 'lc-so-ldtbxh';
/** Reports late in 2025, and not at all in 2026 (by the day the walk ends). */
const LATE = 'lc-so-y-te';
/** Reports on time in both years. */
const PROMPT = 'lc-so-gddt';

const issuer: Actor = { personId: 'chu-tich-ubnd', agencyCode: COMMITTEE, roles: ['issuer'] };
const officerOf = (agencyCode: string): Actor => ({
  personId: `can-bo-${agencyCode}`,
  agencyCode,
  roles: ['officer'],
});
const vn = (date: string, time = '09:00'): string => new Date(`${date}T${time}:00+07:00`).toISOString();

/**
 * A reporting cycle walked through 2025 and 2026 on the Lai Châu seed plan (yearly report to the
 * provincial committee before 01/12, through Sở LĐTBXH), on a clock the test sets: each year's
 * report tasks are opened by the cycle's timer at the start of the year, the parties report to
 * the focal agency by its earlier date (one late), the focal agency consolidates and the committee
 * accepts, and the scorecard counts the four states.
 */
export function reportingCycleContract(open: () => Promise<TimerBackend>): void {
  let backend: TimerBackend;
  let world: World;
  let clock: ManualClock;
  let firer: DeadlineFirer;

  beforeAll(async () => {
    backend = await open();
    world = await World.create(backend.pool);
    clock = new ManualClock(vn('2024-12-20'));
    firer = new DeadlineFirer({ pool: backend.pool, store: world.store, schema: world.schema, clock });
  });

  afterAll(async () => {
    await world.dispose(backend.secondPool !== undefined);
    await backend.dispose();
  });

  const project = () => world.runner().catchUp();
  async function at(instant: string): Promise<number> {
    clock.set(instant);
    await project();
    const fired = await firer.fireAllDue();
    await project();
    return fired;
  }
  const act = async (command: TaskCommand) => {
    const result = await world.task(command);
    if (result === null) throw new Error(`${command.type} on ${command.data.taskId} changed nothing`);
  };
  const meta = (actor: Actor, date: string, time?: string) => ({ actor, now: vn(date, time) });
  /** The agency reports, and the focal agency (or for its own consolidation, the committee) accepts. */
  async function report(taskId: string, agencyCode: string, date: string, decider: Actor) {
    await act({
      type: 'SubmitCompletion',
      data: { taskId, agencyCode, report: `Báo cáo kết quả năm của ${agencyCode}` },
      metadata: meta(officerOf(agencyCode), date),
    });
    await act({
      type: 'AcceptCompletion',
      data: { taskId, agencyCode, reason: 'Đã tiếp nhận, đủ nội dung' },
      metadata: meta(decider, date, '15:00'),
    });
  }
  const status = (year: number, asOf: string) => reportingCycleStatus(world.manager, { planId, year, asOf });
  const lapses = async () =>
    (
      await backend.pool.query<{ task_id: string; data: { responsibleAgency: string; dueDate: string } }>(
        `select task_id, data from ${world.schema}.deadline_notices where type = 'DeadlineLapsed' order by occurred_at`,
      )
    ).rows;

  let planId: string;

  it('issues the seed plan in December 2024: the 2024 cycle with it, later years by their timer', async () => {
    const seed = readFileSync(
      new URL('../../plan-intake/seed-plans/laichau-2024-ct28-kh.txt', import.meta.url),
      'utf8',
    );
    const directory = createSeedDirectory();
    const draft = draftPlanText(seed, directory, { fileName: 'laichau-2024-ct28-kh.txt' });
    const planned = planConfirmation(
      draft,
      {
        plan: {
          reporting: { consolidationLeadDays: 15 },
          // Reminders 10 and 3 days before; escalation after 5 working days to the lead, 10 to the committee.
          deadlinePolicy: {
            reminderDaysBefore: [10, 3],
            escalations: [
              { daysOverdue: 5, to: 'lead', counting: 'working-days' },
              { daysOverdue: 10, to: 'issuer', counting: 'working-days' },
            ],
          },
        },
      },
      directory,
      issuer,
    );
    planId = planned.issue.planId;
    await world.issuePlan({ type: 'IssuePlan', data: planned.issue, metadata: meta(issuer, '2024-12-20') });
    const [recorded] = await world.store.readStream(`plan-${planId}`);
    const plan = recorded!.data as PlanIssuedData;
    expect(plan.reporting?.focalAgencyCode).toBe(FOCAL);
    expect(plan.reporting?.cycles.map((c) => [c.year, c.openedWithPlan])).toEqual([
      [2024, true],
      [2025, false],
      [2026, false],
      [2027, false],
      [2028, false],
      [2029, false],
      [2030, false],
    ]);
    const later = tasksLeftToCycles(plan);
    for (const data of planned.assignments) {
      if (later.has(data.taskId)) continue;
      await act({ type: 'AssignTask', data, metadata: meta(issuer, '2024-12-20') });
    }
    expect(await at(vn('2024-12-31', '23:59'))).toBe(0);
    // The plan as /plans answers it: its own policy and its cycles.
    const view = await getPlan(world.manager, planId);
    expect(view?.deadlinePolicy).toEqual(plan.deadlinePolicy);
    expect(view?.reporting).toMatchObject({ focalAgencyCode: FOCAL, consolidationLeadDays: 15 });
    expect(view?.reporting?.cycles.map((c) => c.reportTasks)).toEqual(Array(7).fill(25));
    expect((await status(2025, vn('2024-12-31', '23:59'))).opened).toBe(false);
  });

  it('opens the 2025 cycle on 1 January 2025, once: each party reports to the focal agency by 15/11', async () => {
    // Two workers at the start of the year: one opens the cycle, the other finds nothing to do.
    const second = new DeadlineFirer({
      pool: backend.secondPool ?? backend.pool,
      store: world.store,
      schema: world.schema,
      clock,
    });
    clock.set(vn('2025-01-01', '00:00'));
    await project();
    const [a, b] = await Promise.all([firer.fireAllDue(), second.fireAllDue()]);
    await project();
    const cycle = await status(2025, vn('2025-01-02'));
    expect(cycle.opened).toBe(true);
    expect(a + b).toBe(cycle.parties.length + 1);
    expect(cycle.focalAgencyCode).toBe(FOCAL);
    expect(cycle.parties.length).toBeGreaterThan(10);
    expect(cycle.parties.every((p) => p.dueDate === '2025-11-15')).toBe(true);
    expect(cycle.consolidation).toMatchObject({ agencyCode: FOCAL, dueDate: '2025-11-30', reported: false });
    expect(cycle.notReported).toEqual(cycle.parties.map((p) => p.agencyCode));
    // Assigned as the committee's decision, taking effect at the start of the cycle.
    const { rows } = await backend.pool.query<{ occurred_at: Date; actor: string }>(
      `select occurred_at, metadata->'actor'->>'personId' as actor from ${world.schema}.events
        where type = 'TaskAssigned' and data->>'taskId' = $1`,
      [cycle.consolidation!.taskId],
    );
    expect(rows.map((r) => [r.occurred_at.toISOString(), r.actor])).toEqual([
      [vn('2025-01-01', '00:00'), 'coord-deadlines'],
    ]);
    expect((await status(2026, vn('2025-01-02'))).opened).toBe(false);
  });

  it('walks 2025: the parties report, one late; the focal agency consolidates; the committee accepts', async () => {
    const cycle = await status(2025, vn('2025-01-02'));
    const party = (code: string) => cycle.parties.find((p) => p.agencyCode === code)!;
    for (const p of cycle.parties) {
      if (p.agencyCode !== LATE) await report(p.taskId, p.agencyCode!, '2025-11-10', officerOf(FOCAL));
    }
    // The late party's deadline passes: reminders 10 and 3 days before, then the lapse.
    await at(vn('2025-11-16', '08:00'));
    expect((await lapses()).map((l) => l.task_id)).toEqual([party(LATE).taskId]);
    const midway = await status(2025, vn('2025-11-16', '08:00'));
    expect(midway.notReported).toEqual([LATE]);
    expect(midway.parties.find((p) => p.agencyCode === LATE)).toMatchObject({ reported: false, late: true });
    const { rows: reminders } = await backend.pool.query<{ days: number }>(
      `select (data->>'daysBefore')::int as days from ${world.schema}.deadline_notices
        where type = 'DeadlineReminderSent' and task_id = $1 order by occurred_at`,
      [party(LATE).taskId],
    );
    expect(reminders.map((r) => r.days)).toEqual([10, 3]);

    await report(party(LATE).taskId, LATE, '2025-11-20', officerOf(FOCAL));
    await report(cycle.consolidation!.taskId, FOCAL, '2025-11-27', issuer);
    await at(vn('2025-12-31'));
    // Done before its first escalation (5 working days after 15/11: 21/11): none was recorded.
    expect((await lapses()).map((l) => l.task_id)).toEqual([party(LATE).taskId]);

    const done = await status(2025, vn('2025-12-31'));
    expect(done.notReported).toEqual([]);
    expect(done.parties.filter((p) => p.late).map((p) => p.agencyCode)).toEqual([LATE]);
    // The committee sees the consolidation, submitted and accepted on time.
    expect(done.consolidation).toMatchObject({
      agencyCode: FOCAL,
      reported: true,
      late: false,
      status: 'completed',
      submittedAt: vn('2025-11-27'),
    });
  });

  it('opens 2026 at its start; by 23/11/2026 the scorecard shows the four states', async () => {
    await at(vn('2026-01-01', '00:00'));
    const cycle = await status(2026, vn('2026-01-02'));
    expect(cycle.opened).toBe(true);
    const prompt = cycle.parties.find((p) => p.agencyCode === PROMPT)!;
    await report(prompt.taskId, PROMPT, '2026-11-02', officerOf(FOCAL));
    const asOf = vn('2026-11-23');
    await at(asOf);

    const card = (agencyCode: string) =>
      agencyScorecard(world.manager, { agencyCode, from: '2025-01-01', to: '2026-12-31', asOf });
    const row = (year: number, counts: Partial<Record<string, number>>) => ({
      year,
      doneOnTime: 0,
      doneLate: 0,
      openWithinDeadline: 0,
      openOverdue: 0,
      ...counts,
    });
    // The focal agency: 2025's consolidation on time; 2026's is due 30/11, still within it.
    expect(await card(FOCAL)).toEqual([
      { agencyCode: FOCAL, ...row(2025, { doneOnTime: 1 }) },
      { agencyCode: FOCAL, ...row(2026, { openWithinDeadline: 1 }) },
    ]);
    // The late party: 2025 done late; 2026 not reported by 15/11, overdue.
    expect(await card(LATE)).toEqual([
      { agencyCode: LATE, ...row(2025, { doneLate: 1 }) },
      { agencyCode: LATE, ...row(2026, { openOverdue: 1 }) },
    ]);
    expect(await card(PROMPT)).toEqual([
      { agencyCode: PROMPT, ...row(2025, { doneOnTime: 1 }) },
      { agencyCode: PROMPT, ...row(2026, { doneOnTime: 1 }) },
    ]);
    const now = await status(2026, asOf);
    expect(now.reported).toEqual([PROMPT]);
    expect(now.consolidation).toMatchObject({ reported: false, late: false });
    // Every party that has not reported by 15/11/2026 lapsed, once each.
    expect((await lapses()).filter((l) => l.data.dueDate === '2026-11-15')).toHaveLength(
      now.notReported.length,
    );
    expect(deadlineInstant('2026-11-15')).toBe(vn('2026-11-16', '00:00'));
  });
}
