import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '#libs/event-store';
import { calendarEventTypes, type CalendarEvent } from '#libs/calendar';
import { planEventTypes, type PlanEvent } from '#libs/plans';
import {
  decodeDeadlineEvent,
  decodeTaskEvent,
  type DeadlineEvent,
  type TaskEvent,
  type TaskState,
} from '#libs/tasks';

/** A task event with the task's state just before and just after it (libs/tasks `evolve`). */
export interface TaskChange {
  readonly kind: 'task';
  readonly recorded: RecordedEvent;
  readonly event: TaskEvent;
  readonly before: TaskState;
  readonly after: TaskState;
}

export interface PlanChange {
  readonly kind: 'plan';
  readonly recorded: RecordedEvent;
  readonly event: PlanEvent;
}

/** What a task's deadline did (a reminder, a lapse, an escalation), recorded by its timer. */
export interface DeadlineChange {
  readonly kind: 'deadline';
  readonly recorded: RecordedEvent;
  readonly event: DeadlineEvent;
}

/** A change of the national holiday calendar (an issuer added or removed a day off). */
export interface CalendarChange {
  readonly kind: 'calendar';
  readonly recorded: RecordedEvent;
  readonly event: CalendarEvent;
}

/** What a projection receives: the events it understands, decoded, in log order. */
export type ProjectionEvent = TaskChange | PlanChange | DeadlineChange | CalendarChange;

/**
 * A read model kept in PostgreSQL. The runner calls `apply` inside the transaction that also
 * stores the projection's checkpoint, so rows and checkpoint commit or roll back together.
 *
 * Keep the logic in pure functions (rows before + event -> rows after) and `apply` thin: load the
 * rows the batch touches in one query, fold in memory, write once.
 */
export interface Projection {
  /** Stable name; the key of its checkpoint. Never starts with '$'. */
  readonly name: string;
  /** Bump when the rows it writes change meaning or shape: the projection is rebuilt from zero. */
  readonly version: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: readonly Function[];
  /**
   * True when it reads task events (TaskChange, with before/after state). Such projections
   * advance only together with the runner's shared task state; false for projections that read
   * plan events only.
   */
  readonly needsTaskState: boolean;
  /** Applies a batch (never empty). Must only use `manager`: it is the batch's transaction. */
  apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void>;
  /** Deletes every row of the projection (its checkpoint is reset by the runner). */
  reset(manager: EntityManager): Promise<void>;
}

const PLAN_EVENT_TYPES: ReadonlySet<string> = new Set(planEventTypes);

/** The task event a recorded event carries, or null when it is not a task event. */
export function asTaskEvent(recorded: RecordedEvent): TaskEvent | null {
  return decodeTaskEvent(recorded);
}

export function asPlanEvent(recorded: RecordedEvent): PlanEvent | null {
  return PLAN_EVENT_TYPES.has(recorded.type)
    ? ({ type: recorded.type, data: recorded.data } as PlanEvent)
    : null;
}

const CALENDAR_EVENT_TYPES: ReadonlySet<string> = new Set(calendarEventTypes);

export function asCalendarEvent(recorded: RecordedEvent): CalendarEvent | null {
  return CALENDAR_EVENT_TYPES.has(recorded.type)
    ? ({ type: recorded.type, data: recorded.data } as CalendarEvent)
    : null;
}

export function asDeadlineEvent(recorded: RecordedEvent): DeadlineEvent | null {
  return decodeDeadlineEvent(recorded);
}

export function deadlineChanges(events: readonly ProjectionEvent[]): DeadlineChange[] {
  return events.filter((event): event is DeadlineChange => event.kind === 'deadline');
}

export function taskChanges(events: readonly ProjectionEvent[]): TaskChange[] {
  return events.filter((event): event is TaskChange => event.kind === 'task');
}

export function planChanges(events: readonly ProjectionEvent[]): PlanChange[] {
  return events.filter((event): event is PlanChange => event.kind === 'plan');
}
