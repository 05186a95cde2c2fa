import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '#libs/platform';

const ONE_YEAR_SECONDS = 31_536_000;

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
export async function installSecurityHeaders(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  await fastify.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // One value: "'self'", and on the Swagger UI "'self' 'unsafe-inline'".
        styleSrc: [(request) => (isSwaggerUi(request) ? "'self' 'unsafe-inline'" : "'self'")],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Sent below, only where TLS is in use.
    hsts: false,
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (config.hsts || request.protocol === 'https') {
      void reply.header('strict-transport-security', `max-age=${ONE_YEAR_SECONDS}; includeSubDomains`);
    }
    if (reply.statusCode >= 400 || !reply.hasHeader('cache-control'))
      void reply.header('cache-control', 'no-store');
    return payload;
  });
}
