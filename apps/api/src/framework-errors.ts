import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  answerLanguage,
  localiseProblem,
  PROBLEM_CONTENT_TYPE,
  problemType,
  type ProblemDetails,
} from '#libs/platform';

/**
 * Requests Fastify refuses before any route (and so before Nest's exception filter) sees them: a
 * malformed percent-encoding in the path, a path parameter over its length limit, and what the
 * HTTP parser refuses on the socket (headers too large, a request that is not HTTP). Without
 * these they would be answered in Fastify's own JSON shape instead of problem+json.
 * The URL is not echoed back: it is what was wrong, and may be huge.
 */
export function frameworkErrorProblem(error: { code?: string }): ProblemDetails {
  if (error.code === 'FST_ERR_BAD_URL')
    return problem(400, 'bad-url', 'The request path is not a valid URL (a malformed percent-encoding?).');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return problem(414, 'uri-too-long', 'A part of the request path is longer than the API accepts.');
  return problem(400, 'bad-request', 'The request could not be routed.');
}

/** Fastify's `frameworkErrors` option. */
export function answerFrameworkError(
  error: { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const details = localiseProblem(frameworkErrorProblem(error), answerLanguage(request));
  void reply.code(details.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(details));
}

/** Fastify's `clientErrorHandler` option: the HTTP parser's refusals, written on the socket as problem+json. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const details =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(431, 'headers-too-large', 'The request line and headers are larger than the API accepts.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(408, 'request-timeout', 'The request did not arrive in time.')
        : problem(400, 'bad-request', 'The request is not well-formed HTTP.');
  const body = JSON.stringify(details);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${details.status} ${STATUS_CODES[details.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function problem(status: number, code: string, detail: string): ProblemDetails {
  return { type: problemType(code), title: STATUS_CODES[status] ?? 'Bad request', status, code, detail };
}
