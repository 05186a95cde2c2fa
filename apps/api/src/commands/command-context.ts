import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CommandContext as ApplicationCommandContext } from '#libs/application';
import type { Actor } from '#libs/tasks';
import { problemType, ProblemError, type Principal } from '#libs/platform';

/** A command's request as HTTP gives it: who (the principal), key, route, body, correlation. */
export interface CommandContext extends Omit<ApplicationCommandContext, 'actor'> {
  readonly principal: Principal;
}

/** The application layer's context: the same request, sent by the deciders' actor. */
export function applicationContext(context: CommandContext, actor: Actor): ApplicationCommandContext {
  const { principal: _principal, ...rest } = context;
  return { ...rest, actor };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Stored in every event's metadata: bounded like an Idempotency-Key. */
const CORRELATION_ID = /^[\x21-\x7e]{1,200}$/;

/** Who is asking, with which Idempotency-Key, for which route and body: what a command needs. */
export const CommandRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CommandContext => {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal: Principal }>();
    const key = headerValue(request.headers['idempotency-key']);
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ProblemError({
        type: problemType('validation'),
        title: 'The request is not valid',
        status: 422,
        code: 'validation',
        detail: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.',
        header: 'Idempotency-Key',
      });
    }
    const correlationId = headerValue(request.headers['x-correlation-id']);
    if (correlationId !== undefined && !CORRELATION_ID.test(correlationId)) {
      throw new ProblemError({
        type: problemType('validation'),
        title: 'The request is not valid',
        status: 422,
        code: 'validation',
        detail: 'The X-Correlation-Id header must be 1 to 200 visible ASCII characters.',
        header: 'X-Correlation-Id',
      });
    }
    const body: unknown = request.body;
    const occurredAt =
      body && typeof body === 'object' && typeof (body as { occurredAt?: unknown }).occurredAt === 'string'
        ? (body as { occurredAt: string }).occurredAt
        : undefined;
    const queryAt = request.url.indexOf('?');
    return {
      principal: request.principal,
      idempotencyKey: key,
      route: `${request.method} ${queryAt === -1 ? request.url : request.url.slice(0, queryAt)}`,
      body,
      // Without one from the caller, the id its request log line carries.
      correlationId: correlationId ?? request.id,
      occurredAt,
    };
  },
);

/** A header sent more than once counts by its first value, as Express's `req.header()` read it. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
