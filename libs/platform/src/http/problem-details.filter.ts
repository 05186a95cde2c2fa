import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  escapePointerToken,
  PROBLEM_CONTENT_TYPE,
  problemType,
  ProblemError,
  type ProblemDetails,
} from './problem-details.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable.js';
import { answerLanguage } from '../i18n/answer-language.js';
import { localiseProblem } from '../i18n/problems.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'The request is not valid',
  429: 'Too many requests',
  503: 'Temporarily unavailable',
};

/**
 * The one place where errors become HTTP responses: RFC 9457 problem+json. Nest hands it what a
 * handler, guard or pipe throws, and the HTTP server's own errors (a body too large, for instance),
 * which the application may first `refine` into the problem it means for that request.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly refine?: (exception: unknown, request: FastifyRequest) => unknown) {}

  catch(caught: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    const exception = this.refine ? this.refine(caught, request) : caught;
    // The challenge travels as a header, not in the body. Logs keep the English; the answer is
    // in the caller's language (Accept-Language), its code unchanged.
    const { wwwAuthenticate: _challenge, ...problem }: ProblemDetails = {
      ...boundedErrors(this.toProblem(exception)),
      instance: request.url,
    };
    const answer = localiseProblem(problem, answerLanguage(request));
    if (problem.code === 'database-unavailable')
      this.logger.warn({ err: exception, reqId: request.id, instance: problem.instance }, problem.title);
    else if (problem.status >= 500)
      this.logger.error({ err: exception, reqId: request.id, instance: problem.instance }, problem.title);
    void reply
      .headers(problemHeaders(exception))
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(answer));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemError) return exception.problem;
    if (isDecisionError(exception)) {
      const status = DECISION_STATUS[exception.kind];
      return {
        type: problemType(exception.code),
        title: TITLES[status] ?? 'Refused',
        status,
        code: exception.code,
        detail: exception.message,
        // The application layer lists each input at fault itself (a plan draft's tasks, for instance).
        ...(exception.errors && exception.errors.length > 0
          ? { errors: exception.errors }
          : typeof exception.details?.field === 'string'
            ? { errors: [{ pointer: pointerOf(exception.details.field), detail: exception.message }] }
            : {}),
        ...(exception.details && Object.keys(exception.details).length > 0
          ? { details: exception.details }
          : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const {
        message,
        statusCode: _code,
        error: _error,
        status: _status,
        ...extensions
      } = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : { message: body };
      return {
        // Fields of the exception's own body (a health report, for instance) travel as extensions.
        ...extensions,
        type: problemType(codeFor(status)),
        title: TITLES[status] ?? 'Request failed',
        status,
        code: codeFor(status),
        detail: Array.isArray(message)
          ? message.join('; ')
          : typeof message === 'string'
            ? message
            : undefined,
      };
    }
    // The HTTP server's own errors carry their status (413 too large, 415 media type, 400 ...).
    const status = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return {
        type: problemType(codeFor(status)),
        title: TITLES[status] ?? 'Bad request',
        status,
        code: codeFor(status),
        detail:
          status === 413
            ? 'The request body is larger than the 1 MB the API accepts.'
            : (exception as Error).message,
      };
    }
    if (isDatabaseUnavailable(exception)) {
      // Not the request's fault and likely to pass soon; the detail names no server or address.
      return {
        type: problemType('database-unavailable'),
        title: TITLES[503] ?? 'Temporarily unavailable',
        status: HttpStatus.SERVICE_UNAVAILABLE,
        code: 'database-unavailable',
        detail:
          'The database cannot be reached right now. Try again shortly; with the same Idempotency-Key a retry is safe.',
      };
    }
    return {
      type: problemType('internal'),
      title: 'Internal error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'internal',
      detail: 'The service could not complete the request; it has been logged.',
    };
  }
}

/** An answer lists at most this many field problems; `errorsOmitted` counts the others. */
export const MAX_PROBLEM_ERRORS = 20;

/** Bounds the size of an error answer whatever the request held. */
function boundedErrors(problem: ProblemDetails): ProblemDetails {
  const errors = problem.errors;
  if (!errors || errors.length <= MAX_PROBLEM_ERRORS) return problem;
  return {
    ...problem,
    errors: errors.slice(0, MAX_PROBLEM_ERRORS),
    errorsOmitted: errors.length - MAX_PROBLEM_ERRORS,
  };
}

/**
 * Refusals of the domain deciders and of the application layer: a stable code plus the kind of
 * refusal; the application layer may add the inputs at fault and when to try again (a
 * `concurrency-conflict` that survived its retries answers 409 with Retry-After).
 */
export interface DecisionError extends Error {
  readonly code: string;
  readonly kind: keyof typeof DECISION_STATUS;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly errors?: readonly { readonly pointer: string; readonly detail: string }[] | undefined;
  readonly retryAfterSeconds?: number | undefined;
}

const DECISION_STATUS = { 'not-found': 404, forbidden: 403, conflict: 409, invalid: 422 } as const;

export function isDecisionError(error: unknown): error is DecisionError {
  return (
    error instanceof Error &&
    typeof (error as Partial<DecisionError>).code === 'string' &&
    typeof (error as Partial<DecisionError>).kind === 'string' &&
    (error as DecisionError).kind in DECISION_STATUS
  );
}

/** A decider's field path ('indicatorValues[0].indicator') as a JSON pointer ('/indicatorValues/0/indicator'). */
export function pointerOf(field: string): string {
  const tokens = field.split('.').flatMap((part) => {
    const [name = '', ...indexes] = part.split(/\[(\d+)\]/).filter((token) => token !== '');
    return [name, ...indexes];
  });
  return `/${tokens.map(escapePointerToken).join('/')}`;
}

function codeFor(status: number): string {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    case 422:
      return 'validation';
    case 503:
      return 'unavailable';
    default:
      return `http-${status}`;
  }
}

function problemHeaders(exception: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (isDecisionError(exception) && typeof exception.retryAfterSeconds === 'number') {
    headers['Retry-After'] = String(exception.retryAfterSeconds);
  }
  if (
    !(exception instanceof ProblemError) &&
    !isDecisionError(exception) &&
    !(exception instanceof HttpException)
  ) {
    if (isDatabaseUnavailable(exception)) headers['Retry-After'] = String(DATABASE_RETRY_AFTER_SECONDS);
  }
  if (!(exception instanceof ProblemError)) return headers;
  const { retryAfterSeconds, wwwAuthenticate } = exception.problem;
  if (typeof retryAfterSeconds === 'number') headers['Retry-After'] = String(retryAfterSeconds);
  if (typeof wwwAuthenticate === 'string') headers['WWW-Authenticate'] = wwwAuthenticate;
  return headers;
}
