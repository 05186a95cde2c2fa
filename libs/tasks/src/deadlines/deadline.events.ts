import type { SourceClause } from '../task.types.js';
import {
  deadlineInstant,
  type DeadlineTaskSnapshot,
  type DeadlineTimer,
  type EscalationTarget,
} from './deadline-timers.js';

type Event<Type extends string, Data> = { readonly type: Type; readonly data: Data };

/**
 * What a deadline did, recorded by the timer that fired (never by a person). Each names the task,
 * its due date and the agencies it notifies (`notify`: the fan-out routes on it). Recorded by the
 * timer worker (deadlineBatchStreamId), with `occurredAt` = the moment the timer was due,
 * even when it fires later (after the workers were down).
 */
interface DeadlineRef {
  readonly timerId: string;
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  readonly sourceClause: SourceClause;
  readonly dueDate: string;
  /** When the task becomes overdue (end of the due date in Asia/Ho_Chi_Minh). */
  readonly deadline: string;
  readonly issuerAgencyCode: string;
  readonly responsibleAgency: string | null;
  /** Assignees whose part was still open when the timer fired. */
  readonly openAgencies: readonly string[];
  readonly notify: readonly string[];
}

export type DeadlineReminderSent = Event<
  'DeadlineReminderSent',
  DeadlineRef & { readonly daysBefore: number }
>;

export type DeadlineLapsed = Event<'DeadlineLapsed', DeadlineRef>;

export type DeadlineEscalated = Event<
  'DeadlineEscalated',
  DeadlineRef & {
    readonly level: number;
    readonly daysOverdue: number;
    /** 'focal-agency': a party's yearly report, escalated first to the agency it reports to. */
    readonly escalatedTo: EscalationTarget | 'focal-agency';
    /** The agency it was escalated to. */
    readonly escalatedToAgency: string;
  }
>;

export type DeadlineEvent = DeadlineReminderSent | DeadlineLapsed | DeadlineEscalated;

export const deadlineEventTypes = [
  'DeadlineReminderSent',
  'DeadlineLapsed',
  'DeadlineEscalated',
] as const satisfies readonly DeadlineEvent['type'][];

const DEADLINE_EVENT_TYPES: ReadonlySet<string> = new Set(deadlineEventTypes);

export function decodeDeadlineEvent(stored: {
  readonly type: string;
  readonly data: unknown;
}): DeadlineEvent | null {
  return DEADLINE_EVENT_TYPES.has(stored.type)
    ? ({ type: stored.type, data: stored.data } as DeadlineEvent)
    : null;
}

/**
 * Deadline events are kept apart from the tasks' streams, so they never race the tasks' commands:
 * the timers fired together in one transaction are recorded in one stream of their own (each
 * event names its task; `timerId` says which timer it was).
 */
export const deadlineBatchStreamId = (batchId: string): string => `deadlines-${batchId}`;

function unique(codes: readonly (string | null)[]): string[] {
  return [...new Set(codes.filter((code): code is string => code !== null))];
}

/** The event a timer records when it fires, for the task as it stands then. */
export function deadlineEventFor(timer: DeadlineTimer, task: DeadlineTaskSnapshot): DeadlineEvent {
  const ref: Omit<DeadlineRef, 'notify'> = {
    timerId: timer.timerId,
    taskId: timer.taskId,
    planId: timer.planId,
    title: task.title,
    sourceClause: task.sourceClause,
    dueDate: timer.dueDate,
    deadline: deadlineInstant(timer.dueDate),
    issuerAgencyCode: task.issuerAgencyCode,
    responsibleAgency: task.responsibleAgency,
    openAgencies: task.openAgencies,
  };
  switch (timer.kind) {
    case 'reminder':
      return {
        type: 'DeadlineReminderSent',
        data: { ...ref, daysBefore: timer.days, notify: unique([...task.openAgencies]) },
      };
    case 'lapse':
      return {
        type: 'DeadlineLapsed',
        data: {
          ...ref,
          // The focal agency learns that a party's report it awaits is late.
          notify: unique([
            ...task.openAgencies,
            task.responsibleAgency,
            task.reportsTo ?? null,
            task.issuerAgencyCode,
          ]),
        },
      };
    case 'escalation': {
      const to = timer.escalateTo ?? 'issuer';
      // A party's yearly report is escalated first to the focal agency it reports to (the party
      // leads its own report); a task without a lead goes to the committee.
      const focal = task.reportsTo ?? null;
      const escalatedTo =
        to === 'lead' && focal !== null
          ? 'focal-agency'
          : to === 'lead' && task.leadAgency !== null
            ? 'lead'
            : 'issuer';
      const escalatedToAgency =
        escalatedTo === 'focal-agency'
          ? focal!
          : escalatedTo === 'lead'
            ? task.leadAgency!
            : task.issuerAgencyCode;
      return {
        type: 'DeadlineEscalated',
        data: {
          ...ref,
          level: timer.level ?? 1,
          daysOverdue: timer.days,
          escalatedTo,
          escalatedToAgency,
          notify: unique([...task.openAgencies, escalatedToAgency, task.issuerAgencyCode]),
        },
      };
    }
  }
}
