import { decide, evolve, initialState } from './plan.decider.js';

export * from './plan.decider.js';
export * from './plan.errors.js';

/** The plan decider as one value, Emmett style. */
export const planDecider = { decide, evolve, initialState } as const;
export * from './plan-label.js';
