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
}

export interface TokenVerifier {
  readonly mode: 'oidc' | 'demo';
  verify(token: string): Promise<Principal>;
}

/** Production: JWTs signed by the configured OpenID Connect issuer, keys from its JWKS. */
export class OidcTokenVerifier implements TokenVerifier {
  readonly mode = 'oidc';
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly settings: OidcSettings) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl));
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        ...(this.settings.audience ? { audience: this.settings.audience } : {}),
      }));
    } catch (error) {
      throw new AuthenticationError(`The bearer token was not accepted: ${(error as Error).message}`);
    }
    const agencyCode = payload[this.settings.agencyClaim ?? 'agency'];
    if (typeof payload.sub !== 'string' || typeof agencyCode !== 'string') {
      throw new AuthenticationError('The bearer token names no subject or no agency');
    }
    return {
      personId: payload.sub,
      agencyCode,
      roles: rolesFrom(payload[this.settings.rolesClaim ?? 'roles']),
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
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
