import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AgencyDirectory } from '#libs/agencies';
import { problemType, ProblemError, type Principal, type TokenVerifier } from '#libs/platform';
import { AGENCY_DIRECTORY } from '../agencies/agency-directory.provider.js';
import { IS_PUBLIC } from './auth.decorators.js';
import { authenticate } from './request-authentication.js';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/** Every request carries a bearer token, except routes marked @Public(). */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: unknown }>();
    const authentication = await authenticate(request, this.verifier);
    if (authentication.kind === 'none')
      throw unauthenticated('Send a bearer token in the Authorization header.', 'Bearer');
    if (authentication.kind === 'refused') {
      // RFC 6750 §3: the reason travels in the challenge too; it names the rule, nothing internal.
      const description = authentication.error.message.replace(/["\\]/g, "'");
      throw unauthenticated(
        `The bearer token was not accepted: ${authentication.error.message}.`,
        `Bearer error="invalid_token", error_description="${description}"`,
      );
    }
    request.principal = authentication.principal;
    if (!READS.has(request.method)) this.refuseActingForDissolved(authentication.principal);
    return true;
  }

  /** A body that ceased to exist in a reorganisation still reads its history, but acts no more (ADR 0032). */
  private refuseActingForDissolved(principal: Principal): void {
    for (const code of [principal.agencyCode, principal.issuesFor]) {
      const succession = code === undefined ? undefined : this.directory.successionOf(code);
      if (code === undefined || succession === undefined) continue;
      const successors = this.directory.successorsOf(code).map((s) => s.agencyCode);
      throw new ProblemError({
        type: problemType('forbidden'),
        title: 'Forbidden',
        status: 403,
        code: 'agency.dissolved',
        detail:
          `${code} ceased to exist on ${succession.effectiveDate} (${succession.basis.number}); ` +
          `its duties passed to ${[...new Set(successors)].join(', ')}. Its tokens may read, not act.`,
      });
    }
  }
}

const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

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
