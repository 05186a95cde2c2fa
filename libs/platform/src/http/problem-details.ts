/** RFC 9457 problem details, the one shape every error of the HTTP API takes. */
export interface FieldProblem {
  /** JSON pointer (RFC 6901) to the offending field of the request body, e.g. "/assignees/0/role". */
  readonly pointer: string;
  readonly detail: string;
  /** For a query parameter's problem: the parameter's name. */
  readonly parameter?: string;
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code?: string;
  readonly errors?: readonly FieldProblem[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types are relative URIs under /problems/, named by a stable code. */
export function problemType(code: string): string {
  return `/problems/${code}`;
}

/** Thrown by handlers for an expected refusal; the filter renders it as is. */
export class ProblemError extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail ?? problem.title);
  }
}

/** 422: the request is not valid, with each field's problem addressed by its JSON pointer. */
export function validationProblem(
  errors: readonly FieldProblem[],
  detail = 'Some fields are missing or wrong; see errors.',
): ProblemError {
  return new ProblemError({
    type: problemType('validation'),
    title: 'The request is not valid',
    status: 422,
    code: 'validation',
    detail,
    errors,
  });
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
