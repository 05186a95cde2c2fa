/** How the HTTP layer answers a refusal: 404, 403, 409, 422 (same kinds as TaskDecisionError). */
export type PlanDecisionErrorKind = 'not-found' | 'forbidden' | 'conflict' | 'invalid';

/** Every reason the plan decider refuses a command. Codes are public API: never rename, only add. */
export const planErrorKinds = {
  /** The actor is not an issuer. */
  'plan.forbidden': 'forbidden',
  /** The plan was already issued from a different document (another content hash). */
  'plan.already-issued': 'conflict',
  /** Malformed input; `details.field` says which. */
  validation: 'invalid',
} as const satisfies Record<string, PlanDecisionErrorKind>;

export type PlanErrorCode = keyof typeof planErrorKinds;

export class PlanDecisionError extends Error {
  override readonly name = 'PlanDecisionError';
  readonly kind: PlanDecisionErrorKind;

  constructor(
    readonly code: PlanErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.kind = planErrorKinds[code];
  }
}
