// Its own module so that the row (entity) and the fold (evolve) can both name the states without
// importing each other.

/** Where an agency stands on a task it owes, in the order the 'state' sort uses. */
export const OUTSTANDING_STATES = [
  'handoff-offered',
  'not-acknowledged',
  'in-progress',
  'handoff-pending',
  'extension-pending',
  'completion-submitted',
  'completion-returned',
] as const;

export type OutstandingState = (typeof OUTSTANDING_STATES)[number];
