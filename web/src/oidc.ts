import type { WebConfig } from './api';

type OidcSettings = NonNullable<WebConfig['oidc']>;

/** Placeholder until the OIDC flow is implemented. */
export function startOidcSignIn(_settings: OidcSettings): Promise<void> {
  return Promise.resolve();
}
