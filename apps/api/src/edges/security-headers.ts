import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '#libs/platform';

const ONE_YEAR_SECONDS = 31_536_000;

/** A same-origin page: scripts and styles only from the API itself, nothing may frame it. */
const DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'connect-src': "'self'",
  'font-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
};
const policyOf = (directives: Readonly<Record<string, string>>): string =>
  Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');

/**
 * The dashboard signs people in with the OIDC issuer (authorization code + PKCE): it reads the
 * issuer's discovery document and exchanges the code at its token endpoint, so it may connect
 * to the issuer's origin as well.
 */
function directivesFor(config: AppConfig): Readonly<Record<string, string>> {
  if (!config.oidcIssuer) return DIRECTIVES;
  return { ...DIRECTIVES, 'connect-src': `'self' ${new URL(config.oidcIssuer).origin}` };
}

/** The Swagger UI (its page and assets, not /docs-json) writes its styles inline. */
const isSwaggerUi = (request: IncomingMessage): boolean =>
  /^\/docs(\/|$|\?)/.test(request.url ?? '') && !(request.url ?? '').startsWith('/docs-json');

/**
 * Security headers on every answer (docs/adr/0016-edges.md): a Content-Security-Policy for a
 * same-origin page (scripts only from the API itself, never inline; nothing may frame it), with
 * inline styles allowed on the Swagger UI alone; nosniff; no Referer; Strict-Transport-Security
 * only over TLS (`X-Forwarded-Proto: https` from a trusted proxy, or HSTS=true), since over plain
 * HTTP it would lock browsers out of a service that has no certificate; and `no-store` on every
 * answer that does not choose its own caching, and on every error, as answers carry what a
 * person may read.
 */
export function installSecurityHeaders(fastify: FastifyInstance, config: AppConfig): void {
  const directives = directivesFor(config);
  const policy = policyOf(directives);
  const swaggerUiPolicy = policyOf({ ...directives, 'style-src': "'self' 'unsafe-inline'" });
  // helmet's middleware, built once: @fastify/helmet built it anew for every request, and what
  // that left behind outlived the young generation (ADR 0016, addendum of 2026-12-07).
  const helmetHeaders = helmet({
    // Sent below from two strings built once at start: helmet would build it anew for every answer.
    contentSecurityPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Sent below, only where TLS is in use.
    hsts: false,
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    // helmet passes on an Error, if any (only its CSP middleware, which is off, ever does).
    helmetHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    void reply.header('content-security-policy', isSwaggerUi(request.raw) ? swaggerUiPolicy : policy);
    if (config.hsts || request.protocol === 'https') {
      void reply.header('strict-transport-security', `max-age=${ONE_YEAR_SECONDS}; includeSubDomains`);
    }
    if (reply.statusCode >= 400 || !reply.hasHeader('cache-control'))
      void reply.header('cache-control', 'no-store');
    return payload;
  });
}
