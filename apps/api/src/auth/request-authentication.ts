import type { FastifyRequest } from 'fastify';
import { AuthenticationError, type Principal, type TokenVerifier } from '#libs/platform';

/** What a request's Authorization header comes to: a principal, no token, or a refused one. */
export type Authentication =
  | { readonly kind: 'principal'; readonly principal: Principal }
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly error: AuthenticationError };

const AUTHENTICATION = Symbol('coord.authentication');

type AuthenticatedRequest = FastifyRequest & { [AUTHENTICATION]?: Promise<Authentication> };

/**
 * Verifies a request's bearer token once: the rate limiter (which keys by person, or by address
 * without a valid token) and the authentication guard ask the same question of the same request,
 * and a refused JWT costs a signature check each time it is asked.
 */
export function authenticate(request: FastifyRequest, verifier: TokenVerifier): Promise<Authentication> {
  const memo = request as AuthenticatedRequest;
  memo[AUTHENTICATION] ??= verify(request.headers.authorization, verifier);
  return memo[AUTHENTICATION];
}

async function verify(header: string | undefined, verifier: TokenVerifier): Promise<Authentication> {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!token) return { kind: 'none' };
  try {
    return { kind: 'principal', principal: await verifier.verify(token) };
  } catch (error) {
    if (error instanceof AuthenticationError) return { kind: 'refused', error };
    throw error;
  }
}
