import type { Assignee, AssigneeRole, ReportedIndicatorValue, SourceClause, TaskKind } from './task.types.js';

type Event<Type extends string, Data> = { readonly type: Type; readonly data: Data };

/**
 * Every task event carries `taskId` and `planId`, and the agency it is about, so projections and
 * the notification fan-out never need the task state or the actor. Who acted (person) and when it
 * happened are event-store metadata (`actor`, `occurredAt`), added by the command handler.
 * `byAgency` is the agency the deciding person acted for (their own agency).
 */
interface TaskRef {
  readonly taskId: string;
  readonly planId: string;
}

/** A handoff as every handoff event describes it. */
interface HandoffRef extends TaskRef {
  readonly handoffId: string;
  readonly fromAgency: string;
  readonly toAgency: string;
  /** The role of the assignment being handed off. */
  readonly role: AssigneeRole;
}

export type TaskAssigned = Event<
  'TaskAssigned',
  TaskRef & {
    readonly title: string;
    readonly duty: string;
    readonly sourceClause: SourceClause;
    readonly dueDate: string;
    readonly assignees: readonly Assignee[];
    readonly issuerAgencyCode: string;
    readonly kind: TaskKind;
    readonly reportYear: number | null;
    /**
     * A party's report in a reporting cycle: the focal agency that consolidates it. Only present
     * when set (older events have none).
     */
    readonly reportsTo?: string;
    readonly byAgency: string;
  }
>;

export type TaskAcknowledged = Event<
  'TaskAcknowledged',
  TaskRef & { readonly agencyCode: string; readonly role: AssigneeRole }
>;

export type ProgressReported = Event<
  'ProgressReported',
  TaskRef & {
    readonly agencyCode: string;
    readonly role: AssigneeRole;
    readonly text: string;
    readonly indicatorValues: readonly ReportedIndicatorValue[];
  }
>;

export type HandoffRequested = Event<'HandoffRequested', HandoffRef & { readonly reason: string }>;

/** Responsibility moves: the assignee entry of `fromAgency` now belongs to `toAgency`. */
export type HandoffAccepted = Event<'HandoffAccepted', HandoffRef & { readonly reason: string | null }>;

export type HandoffDeclined = Event<'HandoffDeclined', HandoffRef & { readonly reason: string }>;

export type HandoffWithdrawn = Event<'HandoffWithdrawn', HandoffRef & { readonly reason: string }>;

/** A pending handoff made moot by a reassignment; `reason` is the reassignment's reason. */
export type HandoffSuperseded = Event<'HandoffSuperseded', HandoffRef & { readonly reason: string }>;

export type TaskReassigned = Event<
  'TaskReassigned',
  TaskRef & {
    readonly fromAgency: string;
    readonly toAgency: string;
    readonly role: AssigneeRole;
    readonly reason: string;
    readonly byAgency: string;
  }
>;

export type ExtensionRequested = Event<
  'ExtensionRequested',
  TaskRef & {
    readonly extensionId: string;
    readonly agencyCode: string;
    readonly role: AssigneeRole;
    readonly currentDueDate: string;
    readonly requestedDueDate: string;
    readonly reason: string;
  }
>;

export type ExtensionGranted = Event<
  'ExtensionGranted',
  TaskRef & {
    readonly extensionId: string;
    /** The agency that asked. */
    readonly agencyCode: string;
    readonly previousDueDate: string;
    readonly dueDate: string;
    readonly reason: string;
    readonly byAgency: string;
  }
>;

export type ExtensionDenied = Event<
  'ExtensionDenied',
  TaskRef & {
    readonly extensionId: string;
    /** The agency that asked. */
    readonly agencyCode: string;
    /** The due date, unchanged. */
    readonly dueDate: string;
    readonly requestedDueDate: string;
    readonly reason: string;
    readonly byAgency: string;
  }
>;

export type CompletionSubmitted = Event<
  'CompletionSubmitted',
  TaskRef & { readonly agencyCode: string; readonly role: AssigneeRole; readonly report: string }
>;

/** Who decided on a completion: the issuer, or the lead agency for a support/requested duty. */
export type CompletionDecidedAs = 'issuer' | 'lead' | 'focal-agency';

export type CompletionAccepted = Event<
  'CompletionAccepted',
  TaskRef & {
    readonly agencyCode: string;
    readonly role: AssigneeRole;
    readonly reason: string | null;
    readonly byAgency: string;
    readonly decidedAs: CompletionDecidedAs;
  }
>;

export type CompletionReturned = Event<
  'CompletionReturned',
  TaskRef & {
    readonly agencyCode: string;
    readonly role: AssigneeRole;
    readonly reason: string;
    readonly byAgency: string;
    readonly decidedAs: CompletionDecidedAs;
  }
>;

/**
 * Follows the CompletionAccepted that completes the task (the lead's, or with no lead the last
 * assignee's). `responsibleAgency` as in `responsibleAgency(state)`.
 */
export type TaskCompleted = Event<'TaskCompleted', TaskRef & { readonly responsibleAgency: string | null }>;

export type TaskCancelled = Event<
  'TaskCancelled',
  TaskRef & { readonly reason: string; readonly byAgency: string }
>;

export type TaskEvent =
  | TaskAssigned
  | TaskAcknowledged
  | ProgressReported
  | HandoffRequested
  | HandoffAccepted
  | HandoffDeclined
  | HandoffWithdrawn
  | HandoffSuperseded
  | TaskReassigned
  | ExtensionRequested
  | ExtensionGranted
  | ExtensionDenied
  | CompletionSubmitted
  | CompletionAccepted
  | CompletionReturned
  | TaskCompleted
  | TaskCancelled;

export type TaskEventType = TaskEvent['type'];

/** Every task event type, e.g. for subscriptions and subject mapping. */
export const taskEventTypes = [
  'TaskAssigned',
  'TaskAcknowledged',
  'ProgressReported',
  'HandoffRequested',
  'HandoffAccepted',
  'HandoffDeclined',
  'HandoffWithdrawn',
  'HandoffSuperseded',
  'TaskReassigned',
  'ExtensionRequested',
  'ExtensionGranted',
  'ExtensionDenied',
  'CompletionSubmitted',
  'CompletionAccepted',
  'CompletionReturned',
  'TaskCompleted',
  'TaskCancelled',
] as const satisfies readonly TaskEventType[];

// Compile-time check that the list above names every event type.
type _MissingEventTypes = Exclude<TaskEventType, (typeof taskEventTypes)[number]>;
const _allEventTypesListed: [_MissingEventTypes] extends [never] ? true : _MissingEventTypes = true;
void _allEventTypesListed;

const TASK_EVENT_TYPES: ReadonlySet<string> = new Set(taskEventTypes);

/**
 * The one place a stored event becomes a task event: by its type, or null when the type is not a
 * task event's (the data is trusted: only the decider writes task streams).
 */
export function decodeTaskEvent(stored: { readonly type: string; readonly data: unknown }): TaskEvent | null {
  return TASK_EVENT_TYPES.has(stored.type) ? ({ type: stored.type, data: stored.data } as TaskEvent) : null;
}
