import { DecisionError, type DecisionErrorKind } from '#libs/shared-kernel';

/** Every reason the plan decider refuses a command. Codes are public API: never rename, only add. */
export const planErrorKinds = {
  /** The actor is not an issuer. */
  'plan.forbidden': 'forbidden',
  /** The plan was already issued from a different document (another content hash). */
  'plan.already-issued': 'conflict',
  /** No plan has this id (recording its number). */
  'plan.not-found': 'not-found',
  /** The plan's number or signing date is already recorded with other values. */
  'plan.already-registered': 'conflict',
  /** Malformed input; `details.field` says which. */
  validation: 'invalid',
} as const satisfies Record<string, DecisionErrorKind>;

export type PlanErrorCode = keyof typeof planErrorKinds;

export class PlanDecisionError extends DecisionError<PlanErrorCode> {
  override readonly name = 'PlanDecisionError';

  constructor(code: PlanErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(planErrorKinds, code, message, details);
  }
}
