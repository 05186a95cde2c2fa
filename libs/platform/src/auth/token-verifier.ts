import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { demoTokens } from './demo-principals.js';
import { AuthenticationError, PRINCIPAL_ROLES, type Principal, type PrincipalRole } from './principal.js';

export interface OidcSettings {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience?: string | undefined;
  /** Claim holding the agency code (default "agency"). */
  readonly agencyClaim?: string | undefined;
  /** Claim holding the roles, an array or a space-separated string (default "roles"). */
  readonly rolesClaim?: string | undefined;
  /** Claim naming the committee an issuer decides for, if not their own agency (default "issues_for"). */
  readonly issuesForClaim?: string | undefined;
}

export interface TokenVerifier {
  readonly mode: 'oidc' | 'demo';
  verify(token: string): Promise<Principal>;
}

/** A verified token is trusted again without checking its signature for this long (never past its expiry). */
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Production: JWTs signed by the configured OpenID Connect issuer, keys from its JWKS.
 * Checking a signature costs more CPU than the rest of a small command, and a client sends the
 * same token with every request: a token verified once is accepted for up to a minute without
 * checking it again, and never after its `exp`. Tokens that fail are always checked.
 */
export class OidcTokenVerifier implements TokenVerifier {
  readonly mode = 'oidc';
  private readonly keys: JWTVerifyGetKey;
  private readonly verified = new Map<string, { readonly principal: Principal; readonly until: number }>();

  constructor(
    private readonly settings: OidcSettings,
    private readonly clock: () => number = Date.now,
  ) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl));
  }

  async verify(token: string): Promise<Principal> {
    const now = this.clock();
    const known = this.verified.get(token);
    if (known && known.until > now) return known.principal;
    if (known) this.verified.delete(token);
    const { principal, expiresAt } = await this.check(token);
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { principal, until: Math.min(now + VERIFIED_TOKEN_TTL_MS, expiresAt) });
    return principal;
  }

  private async check(token: string): Promise<{ principal: Principal; expiresAt: number }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        currentDate: new Date(this.clock()),
        ...(this.settings.audience ? { audience: this.settings.audience } : {}),
      }));
    } catch (error) {
      throw new AuthenticationError(`The bearer token was not accepted: ${(error as Error).message}`);
    }
    const agencyCode = payload[this.settings.agencyClaim ?? 'agency'];
    if (typeof payload.sub !== 'string' || typeof agencyCode !== 'string') {
      throw new AuthenticationError('The bearer token names no subject or no agency');
    }
    const issuesFor = payload[this.settings.issuesForClaim ?? 'issues_for'];
    return {
      principal: {
        personId: payload.sub,
        agencyCode,
        roles: rolesFrom(payload[this.settings.rolesClaim ?? 'roles']),
        ...(typeof issuesFor === 'string' && issuesFor !== '' ? { issuesFor } : {}),
        ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      },
      // Without `exp`, the token is not remembered at all.
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : 0,
    };
  }
}

/** The embedded default: the fixed demo tokens listed by `coord demo-tokens`. */
export class DemoTokenVerifier implements TokenVerifier {
  readonly mode = 'demo';
  private readonly principals = new Map(demoTokens().map((demo) => [demo.token, demo.principal]));

  verify(token: string): Promise<Principal> {
    const principal = this.principals.get(token);
    return principal
      ? Promise.resolve(principal)
      : Promise.reject(new AuthenticationError('Unknown demo token; list them with `npx coord demo-tokens`'));
  }
}

function rolesFrom(claim: unknown): PrincipalRole[] {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  return values.filter((value): value is PrincipalRole => PRINCIPAL_ROLES.includes(value as PrincipalRole));
}
