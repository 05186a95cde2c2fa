import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Where the built dashboard is: `dist/web` (npm run build), found from this file whether it runs
 * compiled (dist/apps/api/src/web) or from source in tests (apps/api/src/web).
 */
export function builtDashboardDir(): string | undefined {
  const compiled = fileURLToPath(new URL('../../../../web/', import.meta.url));
  const fromSource = fileURLToPath(new URL('../../../../dist/web/', import.meta.url));
  // Compiled, '../../../../' is dist/; from source it is the project, whose web/ holds the sources.
  const dir = /[/\\]dist[/\\]web[/\\]$/.test(compiled) ? compiled : fromSource;
  return existsSync(`${dir}index.html`) ? dir : undefined;
}

/**
 * Serves the dashboard at `/` on the API's own port (docs/adr/0026-dashboard-stack.md): only the
 * files of the build (one route each, no wildcard, so an unknown path is still the API's
 * problem+json 404). The hashed assets are cached for a year; index.html never.
 */
export async function installDashboard(
  fastify: FastifyInstance,
  dir = builtDashboardDir(),
): Promise<boolean> {
  if (!dir) return false;
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    decorateReply: false,
    index: 'index.html',
    setHeaders(reply, path) {
      void reply.header(
        'cache-control',
        /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return true;
}
