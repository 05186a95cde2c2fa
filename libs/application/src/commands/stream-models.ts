import { agencyHeads, type AgencyEvent, type AgencyState } from '#libs/agencies';
import { evolveCalendar, initialCalendarState, type CalendarEvent, type CalendarState } from '#libs/calendar';
import { planDecider, type PlanEvent, type PlanState } from '#libs/plans';
import { decodeTaskEvent, taskDecider, type TaskState } from '#libs/tasks';

export interface DomainEvent {
  readonly type: string;
  readonly data: unknown;
  /** When it happened (the store's `occurredAt`), where known: a model may keep it in its state. */
  readonly occurredAt?: string | undefined;
}

/** An event as the store gives it back, with the metadata the fold passes on. */
export interface StoredDomainEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: { readonly occurredAt?: string };
}

/** How a stream's events fold into the state its decider needs. */
export interface StreamModel<State> {
  /** Distinguishes cached states of different models. */
  readonly name: string;
  initialState(): State;
  evolve(state: State, event: DomainEvent): State;
}

/**
 * Task streams fold with the task decider's evolve, each event decoded once (decodeTaskEvent), with
 * when it happened (the task keeps when its assignment took effect).
 */
export const taskModel: StreamModel<TaskState> = {
  name: 'task',
  initialState: taskDecider.initialState,
  evolve: (state, event) => {
    const decoded = decodeTaskEvent(event);
    return decoded ? taskDecider.evolve(state, decoded, event.occurredAt) : state;
  },
};

/** Plan streams fold with the plan decider's evolve. */
export const planModel: StreamModel<PlanState> = {
  name: 'plan',
  initialState: planDecider.initialState,
  evolve: (state, event) => planDecider.evolve(state, event as PlanEvent),
};

/** Agency streams (heads of the agency) fold with the agency decider's evolve. */
export const agencyModel: StreamModel<AgencyState> = {
  name: 'agency',
  initialState: agencyHeads.initialState,
  evolve: (state, event) => agencyHeads.evolve(state, event as AgencyEvent),
};

/** Folds a stream's stored events into `state` (from the model's initial state by default). */
export function foldStream<State>(
  model: StreamModel<State>,
  events: readonly StoredDomainEvent[],
  state: State = model.initialState(),
): State {
  return events.reduce(
    (folded, event) =>
      model.evolve(folded, { type: event.type, data: event.data, occurredAt: event.metadata?.occurredAt }),
    state,
  );
}

/** The holiday calendar's stream folds with its decider's evolve. */
export const calendarModel: StreamModel<CalendarState> = {
  name: 'holiday-calendar',
  initialState: initialCalendarState,
  evolve: (state, event) => evolveCalendar(state, event as CalendarEvent),
};
