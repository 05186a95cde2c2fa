/**
 * Where an agency's endpoint may be: HTTPS anywhere; plain HTTP only to this machine's loopback
 * (127.0.0.1, localhost, [::1]) and only when the deployment allows it (tests, development), since
 * an HTTP body and its signature can be read and replayed on the way.
 */
export interface EndpointUrlRules {
  readonly allowLoopbackHttp: boolean;
}

export const MAX_ENDPOINT_URL_LENGTH = 2_000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a URL cannot be an endpoint (one sentence), or null when it can. */
export function endpointUrlProblem(value: string, rules: EndpointUrlRules): string | null {
  if (value.length > MAX_ENDPOINT_URL_LENGTH) return `must be at most ${MAX_ENDPOINT_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL, e.g. https://example.gov.vn/coord/webhooks';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.hash !== '') return 'must not have a #fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && rules.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return rules.allowLoopbackHttp
    ? 'must be https:// (http:// only to 127.0.0.1 or localhost)'
    : 'must be https://';
}
