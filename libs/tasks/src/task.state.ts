import { decodeTaskEvent, type TaskAssigned, type TaskEvent } from './task.events.js';
import type { AssigneeRole, SourceClause, TaskKind } from './task.types.js';

export type TaskStatus = 'open' | 'completed' | 'cancelled';

/**
 * One assignee's progress. 'assigned' means not yet acknowledged. Reporting progress moves
 * 'assigned'/'acknowledged' to 'in-progress'; accepting a handoff starts the receiver at
 * 'acknowledged'; a reassignment starts the new agency at 'assigned'.
 */
export type AssignmentStatus =
  'assigned' | 'acknowledged' | 'in-progress' | 'completion-submitted' | 'completion-returned' | 'completed';

export interface AssignmentState {
  readonly agencyCode: string;
  readonly role: AssigneeRole;
  readonly status: AssignmentStatus;
}

/** 'lapsed': the task was completed or cancelled while the handoff (or extension) was pending. */
export type HandoffStatus = 'pending' | 'accepted' | 'declined' | 'withdrawn' | 'superseded' | 'lapsed';

export interface HandoffState {
  readonly handoffId: string;
  readonly fromAgency: string;
  readonly toAgency: string;
  readonly role: AssigneeRole;
  readonly reason: string;
  readonly status: HandoffStatus;
}

export type ExtensionStatus = 'pending' | 'granted' | 'denied' | 'lapsed';

export interface ExtensionState {
  readonly extensionId: string;
  readonly agencyCode: string;
  readonly requestedDueDate: string;
  readonly reason: string;
  readonly status: ExtensionStatus;
}

export interface NoTask {
  readonly status: 'none';
}

export interface Task {
  readonly status: TaskStatus;
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  readonly duty: string;
  readonly sourceClause: SourceClause;
  readonly dueDate: string;
  readonly kind: TaskKind;
  readonly reportYear: number | null;
  /** A party's report: the focal agency it goes to, which consolidates it (else null). */
  readonly reportsTo: string | null;
  readonly issuerAgencyCode: string;
  /** Current assignees, in assignment order (a handoff or reassignment keeps the position). */
  readonly assignees: readonly AssignmentState[];
  /** Every handoff ever requested, in request order. */
  readonly handoffs: readonly HandoffState[];
  /** Every extension ever requested, in request order. */
  readonly extensions: readonly ExtensionState[];
  /**
   * Every agency that holds or has held an assignment, or sent or received a handoff, in order of
   * first appearance: the agencies whose officers may read the task (libs/application access).
   */
  readonly parties: readonly string[];
  /** The TaskAssigned that created the task, to recognise a repeated AssignTask. */
  readonly assignment: TaskAssigned['data'];
  /**
   * When the assignment took effect: the TaskAssigned event's `occurredAt` (store metadata; a plan
   * confirmed from a document dates it on the plan's issue date). Nothing done on the task can have
   * happened earlier. Null when folded without the events' times.
   */
  readonly assignedAt: string | null;
}

export type TaskState = NoTask | Task;

export const initialState = (): TaskState => ({ status: 'none' });

export const taskStreamId = (taskId: string): string => `task-${taskId}`;

/** `occurredAt`: when the event happened (its store metadata), where the fold knows it. */
export function evolve(state: TaskState, event: TaskEvent, occurredAt?: string): TaskState {
  if (event.type === 'TaskAssigned') {
    if (state.status !== 'none') return state;
    const { data } = event;
    return {
      status: 'open',
      taskId: data.taskId,
      planId: data.planId,
      title: data.title,
      duty: data.duty,
      sourceClause: data.sourceClause,
      dueDate: data.dueDate,
      kind: data.kind,
      reportYear: data.reportYear,
      reportsTo: data.reportsTo ?? null,
      issuerAgencyCode: data.issuerAgencyCode,
      assignees: data.assignees.map((a) => ({ agencyCode: a.agencyCode, role: a.role, status: 'assigned' })),
      handoffs: [],
      extensions: [],
      // The focal agency a report goes to reads it as a party.
      parties: withParties(
        [],
        [...data.assignees.map((a) => a.agencyCode), ...(data.reportsTo ? [data.reportsTo] : [])],
      ),
      assignment: data,
      assignedAt: occurredAt ?? null,
    };
  }
  if (state.status === 'none') return state;

  switch (event.type) {
    case 'TaskAcknowledged':
      return withAssignee(state, event.data.agencyCode, (a) =>
        a.status === 'assigned' ? { ...a, status: 'acknowledged' } : a,
      );
    case 'ProgressReported':
      return withAssignee(state, event.data.agencyCode, (a) =>
        a.status === 'assigned' || a.status === 'acknowledged' ? { ...a, status: 'in-progress' } : a,
      );
    case 'HandoffRequested': {
      const { handoffId, fromAgency, toAgency, role, reason } = event.data;
      return {
        ...state,
        handoffs: [...state.handoffs, { handoffId, fromAgency, toAgency, role, reason, status: 'pending' }],
        parties: withParties(state.parties, [fromAgency, toAgency]),
      };
    }
    case 'HandoffAccepted': {
      const { fromAgency, toAgency } = event.data;
      const moved = withAssignee(state, fromAgency, (a) => ({
        agencyCode: toAgency,
        role: a.role,
        status: 'acknowledged',
      }));
      return withHandoff(moved, event.data.handoffId, 'accepted');
    }
    case 'HandoffDeclined':
      return withHandoff(state, event.data.handoffId, 'declined');
    case 'HandoffWithdrawn':
      return withHandoff(state, event.data.handoffId, 'withdrawn');
    case 'HandoffSuperseded':
      return withHandoff(state, event.data.handoffId, 'superseded');
    case 'TaskReassigned': {
      const { fromAgency, toAgency } = event.data;
      const holder = state.assignees.find((a) => a.agencyCode === toAgency);
      const moved = holder
        ? mergeInto(state, fromAgency, holder)
        : withAssignee(state, fromAgency, (a) => ({
            agencyCode: toAgency,
            role: a.role,
            status: 'assigned',
          }));
      return { ...moved, parties: withParties(state.parties, [fromAgency, toAgency]) };
    }
    case 'ExtensionRequested': {
      const { extensionId, agencyCode, requestedDueDate, reason } = event.data;
      return {
        ...state,
        extensions: [
          ...state.extensions,
          { extensionId, agencyCode, requestedDueDate, reason, status: 'pending' },
        ],
      };
    }
    case 'ExtensionGranted':
      return { ...withExtension(state, event.data.extensionId, 'granted'), dueDate: event.data.dueDate };
    case 'ExtensionDenied':
      return withExtension(state, event.data.extensionId, 'denied');
    case 'CompletionSubmitted':
      return withAssignee(state, event.data.agencyCode, (a) => ({ ...a, status: 'completion-submitted' }));
    case 'CompletionAccepted':
      return withAssignee(state, event.data.agencyCode, (a) => ({ ...a, status: 'completed' }));
    case 'CompletionReturned':
      return withAssignee(state, event.data.agencyCode, (a) => ({ ...a, status: 'completion-returned' }));
    case 'TaskCompleted':
      return close(state, 'completed');
    case 'TaskCancelled':
      return close(state, 'cancelled');
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

/** The lead agency, else the sole assignee, else null (several assignees and no lead, or no task). */
export function responsibleAgency(state: TaskState): string | null {
  if (state.status === 'none') return null;
  const lead = state.assignees.find((a) => a.role === 'lead');
  if (lead) return lead.agencyCode;
  const [only, ...others] = state.assignees;
  return only && others.length === 0 ? only.agencyCode : null;
}

/** The agency holding the lead role, if any. */
export function leadAgency(state: TaskState): string | null {
  if (state.status === 'none') return null;
  return state.assignees.find((a) => a.role === 'lead')?.agencyCode ?? null;
}

export function findAssignee(state: TaskState, agencyCode: string): AssignmentState | undefined {
  return state.status === 'none' ? undefined : state.assignees.find((a) => a.agencyCode === agencyCode);
}

export function pendingHandoffs(state: TaskState): readonly HandoffState[] {
  return state.status === 'none' ? [] : state.handoffs.filter((h) => h.status === 'pending');
}

export function pendingExtension(state: TaskState): ExtensionState | null {
  return state.status === 'none' ? null : (state.extensions.find((e) => e.status === 'pending') ?? null);
}

/** A task event as the event store gives it back: its metadata carries when it happened. */
export interface StoredTaskEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: { readonly occurredAt?: string };
}

/** Replays a stream from the initial state (without the events' times: `assignedAt` is null). */
export function foldTask(events: readonly TaskEvent[], from: TaskState = initialState()): TaskState {
  return events.reduce((state, event) => evolve(state, event), from);
}

/**
 * Folds stored events of a task stream (as the event store gives them back): each is decoded
 * once (decodeTaskEvent) and events of other types are passed over. Every reader of task
 * streams (commands, the fan-out) folds through here.
 */
export function foldStoredTaskEvents(
  stored: readonly StoredTaskEvent[],
  from: TaskState = initialState(),
): TaskState {
  let state = from;
  for (const event of stored) {
    const decoded = decodeTaskEvent(event);
    if (decoded) state = evolve(state, decoded, event.metadata?.occurredAt);
  }
  return state;
}

/** The parties with the new ones added at the end, each once. */
function withParties(parties: readonly string[], more: readonly string[]): readonly string[] {
  const added = more.filter((code, index) => !parties.includes(code) && more.indexOf(code) === index);
  return added.length === 0 ? parties : [...parties, ...added];
}

function withAssignee(task: Task, agencyCode: string, change: (a: AssignmentState) => AssignmentState): Task {
  return {
    ...task,
    assignees: task.assignees.map((a) => (a.agencyCode === agencyCode ? change(a) : a)),
  };
}

const ROLE_STRENGTH: Readonly<Record<AssigneeRole, number>> = { lead: 3, support: 2, requested: 1 };

/**
 * A responsibility passed by a reorganisation to a body that already holds an assignment on the
 * task (only a reorganisation records such a TaskReassigned; ADR 0032): the two become one, in the
 * holder's place, with the stronger role; the holder's progress stands.
 */
function mergeInto(task: Task, fromAgency: string, holder: AssignmentState): Task {
  const from = task.assignees.find((a) => a.agencyCode === fromAgency);
  if (!from) return task;
  const role = ROLE_STRENGTH[from.role] > ROLE_STRENGTH[holder.role] ? from.role : holder.role;
  return {
    ...task,
    assignees: task.assignees
      .filter((a) => a.agencyCode !== fromAgency)
      .map((a) => (a.agencyCode === holder.agencyCode ? { ...a, role } : a)),
  };
}

function withHandoff(task: Task, handoffId: string, status: HandoffStatus): Task {
  return {
    ...task,
    handoffs: task.handoffs.map((h) => (h.handoffId === handoffId ? { ...h, status } : h)),
  };
}

function withExtension(task: Task, extensionId: string, status: ExtensionStatus): Task {
  return {
    ...task,
    extensions: task.extensions.map((e) => (e.extensionId === extensionId ? { ...e, status } : e)),
  };
}

/** Closing a task lapses whatever was still pending, so "pending" always means actionable. */
function close(task: Task, status: 'completed' | 'cancelled'): Task {
  return {
    ...task,
    status,
    handoffs: task.handoffs.map((h) => (h.status === 'pending' ? { ...h, status: 'lapsed' } : h)),
    extensions: task.extensions.map((e) => (e.status === 'pending' ? { ...e, status: 'lapsed' } : e)),
  };
}
