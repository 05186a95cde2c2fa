import { WorkingCalendar } from '#libs/calendar';
import type { Task } from '../task.state.js';
import { responsibleAgency, leadAgency } from '../task.state.js';

/**
 * When a task's deadline acts. Due dates are calendar dates in Asia/Ho_Chi_Minh (UTC+7 all year,
 * no daylight saving since 1975): a task due 2025-11-30 lapses at 2025-12-01T00:00+07:00.
 */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Who an escalation goes to: the lead agency of the task, then the issuing committee. */
export type EscalationTarget = 'lead' | 'issuer';

export interface EscalationStep {
  readonly daysOverdue: number;
  readonly to: EscalationTarget;
  /**
   * 'working-days': `daysOverdue` counts working days (weekends and Vietnamese public holidays
   * skipped, libs/calendar): the step fires at the end of the Nth working day after the due date.
   * Default 'days' (calendar days).
   */
  readonly counting?: 'days' | 'working-days';
}

/** How a plan's deadlines act: reminders before, escalations after. */
export interface DeadlinePolicy {
  /** Days before the deadline a reminder goes out (default 7 and 1). */
  readonly reminderDaysBefore: readonly number[];
  /** Days after the deadline the task is escalated, and to whom (default 7: lead, 14: issuer). */
  readonly escalations: readonly EscalationStep[];
}

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  reminderDaysBefore: [7, 1],
  escalations: [
    { daysOverdue: 7, to: 'lead' },
    { daysOverdue: 14, to: 'issuer' },
  ],
};

export type DeadlineTimerKind = 'reminder' | 'lapse' | 'escalation';

/** One moment at which a task's deadline acts, once. */
export interface DeadlineTimer {
  /** Stable: the same task, kind, due date and step always give the same id. */
  readonly timerId: string;
  readonly taskId: string;
  readonly planId: string;
  readonly kind: DeadlineTimerKind;
  readonly dueDate: string;
  /** When it fires, an ISO instant. */
  readonly fireAt: string;
  /** Reminders: days before the deadline; escalations: days after it; lapse: 0. */
  readonly days: number;
  /** Escalations: 1 for the first step, 2 for the next... */
  readonly level: number | null;
  readonly escalateTo: EscalationTarget | null;
  /**
   * 'working-days': the moment is counted in working days from the due date, so it moves when
   * the holiday calendar is amended (retimedForCalendar). Null: counted in calendar days.
   */
  readonly counting: 'working-days' | null;
}

/** The shipped holiday table, without run-time amendments. */
const SHIPPED_CALENDAR = new WorkingCalendar();

/** The instant a task due on `dueDate` becomes overdue: the next midnight in Asia/Ho_Chi_Minh. */
export function deadlineInstant(dueDate: string): string {
  return new Date(Date.parse(`${dueDate}T00:00:00Z`) + DAY_MS - VIETNAM_OFFSET_MS).toISOString();
}

/** Whole days from a deadline to an instant, counted by local calendar dates (0 before it). */
export function daysLate(dueDate: string, doneAt: string): number {
  const late = Date.parse(doneAt) - Date.parse(deadlineInstant(dueDate));
  return late <= 0 ? 0 : Math.ceil(late / DAY_MS);
}

/**
 * The timers of an open task for its current due date. `since`: when they are (re)computed (the
 * assignment or extension took effect). A moment that had already passed then is left out: a
 * deadline acts on a task that existed before it, not on one entered after the fact with a due
 * date already past (it shows as overdue, and in the scorecard, but nothing lapsed while it was
 * assigned). Moments after `since` always fire, however late the workers get to them.
 */
export function deadlineTimers(
  task: Pick<Task, 'taskId' | 'planId' | 'dueDate'>,
  policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY,
  since: string | null = null,
  calendar: WorkingCalendar = SHIPPED_CALENDAR,
): DeadlineTimer[] {
  const deadline = Date.parse(deadlineInstant(task.dueDate));
  const base = { taskId: task.taskId, planId: task.planId, dueDate: task.dueDate };
  const timers: DeadlineTimer[] = [];
  for (const days of [...new Set(policy.reminderDaysBefore)].sort((a, b) => b - a)) {
    const fireAt = deadline - days * DAY_MS;
    timers.push({
      ...base,
      timerId: `${task.taskId}/${task.dueDate}/reminder-${days}`,
      kind: 'reminder',
      fireAt: new Date(fireAt).toISOString(),
      days,
      level: null,
      escalateTo: null,
      counting: null,
    });
  }
  timers.push({
    ...base,
    timerId: `${task.taskId}/${task.dueDate}/lapse`,
    kind: 'lapse',
    fireAt: new Date(deadline).toISOString(),
    days: 0,
    level: null,
    escalateTo: null,
    counting: null,
  });
  [...policy.escalations]
    .sort((a, b) => a.daysOverdue - b.daysOverdue)
    .forEach((step, index) => {
      timers.push({
        ...base,
        timerId: `${task.taskId}/${task.dueDate}/escalation-${index + 1}`,
        kind: 'escalation',
        fireAt:
          step.counting === 'working-days'
            ? workingDaysAfter(task.dueDate, step.daysOverdue, calendar)
            : new Date(deadline + step.daysOverdue * DAY_MS).toISOString(),
        days: step.daysOverdue,
        level: index + 1,
        escalateTo: step.to,
        counting: step.counting === 'working-days' ? 'working-days' : null,
      });
    });
  return since === null ? timers : timers.filter((timer) => Date.parse(timer.fireAt) > Date.parse(since));
}

/** The end of the Nth working day after a due date: when a step counted in working days acts. */
function workingDaysAfter(dueDate: string, days: number, calendar: WorkingCalendar): string {
  return deadlineInstant(calendar.addWorkingDays(dueDate, days));
}

/**
 * A timer still waiting, after the holiday calendar was amended: one counted in working days
 * moves to its moment under the amended calendar; any other stays. Answers null when it does not
 * move.
 */
export function retimedForCalendar(
  timer: Pick<DeadlineTimer, 'dueDate' | 'days' | 'fireAt' | 'counting'>,
  calendar: WorkingCalendar,
): string | null {
  if (timer.counting !== 'working-days') return null;
  const fireAt = workingDaysAfter(timer.dueDate, timer.days, calendar);
  return fireAt === new Date(Date.parse(timer.fireAt)).toISOString() ? null : fireAt;
}

const MAX_POLICY_DAYS = 366;

/**
 * A plan's deadline policy as given (by a reviewer confirming a draft), checked: reminders are
 * whole days before the deadline (1 to 366, distinct), escalations whole days after it, strictly
 * increasing, each to the lead or the issuing committee, counted in calendar or working days.
 * `refuse(field, message)` names the faulty field ('reminderDaysBefore.1').
 */
export function validDeadlinePolicy(
  value: unknown,
  refuse: (field: string, message: string) => never,
): DeadlinePolicy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse('', 'must be an object');
  const given = value as Record<string, unknown>;
  const days = (day: unknown, field: string): number => {
    if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > MAX_POLICY_DAYS) {
      refuse(field, `must be a whole number of days from 1 to ${MAX_POLICY_DAYS}`);
    }
    return day;
  };
  const reminders = given['reminderDaysBefore'] ?? DEFAULT_DEADLINE_POLICY.reminderDaysBefore;
  if (!Array.isArray(reminders)) refuse('reminderDaysBefore', 'must be a list of days');
  const reminderDaysBefore = (reminders as unknown[]).map((day, i) => days(day, `reminderDaysBefore.${i}`));
  reminderDaysBefore.forEach((day, i) => {
    if (reminderDaysBefore.indexOf(day) !== i) refuse(`reminderDaysBefore.${i}`, `${day} is listed twice`);
  });
  const steps = given['escalations'] ?? DEFAULT_DEADLINE_POLICY.escalations;
  if (!Array.isArray(steps)) refuse('escalations', 'must be a list of steps');
  let previous = 0;
  const escalations = (steps as unknown[]).map((step, i): EscalationStep => {
    const at = `escalations.${i}`;
    if (typeof step !== 'object' || step === null) refuse(at, 'must be an object');
    const s = step as Record<string, unknown>;
    const daysOverdue = days(s['daysOverdue'], `${at}.daysOverdue`);
    if (daysOverdue <= previous) refuse(`${at}.daysOverdue`, 'must be later than the step before');
    previous = daysOverdue;
    const to = s['to'];
    if (to !== 'lead' && to !== 'issuer') refuse(`${at}.to`, "must be 'lead' or 'issuer'");
    const counting = s['counting'] ?? 'days';
    if (counting !== 'days' && counting !== 'working-days') {
      refuse(`${at}.counting`, "must be 'days' or 'working-days'");
    }
    return { daysOverdue, to, ...(counting === 'working-days' ? { counting } : {}) };
  });
  return { reminderDaysBefore, escalations };
}

/** What a timer needs to know of its task when it fires (kept up to date while it waits). */
export interface DeadlineTaskSnapshot {
  readonly title: string;
  readonly issuerAgencyCode: string;
  /** The agency answerable for the task: its lead, else its sole assignee. */
  readonly responsibleAgency: string | null;
  readonly leadAgency: string | null;
  /** Assignees whose own part is not completed yet. */
  readonly openAgencies: readonly string[];
  readonly sourceClause: Task['sourceClause'];
  /** A party's yearly report: the focal agency it goes to (absent in snapshots taken before). */
  readonly reportsTo?: string | null;
}

export function deadlineTaskSnapshot(task: Task): DeadlineTaskSnapshot {
  return {
    title: task.title,
    issuerAgencyCode: task.issuerAgencyCode,
    responsibleAgency: responsibleAgency(task),
    leadAgency: leadAgency(task),
    openAgencies: task.assignees.filter((a) => a.status !== 'completed').map((a) => a.agencyCode),
    sourceClause: task.sourceClause,
    reportsTo: task.reportsTo ?? null,
  };
}
