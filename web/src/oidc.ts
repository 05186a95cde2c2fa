import type { Role, WebConfig } from './api';
import type { Session } from './session';

type OidcSettings = NonNullable<WebConfig['oidc']>;

/** The flow under way, kept in this tab between leaving for the issuer and coming back. */
interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
}

const PENDING = 'coord.oidc';
const ROLES: readonly Role[] = ['issuer', 'officer', 'inspector', 'auditor'];

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The page the issuer sends people back to: the dashboard itself. */
const redirectUri = () => `${location.origin}/`;

/**
 * Authorization code with PKCE (RFC 7636, S256), for a public client: no secret in the browser.
 * Reads the issuer's discovery document, keeps the verifier and state in this tab, and leaves
 * for the issuer's sign-in page.
 */
export async function startOidcSignIn(settings: OidcSettings): Promise<void> {
  const discovery = (await (
    await fetch(`${settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)
  ).json()) as { authorization_endpoint: string; token_endpoint: string };
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const pending: PendingSignIn = {
    state,
    verifier,
    tokenEndpoint: discovery.token_endpoint,
    clientId: settings.clientId,
    redirectUri: redirectUri(),
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: pending.redirectUri,
    scope: settings.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * Back from the issuer (`?code=&state=`): exchanges the code for the access token, with the
 * verifier, and reads who it stands for from its claims (the API checks its signature on every
 * request). Null when this page load is not a return from the issuer.
 */
export async function finishOidcSignIn(): Promise<Session | null> {
  const query = new URLSearchParams(location.search);
  const code = query.get('code');
  const raw = sessionStorage.getItem(PENDING);
  if (!code || !raw) return null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  const pending = JSON.parse(raw) as PendingSignIn;
  if (query.get('state') !== pending.state) throw new Error('state');
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`token ${response.status}`);
  const { access_token: token } = (await response.json()) as { access_token: string };
  const claims = JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
        c.charCodeAt(0),
      ),
    ),
  ) as { agency?: string; roles?: string[] | string; name?: string; national?: unknown };
  const roles = Array.isArray(claims.roles) ? claims.roles : (claims.roles ?? '').split(/\s+/);
  const role = ROLES.find((candidate) => roles.includes(candidate));
  if (!claims.agency || !role) throw new Error('claims');
  return {
    token,
    role,
    agencyCode: claims.agency,
    agencyName: claims.name ?? claims.agency,
    // The default name of the national claim; the API decides what the token may read.
    ...(claims.national === true ? { national: true } : {}),
  };
}
