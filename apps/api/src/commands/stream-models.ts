import { agencyHeads, type AgencyEvent, type AgencyState } from '#libs/agencies';
import { planDecider, type PlanEvent, type PlanState } from '#libs/plans';
import { taskDecider, type TaskEvent, type TaskState } from '#libs/tasks';
import type { EventStore, RecordedEvent } from '#libs/event-store';
import type { StreamModel } from './command-executor.js';

/** Task streams fold with the task decider's evolve. */
export const taskModel: StreamModel<TaskState> = {
  name: 'task',
  initialState: taskDecider.initialState,
  evolve: (state, event) => taskDecider.evolve(state, event as TaskEvent),
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

/** Folds recorded events of a stream into `state` (from the model's initial state by default). */
export function foldStream<State>(
  model: StreamModel<State>,
  events: readonly RecordedEvent[],
  state: State = model.initialState(),
): State {
  return events.reduce(
    (folded, event) => model.evolve(folded, { type: event.type, data: event.data }),
    state,
  );
}

/** A stream's current state, read from the store (for reads that must not wait for a projection). */
export async function readStreamState<State>(
  store: EventStore,
  streamId: string,
  model: StreamModel<State>,
): Promise<State> {
  return foldStream(model, await store.readStream(streamId));
}
