import type { EntityManager } from 'typeorm';
import { WorkingCalendar, type HolidayAmendment } from '#libs/calendar';
import { planDeadlinePolicyOf, reassignedCycleTasks, type PlanIssuedData } from '#libs/plans';
import {
  DEFAULT_DEADLINE_POLICY,
  deadlineTaskSnapshot,
  deadlineTimers,
  responsibleAgency,
  retimedForCalendar,
  type DeadlinePolicy,
  type DeadlineTimer,
} from '#libs/tasks';
import { toIsoInstant } from '../database/columns.js';
import { projectionSchema } from '../database/schema.js';
import type { Projection, ProjectionEvent } from '../framework/projection.js';

/**
 * The deadline timers of open tasks, what the deadlines did, and when each task was closed.
 *
 * - `deadline_timers`: one row per reminder, lapse and escalation of a task's current due date.
 *   An assignment adds them; a granted extension drops those still waiting that were due after it
 *   took effect and adds the new date's; a completion or cancellation drops those still waiting
 *   that were due after it. A timer due before such an event stays: it fires on catch-up (the
 *   deadline did pass while the task was open). The deadline worker (libs/platform) fires them
 *   and marks them fired in the transaction that records their event; this projection marks them
 *   fired too when it meets that event, so a rebuild from the log never fires one again.
 * - `deadline_notices`: every deadline event (reminder, lapse, escalation), for accountability.
 * - `task_outcomes`: per task, its due date, who answers for it, and when it was completed or
 *   cancelled, for the scorecards (and, for a party's yearly report, the focal agency it goes to).
 * - `deadline_plans`: each plan's deadline policy, when it has its own; timers follow it.
 * - `deadline_holiday_amendments`: the holiday calendar's amendments. A step counted in working
 *   days is computed with them, and an amendment moves the waiting timers counted so.
 * - Reporting cycles: a plan's yearly cycle that had not begun when it was issued is a timer of
 *   kind `cycle` (`{plan}/cycle-{year}`), holding the cycle's report tasks; the deadline worker
 *   assigns them when it fires. A reorganisation's ReportingCycleReassigned moves a report in the
 *   waiting timer (ADR 0032), and PlanPassedToSuccessor the committee that opens it.
 */
export const deadlineTimersProjection: Projection = {
  name: 'deadline-timers',
  version: 3,
  entities: [],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    const s = projectionSchema(manager);
    const outcomes = new Map<string, TaskOutcomeRow>();
    const pending = new PendingTimerWrites();
    const flush = (): Promise<void> => pending.flush(manager, s);
    const policies = new Map<string, DeadlinePolicy>();
    const policyOf = async (planId: string): Promise<DeadlinePolicy> => {
      let policy = policies.get(planId);
      if (!policy) {
        const rows = await manager.query<{ policy: DeadlinePolicy }[]>(
          `select policy from ${s}.deadline_plans where plan_id = $1`,
          [planId],
        );
        policy = rows[0]?.policy ?? DEFAULT_DEADLINE_POLICY;
        policies.set(planId, policy);
      }
      return policy;
    };
    let calendar: WorkingCalendar | undefined;
    const calendarNow = async (): Promise<WorkingCalendar> => {
      calendar ??= new WorkingCalendar(await holidayAmendments(manager, s));
      return calendar;
    };
    const timersOf = async (
      task: Parameters<typeof deadlineTaskSnapshot>[0],
      since: string,
      version: number,
    ) =>
      deadlineTimers(task, await policyOf(task.planId), since, await calendarNow()).map((t) =>
        timerRow(t, task, version),
      );
    for (const change of events) {
      const occurredAt = toIsoInstant(change.recorded.metadata.occurredAt);
      if (change.kind === 'plan') {
        await flush();
        // A plan's number and signing date change no deadline.
        if (change.event.type === 'PlanRegistered') continue;
        if (change.event.type === 'PlanPassedToSuccessor') {
          // The cycles not opened yet are opened by the committee that carries the plan on.
          const { planId, toIssuer } = change.event.data;
          await manager.query(
            `update ${s}.deadline_timers
                set task = jsonb_set(task, '{issuerAgencyCode}', to_jsonb($2::text))
              where plan_id = $1 and kind = 'cycle' and fired_at is null`,
            [planId, toIssuer],
          );
          continue;
        }
        if (change.event.type === 'ReportingCycleReassigned') {
          // A reorganisation moved a report of a cycle still to open: it opens with the successor.
          const { data } = change.event;
          const rows = await manager.query<{ task: CycleTimerPayload }[]>(
            `select task from ${s}.deadline_timers where timer_id = $1 and fired_at is null`,
            [cycleTimerId(data.planId, data.year)],
          );
          const payload = rows[0]?.task;
          if (!payload) continue;
          const next: CycleTimerPayload = { ...payload, tasks: reassignedCycleTasks(payload.tasks, data) };
          await manager.query(`update ${s}.deadline_timers set task = $2 where timer_id = $1`, [
            cycleTimerId(data.planId, data.year),
            JSON.stringify(next),
          ]);
          continue;
        }
        const plan = change.event.data;
        if (plan.deadlinePolicy) {
          // A plan is issued once: its first issue's policy holds (as in the plans table), also
          // for the tasks of this batch. Taking a later issue's here would give timers that a
          // batch boundary between the two issues would not (the next batch reads the row).
          const inserted = await manager.query<{ plan_id: string }[]>(
            `insert into ${s}.deadline_plans (plan_id, policy) values ($1, $2)
             on conflict (plan_id) do nothing returning plan_id`,
            [plan.planId, JSON.stringify(plan.deadlinePolicy)],
          );
          if (inserted.length > 0) policies.set(plan.planId, planDeadlinePolicyOf(plan));
        }
        await pending.insert(cycleTimers(plan), manager, s);
        continue;
      }
      if (change.kind === 'calendar') {
        await flush();
        await manager.query(
          `insert into ${s}.deadline_holiday_amendments (event_id, global_position, amendment)
           values ($1, $2, $3) on conflict (event_id) do nothing`,
          [change.recorded.id, change.recorded.globalPosition.toString(), JSON.stringify(change.event.data)],
        );
        calendar = undefined;
        await retimeWorkingDays(manager, s, await calendarNow());
        continue;
      }
      if (change.kind === 'deadline') {
        await flush();
        const { data } = change.event;
        await manager.query(
          `update ${s}.deadline_timers set fired_at = coalesce(fired_at, $2), outcome = 'fired'
            where timer_id = $1`,
          [data.timerId, toIsoInstant(change.recorded.metadata.recordedAt)],
        );
        await manager.query(
          `insert into ${s}.deadline_notices
             (event_id, timer_id, task_id, plan_id, type, due_date, occurred_at, recorded_at, responsible_agency, data)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           on conflict (event_id) do nothing`,
          [
            change.recorded.id,
            data.timerId,
            data.taskId,
            data.planId,
            change.event.type,
            data.dueDate,
            occurredAt,
            toIsoInstant(change.recorded.metadata.recordedAt),
            data.responsibleAgency,
            JSON.stringify(data),
          ],
        );
        continue;
      }
      if (change.kind !== 'task') continue;
      const { event, after } = change;
      if (after.status === 'none') continue;
      const version = change.recorded.streamVersion;
      const outcome: TaskOutcomeRow = outcomes.get(after.taskId) ?? {
        task_id: after.taskId,
        plan_id: after.planId,
        kind: after.kind,
        report_year: after.reportYear,
        reports_to: after.reportsTo ?? null,
        issuer_agency_code: after.issuerAgencyCode,
        assigned_at: occurredAt,
        closed_at: null,
      };
      // A batch that meets a task only after its close starts with closed_at null: the upsert
      // below keeps the stored close then, as one batch holding both events would.
      outcomes.set(after.taskId, {
        ...outcome,
        due_date: after.dueDate,
        status: after.status,
        responsible_agency: responsibleAgency(after),
        closed_at:
          event.type === 'TaskCompleted' || event.type === 'TaskCancelled' ? occurredAt : outcome.closed_at,
      });
      switch (event.type) {
        case 'TaskAssigned': {
          const rows = await timersOf(after, occurredAt, version);
          await pending.insert(rows, manager, s);
          break;
        }
        case 'ExtensionGranted': {
          await pending.drop(after.taskId, occurredAt, manager, s);
          const rows = await timersOf(after, occurredAt, version);
          await pending.insert(rows, manager, s);
          break;
        }
        case 'TaskCompleted':
        case 'TaskCancelled':
          await pending.drop(after.taskId, occurredAt, manager, s);
          break;
        case 'HandoffAccepted':
        case 'TaskReassigned':
        case 'CompletionAccepted':
          // Who answers, and who still owes its part, when the timer fires.
          await pending.snapshot(after.taskId, deadlineTaskSnapshot(after), manager, s);
          break;
        case 'TaskAcknowledged':
        case 'ProgressReported':
        case 'HandoffRequested':
        case 'HandoffDeclined':
        case 'HandoffWithdrawn':
        case 'HandoffSuperseded':
        case 'ExtensionRequested':
        case 'ExtensionDenied':
        case 'CompletionSubmitted':
        case 'CompletionReturned':
          // The timers stand as they are.
          break;
      }
    }
    await flush();
    if (outcomes.size > 0) {
      await manager.query(
        `insert into ${s}.task_outcomes
           select * from jsonb_populate_recordset(null::${s}.task_outcomes, $1::jsonb)
         on conflict (task_id) do update set
           due_date = excluded.due_date, status = excluded.status,
           responsible_agency = excluded.responsible_agency,
           closed_at = coalesce(excluded.closed_at, ${s}.task_outcomes.closed_at)`,
        [JSON.stringify([...outcomes.values()])],
      );
    }
  },

  async reset(manager: EntityManager): Promise<void> {
    const s = projectionSchema(manager);
    await manager.query(`delete from ${s}.deadline_timers`);
    await manager.query(`delete from ${s}.deadline_notices`);
    await manager.query(`delete from ${s}.task_outcomes`);
    await manager.query(`delete from ${s}.deadline_plans`);
    await manager.query(`delete from ${s}.deadline_holiday_amendments`);
  },
};

interface DeadlineTimerRow {
  readonly timer_id: string;
  readonly task_id: string;
  readonly plan_id: string;
  readonly kind: string;
  readonly due_date: string;
  readonly fire_at: string;
  readonly days: number;
  readonly level: number | null;
  readonly escalate_to: string | null;
  readonly task: unknown;
  readonly source_version: number;
  readonly counting: string | null;
}

interface TaskOutcomeRow {
  readonly task_id: string;
  readonly plan_id: string;
  readonly kind: string;
  readonly report_year: number | null;
  readonly reports_to: string | null;
  readonly issuer_agency_code: string;
  readonly assigned_at: string;
  readonly due_date?: string;
  readonly status?: string;
  readonly responsible_agency?: string | null;
  readonly closed_at: string | null;
}

function timerRow(
  timer: DeadlineTimer,
  task: Parameters<typeof deadlineTaskSnapshot>[0],
  sourceVersion: number,
): DeadlineTimerRow {
  return {
    timer_id: timer.timerId,
    task_id: timer.taskId,
    plan_id: timer.planId,
    kind: timer.kind,
    due_date: timer.dueDate,
    fire_at: timer.fireAt,
    days: timer.days,
    level: timer.level,
    escalate_to: timer.escalateTo,
    task: deadlineTaskSnapshot(task),
    source_version: sourceVersion,
    counting: timer.counting,
  };
}

/** What a cycle timer holds: what the worker needs to assign the cycle's report tasks. */
export interface CycleTimerPayload {
  readonly planId: string;
  readonly issuerAgencyCode: string;
  readonly planIssuedOn: string | null;
  readonly year: number;
  readonly tasks: NonNullable<PlanIssuedData['reporting']>['cycles'][number]['tasks'];
}

const cycleTimerId = (planId: string, year: number): string => `${planId}/cycle-${year}`;

/** The timers of the plan's reporting cycles that had not begun when it was issued. */
function cycleTimers(plan: PlanIssuedData): DeadlineTimerRow[] {
  return (plan.reporting?.cycles ?? [])
    .filter((cycle) => !cycle.openedWithPlan && cycle.tasks.length > 0)
    .map((cycle) => {
      const id = cycleTimerId(plan.planId, cycle.year);
      const payload: CycleTimerPayload = {
        planId: plan.planId,
        issuerAgencyCode: plan.issuerAgencyCode,
        planIssuedOn: plan.issuedOn,
        year: cycle.year,
        tasks: cycle.tasks,
      };
      return {
        timer_id: id,
        task_id: id,
        plan_id: plan.planId,
        kind: 'cycle',
        due_date: `${cycle.year}-01-01`,
        fire_at: cycle.opensAt,
        days: 0,
        level: null,
        escalate_to: null,
        task: payload,
        source_version: 0,
        counting: null,
      };
    });
}

async function holidayAmendments(manager: EntityManager, s: string): Promise<HolidayAmendment[]> {
  const rows = await manager.query<{ amendment: HolidayAmendment }[]>(
    `select amendment from ${s}.deadline_holiday_amendments order by global_position`,
  );
  return rows.map((row) => row.amendment);
}

/** The holiday calendar changed: waiting timers counted in working days move to their new moment. */
async function retimeWorkingDays(
  manager: EntityManager,
  s: string,
  calendar: WorkingCalendar,
): Promise<void> {
  const rows = await manager.query<{ timer_id: string; due_date: string; days: number; fire_at: Date }[]>(
    `select timer_id, due_date::text as due_date, days, fire_at from ${s}.deadline_timers
      where fired_at is null and counting = 'working-days'`,
  );
  const moved = rows.flatMap((row) => {
    const fireAt = retimedForCalendar(
      {
        dueDate: row.due_date,
        days: row.days,
        fireAt: new Date(row.fire_at).toISOString(),
        counting: 'working-days',
      },
      calendar,
    );
    return fireAt === null ? [] : [{ timer_id: row.timer_id, fire_at: fireAt }];
  });
  if (moved.length === 0) return;
  await manager.query(
    `update ${s}.deadline_timers t set fire_at = m.fire_at
       from jsonb_to_recordset($1::jsonb) as m(timer_id text, fire_at timestamptz)
      where t.timer_id = m.timer_id and t.fired_at is null`,
    [JSON.stringify(moved)],
  );
}

async function insertTimers(
  manager: EntityManager,
  s: string,
  rows: readonly DeadlineTimerRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    // A timer already there (an extension back to a date it had before) keeps its state.
    await manager.query(
      `insert into ${s}.deadline_timers
         (timer_id, task_id, plan_id, kind, due_date, fire_at, days, level, escalate_to, task, source_version, counting)
       select timer_id, task_id, plan_id, kind, due_date, fire_at, days, level, escalate_to, task, source_version, counting
         from jsonb_populate_recordset(null::${s}.deadline_timers, $1::jsonb)
       on conflict (timer_id) do nothing`,
      [JSON.stringify(rows.slice(i, i + 2000))],
    );
  }
}

/**
 * The timer writes of task events, held back and written in three statements (inserts, then
 * snapshot updates, then drops of waiting timers) instead of one or two round trips per event:
 * a rebuild spent most of its time in those. The statements run in that order, so a write for a
 * task that must follow a held-back write of a later kind (an insert after a drop: an extension)
 * first writes out what is held. Within one kind the writes of a task combine: the last snapshot
 * wins (each replaced the same waiting timers), drops keep the earliest instant (each deleted the
 * waiting timers due after its own). Tasks are independent of each other.
 */
class PendingTimerWrites {
  private inserts: DeadlineTimerRow[] = [];
  private readonly snapshots = new Map<string, unknown>();
  private readonly drops = new Map<string, string>();
  /** Per task, the latest kind held: 0 insert, 1 snapshot, 2 drop. */
  private readonly stage = new Map<string, number>();

  async insert(rows: readonly DeadlineTimerRow[], manager: EntityManager, s: string): Promise<void> {
    for (const taskId of new Set(rows.map((row) => row.task_id))) await this.enter(taskId, 0, manager, s);
    this.inserts.push(...rows);
  }

  async snapshot(taskId: string, task: unknown, manager: EntityManager, s: string): Promise<void> {
    await this.enter(taskId, 1, manager, s);
    this.snapshots.set(taskId, task);
  }

  async drop(taskId: string, since: string, manager: EntityManager, s: string): Promise<void> {
    await this.enter(taskId, 2, manager, s);
    const held = this.drops.get(taskId);
    if (held === undefined || Date.parse(since) < Date.parse(held)) this.drops.set(taskId, since);
  }

  async flush(manager: EntityManager, s: string): Promise<void> {
    await insertTimers(manager, s, this.inserts);
    this.inserts = [];
    if (this.snapshots.size > 0) {
      await manager.query(
        `update ${s}.deadline_timers t set task = u.task
           from unnest($1::text[], $2::jsonb[]) as u(task_id, task)
          where t.task_id = u.task_id and t.fired_at is null`,
        [[...this.snapshots.keys()], [...this.snapshots.values()].map((task) => JSON.stringify(task))],
      );
      this.snapshots.clear();
    }
    if (this.drops.size > 0) {
      // Timers still waiting that were due after the event: the event made them moot.
      await manager.query(
        `delete from ${s}.deadline_timers t
           using unnest($1::text[], $2::timestamptz[]) as d(task_id, since)
          where t.task_id = d.task_id and t.fired_at is null and t.fire_at > d.since`,
        [[...this.drops.keys()], [...this.drops.values()]],
      );
      this.drops.clear();
    }
    this.stage.clear();
  }

  private async enter(taskId: string, stage: number, manager: EntityManager, s: string): Promise<void> {
    if ((this.stage.get(taskId) ?? -1) > stage) await this.flush(manager, s);
    this.stage.set(taskId, Math.max(stage, this.stage.get(taskId) ?? -1));
  }
}
