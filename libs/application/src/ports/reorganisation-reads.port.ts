import type { OpenPlan } from '#libs/agencies';

/**
 * What a reorganisation draft must find before it reads the task streams themselves: the open
 * tasks on which some of the given agencies hold an assignment or are offered a handoff, and the
 * plans they issued. Adapter: the projections (libs/platform), caught up before a draft is made.
 */
export interface ReorganisationReads {
  /** Task ids, each once, in no particular order. The streams are read again: this only finds them. */
  openTaskIdsConcerning(agencyCodes: readonly string[]): Promise<readonly string[]>;
  plansIssuedBy(agencyCodes: readonly string[]): Promise<readonly OpenPlan[]>;
}
