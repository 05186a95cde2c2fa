/** How the HTTP layer answers a refusal: 404, 403, 409, 422. */
export type DecisionErrorKind = 'not-found' | 'forbidden' | 'conflict' | 'invalid';

/**
 * A decider's refusal: a stable public `code` (never renamed, only added), the `kind` it maps
 * to, and details (`details.field` names the input at fault). Each domain subclasses it with its
 * own codes; problem+json maps every one the same way.
 */
export abstract class DecisionError<Code extends string = string> extends Error {
  readonly kind: DecisionErrorKind;

  protected constructor(
    kinds: Readonly<Record<Code, DecisionErrorKind>>,
    readonly code: Code,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.kind = kinds[code];
  }
}
