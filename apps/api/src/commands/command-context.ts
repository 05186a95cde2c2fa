import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { problemType, ProblemError, type Principal } from '#libs/platform';
import type { CommandContext } from './command-executor.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Who is asking, with which Idempotency-Key, for which route and body: what a command needs. */
export const CommandRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CommandContext => {
    const request = context.switchToHttp().getRequest<Request & { principal: Principal; id?: unknown }>();
    const key = request.header('idempotency-key');
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
    const body: unknown = request.body;
    const occurredAt =
      body && typeof body === 'object' && typeof (body as { occurredAt?: unknown }).occurredAt === 'string'
        ? (body as { occurredAt: string }).occurredAt
        : undefined;
    return {
      principal: request.principal,
      idempotencyKey: key,
      route: `${request.method} ${request.baseUrl}${request.path}`,
      body,
      correlationId:
        request.header('x-correlation-id') ??
        (typeof request.id === 'string' || typeof request.id === 'number' ? String(request.id) : undefined),
      occurredAt,
    };
  },
);
