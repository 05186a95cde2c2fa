import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
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
  /** Claim naming the jurisdiction (province) an auditor or inspector oversees (default "jurisdiction"). */
  readonly jurisdictionClaim?: string | undefined;
  /** Claim that is `true` for a national auditor or inspector (default "national"). */
  readonly nationalClaim?: string | undefined;
  /** The longest a token may be valid: `exp - iat` (or `exp - now` without `iat`); default 1 hour. */
  readonly maxLifetimeSeconds?: number | undefined;
  /** How far the issuer's clock may be off ours, for `exp`, `nbf` and `iat`; default 60 s. */
  readonly clockSkewSeconds?: number | undefined;
}

/** Defaults of OIDC_MAX_TOKEN_LIFETIME and OIDC_CLOCK_SKEW (seconds). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 3600;
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

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
    const skew = this.settings.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    const maxLifetime = this.settings.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        currentDate: new Date(this.clock()),
        clockTolerance: skew,
        requiredClaims: ['exp'],
        ...(this.settings.audience ? { audience: this.settings.audience } : {}),
      }));
    } catch (error) {
      throw new AuthenticationError(publicReason(error));
    }
    // jose checked `exp` is there, a number and not past; the rest bounds how long a token lives.
    const now = this.clock() / 1000;
    const exp = payload.exp as number;
    if (payload.iat !== undefined && payload.iat > now + skew) {
      throw new AuthenticationError('The token was issued in the future');
    }
    if (exp - (payload.iat ?? now) > maxLifetime + (payload.iat === undefined ? skew : 0)) {
      throw new AuthenticationError(`The token is valid for longer than the ${maxLifetime} s accepted`);
    }
    const agencyCode = payload[this.settings.agencyClaim ?? 'agency'];
    if (typeof payload.sub !== 'string' || typeof agencyCode !== 'string') {
      throw new AuthenticationError('The token names no subject or no agency');
    }
    const issuesFor = payload[this.settings.issuesForClaim ?? 'issues_for'];
    const jurisdiction = payload[this.settings.jurisdictionClaim ?? 'jurisdiction'];
    const national = payload[this.settings.nationalClaim ?? 'national'] === true;
    return {
      principal: {
        personId: payload.sub,
        agencyCode,
        roles: rolesFrom(payload[this.settings.rolesClaim ?? 'roles']),
        ...(typeof issuesFor === 'string' && issuesFor !== '' ? { issuesFor } : {}),
        ...(typeof jurisdiction === 'string' && jurisdiction !== '' ? { jurisdiction } : {}),
        ...(national ? { national } : {}),
        ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      },
      expiresAt: exp * 1000,
    };
  }
}

/**
 * Why a token was refused, in words fit for the caller (the 401 body and `WWW-Authenticate`):
 * which rule it broke, never the verifier's own message (key ids, URLs, parser details).
 */
function publicReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp') {
      return error.reason === 'missing'
        ? 'The token has no expiry (exp)'
        : 'The token has an invalid expiry (exp)';
    }
    if (error.claim === 'nbf') return 'The token is not valid yet';
    if (error.claim === 'iat') return 'The token has an invalid issue time (iat)';
    if (error.claim === 'iss') return 'The token is from another issuer';
    if (error.claim === 'aud') return 'The token is for another audience';
    return 'The token claims are not accepted';
  }
  return 'The token could not be verified';
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
