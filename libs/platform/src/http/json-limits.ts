import { escapePointerToken, problemType, ProblemError } from './problem-details.js';

/**
 * The shape a JSON request body may have. The API's bodies are a few levels deep and list at most
 * a few dozen items; the limits are far above that and far below what would make validation,
 * normalisation or an error answer costly (a 1 MB body of 100,000 empty objects, a body nested
 * 100,000 levels deep).
 */
export const JSON_LIMITS = {
  /** Objects and arrays inside one another; the body itself is depth 1. */
  maxDepth: 32,
  /** Items of one array. */
  maxArrayItems: 1_000,
  /** Members of one object. */
  maxObjectMembers: 1_000,
  /** Values in the whole body (objects, arrays, strings, numbers, booleans, nulls). */
  maxValues: 20_000,
} as const;

/**
 * Checks a parsed JSON body against JSON_LIMITS before anything else looks at it; throws 422
 * problem+json (code `json-too-deep`, `json-array-too-long`, `json-object-too-large` or
 * `json-too-many-values`) with the pointer of the first value over a limit. Visits each value at
 * most once and never deeper than the limit, so it costs little on any body.
 */
export function assertJsonWithinLimits(body: unknown): void {
  let values = 0;
  const visit = (value: unknown, pointer: string, depth: number): void => {
    values += 1;
    if (values > JSON_LIMITS.maxValues) {
      throw jsonLimitProblem(
        'json-too-many-values',
        pointer,
        `The body has more than ${JSON_LIMITS.maxValues} values.`,
      );
    }
    if (value === null || typeof value !== 'object') return;
    if (depth > JSON_LIMITS.maxDepth) {
      throw jsonLimitProblem(
        'json-too-deep',
        pointer,
        `The body nests objects and arrays more than ${JSON_LIMITS.maxDepth} levels deep.`,
      );
    }
    if (Array.isArray(value)) {
      if (value.length > JSON_LIMITS.maxArrayItems) {
        throw jsonLimitProblem(
          'json-array-too-long',
          pointer,
          `An array may have at most ${JSON_LIMITS.maxArrayItems} items; this one has ${value.length}.`,
        );
      }
      value.forEach((item, index) => visit(item, `${pointer}/${index}`, depth + 1));
      return;
    }
    const keys = Object.keys(value);
    if (keys.length > JSON_LIMITS.maxObjectMembers) {
      throw jsonLimitProblem(
        'json-object-too-large',
        pointer,
        `An object may have at most ${JSON_LIMITS.maxObjectMembers} members; this one has ${keys.length}.`,
      );
    }
    for (const key of keys) {
      visit((value as Record<string, unknown>)[key], `${pointer}/${escapePointerToken(key)}`, depth + 1);
    }
  };
  visit(body, '', 1);
}

function jsonLimitProblem(code: string, pointer: string, detail: string): ProblemError {
  return new ProblemError({
    type: problemType(code),
    title: 'The request is not valid',
    status: 422,
    code,
    detail,
    errors: [{ pointer: pointer.length > 200 ? `${pointer.slice(0, 200)}…` : pointer, detail }],
  });
}

/**
 * Decodes a body as strict UTF-8 (or the UTF-16 it declares): bytes that are not valid text are
 * refused with 422 `invalid-utf8`, never replaced with U+FFFD and stored.
 */
export function decodeStrictText(body: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset, { fatal: true }).decode(body);
  } catch {
    throw new ProblemError({
      type: problemType('invalid-utf8'),
      title: 'The request is not valid',
      status: 422,
      code: 'invalid-utf8',
      detail: `The body is not valid ${charset.toUpperCase()} text.`,
    });
  }
}
