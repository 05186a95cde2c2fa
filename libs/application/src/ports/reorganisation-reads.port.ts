import type { OpenPlan } from '#libs/agencies';

/**
 * What a reorganisation draft must find before it reads the task streams themselves: the open
 * tasks on which some of the given agencies hold an assignment or are offered a handoff, and the
 * plans they issued, and the reporting cycles not opened yet that name them. Adapter: the projections (libs/platform), caught up before a draft is made.
 */
export interface ReorganisationReads {
  /** Task ids, each once, in no particular order. The streams are read again: this only finds them. */
  openTaskIdsConcerning(agencyCodes: readonly string[]): Promise<readonly string[]>;
  plansIssuedBy(agencyCodes: readonly string[]): Promise<readonly OpenPlan[]>;
  /**
   * The yearly reporting cycles not opened yet whose report tasks the agencies owe or receive as
   * the focal agency (ADR 0028). The plan streams are read again: this only finds them.
   */
  pendingCyclesConcerning(
    agencyCodes: readonly string[],
  ): Promise<readonly { readonly planId: string; readonly year: number }[]>;
}
