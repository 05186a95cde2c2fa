import { DecisionError, type DecisionErrorKind } from '#libs/shared-kernel';

/**
 * Refusals of the application layer itself (not of a decider), with the kind HTTP maps them to.
 * Codes are public (problem+json `code`): never rename one, only add.
 */
export const applicationErrorKinds = {
  /** The command's stream kept moving under it through every retry; try again later. */
  'concurrency-conflict': 'conflict',
  /** The Idempotency-Key was first used with another request. */
  'idempotency-key-reused': 'invalid',
  /** The caller lacks the role for the operation. */
  forbidden: 'forbidden',
  /** Input the deciders would refuse, found before anything is recorded. */
  validation: 'invalid',
  /** No such draft, or one the caller may not read: the same answer (access policy). */
  'draft.not-found': 'not-found',
  /** Another agency's responsibilities or outstanding tasks (access policy). */
  'agency.forbidden': 'forbidden',
  /** No such issued plan, or one the caller may not read: the same answer (access policy). */
  'plan.not-found': 'not-found',
  /** The draft cannot be issued as it stands; `errors` says what to correct or exclude. */
  'draft.needs-review': 'invalid',
  /** The draft was already confirmed with other corrections. */
  'draft.confirmed-differently': 'conflict',
  /** Managing an agency's webhook endpoints without being its administrator or an issuer above it. */
  'webhook.forbidden': 'forbidden',
  /** No webhook endpoint of that id for that agency. */
  'webhook.not-found': 'not-found',
} as const satisfies Record<string, DecisionErrorKind>;

export type ApplicationErrorCode = keyof typeof applicationErrorKinds;

/** One input at fault, by JSON pointer (RFC 6901) into the request. */
export interface FieldError {
  readonly pointer: string;
  readonly detail: string;
}

export class ApplicationError extends DecisionError<ApplicationErrorCode> {
  override readonly name = 'ApplicationError';
  /** Each input at fault (problem+json `errors`). */
  readonly errors: readonly FieldError[] | undefined;
  /** When trying again may succeed (HTTP `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ApplicationErrorCode,
    message: string,
    options: {
      errors?: readonly FieldError[];
      retryAfterSeconds?: number;
      details?: Readonly<Record<string, unknown>>;
    } = {},
  ) {
    super(applicationErrorKinds, code, message, options.details ?? {});
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A concurrency conflict that survived every retry: 409 `concurrency-conflict` with Retry-After. */
export function concurrencyConflict(streamId: string, attempts: number): ApplicationError {
  return new ApplicationError(
    'concurrency-conflict',
    `Stream ${streamId} was changed by other requests ${attempts} times while this command was decided; nothing was recorded. Send it again.`,
    { retryAfterSeconds: 1, details: { streamId, attempts } },
  );
}

/** A refusal answered again from the idempotency store; it maps like the original. */
export class RefusedBefore extends DecisionError {
  override readonly name = 'RefusedBefore';

  constructor(refusal: {
    readonly code: string;
    readonly kind: DecisionErrorKind;
    readonly message: string;
    readonly details?: Readonly<Record<string, unknown>> | undefined;
  }) {
    super({ [refusal.code]: refusal.kind }, refusal.code, refusal.message, refusal.details ?? {});
  }
}
