import type { RecordedEvent } from '#libs/event-store';
import { decodeTaskEvent, evolve, initialState, type TaskState } from '#libs/tasks';
import { deadlineFlags, deadlineWindow, InvalidProjectionQueryError } from '../framework/deadlines.js';
import type { TaskChange } from '../framework/projection.js';
import { evolveOutstandingTasks } from '../outstanding-tasks/outstanding-tasks.evolve.js';
import {
  outstandingItem,
  outstandingKey,
  outstandingStates,
  type OutstandingItem,
  type ListOutstandingOptions,
} from '../outstanding-tasks/outstanding-tasks.query.js';
import type { OutstandingTaskRow } from '../outstanding-tasks/outstanding-task.entity.js';
import { evolvePlanProgress } from '../plan-progress/plan-progress.evolve.js';
import type { PlanProgressRow } from '../plan-progress/plan-progress.entity.js';
import { evolveResponsibilities } from '../responsibilities/responsibilities.evolve.js';
import type { ResponsibilityRow } from '../responsibilities/responsibility.entity.js';
import {
  RESPONSIBILITY_KEY,
  responsibilityStatus,
  type ListResponsibilitiesOptions,
} from '../responsibilities/responsibilities.query.js';
import { trailEntry } from '../task-trail/task-trail.evolve.js';
import type { TrailEntryRow } from '../task-trail/trail-entry.entity.js';
import { evolveTaskRows } from '../tasks/tasks.evolve.js';
import { taskView, type TaskView } from '../tasks/tasks.query.js';
import { pageInMemory, type Page } from '../framework/paging.js';
import type { AgencyProgress, PlanProgress } from '../plan-progress/plan-progress.query.js';
import {
  OPEN_PROGRESS_STATES,
  PROGRESS_STATES,
  type ProgressState,
} from '../plan-progress/progress-states.js';

/**
 * The two time axes of a past state (docs/adr/0020-two-time-axes.md):
 * - `knownAt`: record time. What the service had recorded by the instant (events recorded <= T).
 * - `validAt`: business time. What was true at the instant as known now (events that occurred
 *   <= T, including those recorded later, such as a completion entered after the fact).
 */
export type TimeAxis = 'knownAt' | 'validAt';

export interface PastInstant {
  readonly axis: TimeAxis;
  /** The instant, ISO 8601 (UTC). */
  readonly at: string;
}

/** What an answer says about the instant it is for. */
export interface AnsweredInstant {
  readonly axis: TimeAxis;
  readonly at: string;
  readonly meaning: string;
}

export function describeInstant(instant: PastInstant): AnsweredInstant {
  return {
    axis: instant.axis,
    at: instant.at,
    meaning:
      instant.axis === 'knownAt'
        ? 'record time: what the service had recorded by this instant'
        : 'business time: what was true at this instant, as known now (late entries included)',
  };
}

/** The instant of a `knownAt` or `validAt` query parameter (at most one of them), or null. */
export function pastInstantOf(query: {
  knownAt?: string | undefined;
  validAt?: string | undefined;
}): PastInstant | null {
  if (query.knownAt !== undefined && query.validAt !== undefined) {
    throw new InvalidProjectionQueryError(
      'validAt',
      'give knownAt or validAt, not both: each is one time axis',
    );
  }
  if (query.knownAt !== undefined) return { axis: 'knownAt', at: new Date(query.knownAt).toISOString() };
  if (query.validAt !== undefined) return { axis: 'validAt', at: new Date(query.validAt).toISOString() };
  return null;
}

/** Whether an event belongs to the state at the instant, on its axis. */
export function isBefore(recorded: RecordedEvent, instant: PastInstant): boolean {
  const time = instant.axis === 'knownAt' ? recorded.metadata.recordedAt : recorded.metadata.occurredAt;
  return Date.parse(time) <= Date.parse(instant.at);
}

/** One task at an instant: its state and the changes that led there (input of every read model). */
export interface TaskAt {
  readonly state: TaskState;
  readonly changes: readonly TaskChange[];
}

/**
 * Folds one task's stream up to an instant: the events of the instant's axis, in the order they
 * were recorded (stream order), through the same `evolve` as the live projections.
 */
export function foldTaskAt(stream: readonly RecordedEvent[], instant: PastInstant): TaskAt {
  let state: TaskState = initialState();
  const changes: TaskChange[] = [];
  for (const recorded of stream) {
    if (!isBefore(recorded, instant)) continue;
    const event = decodeTaskEvent(recorded);
    if (!event) continue;
    const after = evolve(state, event, recorded.metadata.occurredAt);
    changes.push({ kind: 'task', recorded, event, before: state, after });
    state = after;
  }
  return { state, changes };
}

const rowsOf = <Row>(task: TaskAt, step: (rows: readonly Row[], change: TaskChange) => Row[]): Row[] =>
  task.changes.reduce<Row[]>((rows, change) => step(rows, change), []);

/** The task's row (GET /tasks/{id}) at the instant; null when it did not exist then. */
export const taskRowAt = (task: TaskAt): TaskView | null => {
  const row = rowsOf(task, evolveTaskRows)[0];
  return row ? taskView(row) : null;
};
export const trailAt = (task: TaskAt): TrailEntryRow[] => task.changes.map(trailEntry);
export const responsibilityRowsAt = (task: TaskAt): ResponsibilityRow[] =>
  rowsOf(task, evolveResponsibilities);
/** Rows that follow from the task's state alone (not from its history): its last change gives them. */
const lastRowsOf = <Row>(task: TaskAt, step: (rows: readonly Row[], change: TaskChange) => Row[]): Row[] => {
  const last = task.changes[task.changes.length - 1];
  return last ? step([], last) : [];
};
export const outstandingRowsAt = (task: TaskAt): OutstandingTaskRow[] =>
  lastRowsOf(task, evolveOutstandingTasks);
export const progressRowsAt = (task: TaskAt): PlanProgressRow[] => lastRowsOf(task, evolvePlanProgress);

/** An agency's responsibilities among folded tasks, filtered, ordered and paged as the live query. */
export function responsibilitiesAt(
  tasks: readonly TaskAt[],
  agencyCode: string,
  options: ListResponsibilitiesOptions = {},
): Page<ResponsibilityRow> {
  return pageResponsibilities(tasks.flatMap(responsibilityRowsAt), agencyCode, options);
}

/**
 * An agency's responsibilities among the rows of a past instant (folded, or read from the agency's
 * intervals), filtered, ordered and paged as the live query.
 */
export function pageResponsibilities(
  all: readonly ResponsibilityRow[],
  agencyCode: string,
  options: ListResponsibilitiesOptions = {},
): Page<ResponsibilityRow> {
  const status = responsibilityStatus(options);
  const rows = all
    .filter((row) => row.agencyCode === agencyCode)
    .filter((row) =>
      status === 'open' ? row.taskStatus === 'open' : status === 'closed' ? row.taskStatus !== 'open' : true,
    )
    .filter((row) => options.role === undefined || row.role === options.role);
  const { kind, types, keyOf } = RESPONSIBILITY_KEY;
  return pageInMemory(rows, options, kind, types, keyOf, (row) => row);
}

/** An agency's outstanding tasks among folded tasks, flags as of `options.asOf`, as the live query. */
export function outstandingAt(
  tasks: readonly TaskAt[],
  agencyCode: string,
  options: ListOutstandingOptions,
): Page<OutstandingItem> {
  return pageOutstanding(tasks.flatMap(outstandingRowsAt), agencyCode, options);
}

/** An agency's outstanding tasks among the rows of a past instant, as the live query. */
export function pageOutstanding(
  all: readonly OutstandingTaskRow[],
  agencyCode: string,
  options: ListOutstandingOptions,
): Page<OutstandingItem> {
  const window = deadlineWindow(options.asOf);
  const states = outstandingStates(options);
  const key = outstandingKey(options.sort ?? 'dueDate');
  const rows = all
    .filter((row) => row.agencyCode === agencyCode)
    .filter((row) => states === undefined || states.includes(row.state))
    .filter((row) => options.overdue === undefined || row.dueDate < window.today === options.overdue);
  return pageInMemory(
    rows,
    options,
    key.kind,
    key.types,
    key.keyOf,
    (row) => outstandingItem(row, window),
    key.descending,
  );
}

/** Plan progress among folded tasks of the plan, counted as the live query counts its rows. */
export function planProgressAt(
  tasks: readonly TaskAt[],
  planId: string,
  options: { readonly asOf: Date | string; readonly agencyCode?: string | undefined },
): PlanProgress {
  const window = deadlineWindow(options.asOf);
  const rows = tasks
    .flatMap(progressRowsAt)
    .filter((row) => row.planId === planId)
    .filter((row) => options.agencyCode === undefined || row.agencyCode === options.agencyCode);
  const isOpen = (row: PlanProgressRow) => OPEN_PROGRESS_STATES.includes(row.state);
  const agencies = new Map<string, AgencyProgress>();
  for (const row of [...rows].sort((a, b) =>
    a.agencyCode < b.agencyCode ? -1 : a.agencyCode > b.agencyCode ? 1 : 0,
  )) {
    const agency = agencies.get(row.agencyCode) ?? {
      agencyCode: row.agencyCode,
      total: 0,
      byState: Object.fromEntries(PROGRESS_STATES.map((state) => [state, 0])) as Record<
        ProgressState,
        number
      >,
      overdue: 0,
      dueWithin7Days: 0,
    };
    const flags = deadlineFlags(row.dueDate, window);
    agency.byState[row.state] += 1;
    agencies.set(row.agencyCode, {
      ...agency,
      total: agency.total + 1,
      overdue: agency.overdue + (isOpen(row) && flags.overdue ? 1 : 0),
      dueWithin7Days: agency.dueWithin7Days + (isOpen(row) && flags.dueWithin7Days ? 1 : 0),
    });
  }
  const byTask = new Map(rows.map((row) => [row.taskId, row]));
  const taskRows = [...byTask.values()];
  const count = (test: (row: PlanProgressRow) => boolean) => taskRows.filter(test).length;
  return {
    planId,
    asOf: window.asOf,
    agencies: [...agencies.values()],
    tasks: {
      total: taskRows.length,
      open: count((row) => row.taskStatus === 'open'),
      completed: count((row) => row.taskStatus === 'completed'),
      cancelled: count((row) => row.taskStatus === 'cancelled'),
      overdue: count((row) => row.taskStatus === 'open' && deadlineFlags(row.dueDate, window).overdue),
      dueWithin7Days: count(
        (row) => row.taskStatus === 'open' && deadlineFlags(row.dueDate, window).dueWithin7Days,
      ),
    },
  };
}
