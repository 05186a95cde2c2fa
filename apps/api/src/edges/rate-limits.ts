import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  answerLanguage,
  localiseProblem,
  PROBLEM_CONTENT_TYPE,
  problemType,
  type AppConfig,
  type TokenVerifier,
} from '#libs/platform';
import { authenticate } from '../auth/request-authentication.js';

/** Probes and scrapes: Kubernetes and Prometheus call them often, from few addresses, and must never be refused. */
const UNLIMITED_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/**
 * Two limits, counted in one window (docs/adr/0016-edges.md): a person with a valid token is
 * counted by their id, whatever address they come from (a whole agency may share one NAT); a
 * request without a valid token (none, or a refused one) by its address, so a token guesser is
 * stopped long before a person would be. Over a limit: `429 rate-limited` with `Retry-After` and
 * the RateLimit headers, before any other work is done.
 */
export async function installRateLimits(
  fastify: FastifyInstance,
  config: AppConfig,
  verifier: TokenVerifier,
): Promise<void> {
  await fastify.register(rateLimit, { global: false, enableDraftSpec: true });
  const limit = fastify.createRateLimit({
    timeWindow: config.rateLimitWindowSeconds * 1000,
    keyGenerator: async (request: FastifyRequest) => {
      const authentication = await authenticate(request, verifier);
      return authentication.kind === 'principal'
        ? `principal:${authentication.principal.personId}`
        : `ip:${request.ip}`;
    },
    max: (_request: FastifyRequest, key: string) =>
      key.startsWith('principal:') ? config.rateLimitPerPrincipal : config.rateLimitPerIp,
  });
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (UNLIMITED_PATHS.has(pathOf(request.url))) return;
    const outcome = await limit(request);
    if (outcome.isAllowed) return;
    void reply.header('ratelimit-limit', outcome.max);
    void reply.header('ratelimit-remaining', outcome.isExceeded ? 0 : outcome.remaining);
    void reply.header('ratelimit-reset', outcome.ttlInSeconds);
    if (!outcome.isExceeded) return;
    const anonymous = outcome.key.startsWith('ip:');
    return reply
      .code(429)
      .header('retry-after', outcome.ttlInSeconds)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify(
          localiseProblem(
            {
              type: problemType('rate-limited'),
              title: 'Too many requests',
              status: 429,
              code: 'rate-limited',
              detail: anonymous
                ? `More than ${outcome.max} requests without a valid token from this address in ${config.rateLimitWindowSeconds} s. Try again in ${outcome.ttlInSeconds} s.`
                : `More than ${outcome.max} requests in ${config.rateLimitWindowSeconds} s. Try again in ${outcome.ttlInSeconds} s.`,
            },
            answerLanguage(request),
          ),
        ),
      );
  });
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
