import { decide } from './task.decide.js';
import { evolve, initialState } from './task.state.js';

export * from './task.types.js';
export * from './task.commands.js';
export * from './task.events.js';
export * from './task.errors.js';
export * from './task.state.js';
export { decide } from './task.decide.js';
export { concernedAgencies } from './concerned-agencies.js';
export { isCalendarDate } from './task.validation.js';
export * from './task-title.js';

/** The task decider as one value, Emmett style. */
export const taskDecider = { decide, evolve, initialState } as const;
export * from './deadlines/index.js';
