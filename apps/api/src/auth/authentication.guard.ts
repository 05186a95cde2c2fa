import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthenticationError, problemType, ProblemError, type TokenVerifier } from '#libs/platform';
import { IS_PUBLIC } from './auth.decorators.js';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/** Every request carries a bearer token, except routes marked @Public(). */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: unknown }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthenticated('Send a bearer token in the Authorization header.', 'Bearer');
    try {
      request.principal = await this.verifier.verify(match[1]);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      // RFC 6750 §3: the reason travels in the challenge too; it names the rule, nothing internal.
      const description = error.message.replace(/["\\]/g, "'");
      throw unauthenticated(
        `The bearer token was not accepted: ${error.message}.`,
        `Bearer error="invalid_token", error_description="${description}"`,
      );
    }
    return true;
  }
}

function unauthenticated(detail: string, challenge: string): ProblemError {
  return new ProblemError({
    type: problemType('unauthenticated'),
    title: 'Authentication required',
    status: 401,
    code: 'unauthenticated',
    detail,
    wwwAuthenticate: challenge,
  });
}
