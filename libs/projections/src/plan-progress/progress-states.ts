// Its own module so that the row (entity) and the fold (evolve) can both name the states without
// importing each other.

/** Progress of one agency on one task. */
export const PROGRESS_STATES = [
  'not-acknowledged',
  'acknowledged',
  'in-progress',
  'completion-submitted',
  'completion-returned',
  'completed',
  'cancelled',
] as const;

export type ProgressState = (typeof PROGRESS_STATES)[number];

/** Still to be done by the agency: not completed (by it or as a task) and not cancelled. */
export const OPEN_PROGRESS_STATES: readonly ProgressState[] = PROGRESS_STATES.filter(
  (state) => state !== 'completed' && state !== 'cancelled',
);
