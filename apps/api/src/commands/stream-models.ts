import { agencyHeads, type AgencyEvent, type AgencyState } from '#libs/agencies';
import { planDecider, type PlanEvent, type PlanState } from '#libs/plans';
import { taskDecider, type TaskEvent, type TaskState } from '#libs/tasks';
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
