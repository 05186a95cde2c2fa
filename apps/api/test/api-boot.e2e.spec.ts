import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, loadConfig } from '#libs/platform';
import {
  TEST_DATABASE_URL,
  connectTestPostgres,
  dropSchema,
  uniqueSchema,
} from '../../../test/support/postgres.js';
import { createApiApplication } from '../src/bootstrap.js';

async function boot(env: Record<string, string>): Promise<{ app: INestApplication; url: string }> {
  const app = await createApiApplication(loadConfig({ LOG_LEVEL: 'silent', SEED_PLANS: 'false', ...env }));
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

describe('the API process', () => {
  describe('on the embedded default, with no database configured', () => {
    let dataDir: string;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'coord-e2e-'));
    });

    afterAll(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('answers /health with status ok and the embedded database up', async () => {
      const { app, url } = await boot({ DATA_DIR: dataDir });
      try {
        const response = await fetch(`${url}/health`, {
          headers: { authorization: 'Bearer demo.operator.lc-ubnd-tinh' },
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          status: 'ok',
          checks: { database: { status: 'up', kind: 'embedded' } },
        });
      } finally {
        await app.close();
      }
    });

    it('keeps recorded events across a restart', async () => {
      const stream = `task-${randomUUID()}`;
      const first = await boot({ DATA_DIR: dataDir });
      await first.app.get<EventStore>(EVENT_STORE).append(stream, [
        {
          id: randomUUID(),
          type: 'TaskAcknowledged',
          data: { taskId: stream },
          metadata: {
            actor: { personId: 'p-1', agencyCode: 'lc-so-y-te' },
            occurredAt: '2024-06-01T00:00:00Z',
          },
        },
      ]);
      await first.app.close();

      const second = await boot({ DATA_DIR: dataDir });
      try {
        const events = await second.app.get<EventStore>(EVENT_STORE).readStream(stream);
        expect(events.map((e) => e.type)).toEqual(['TaskAcknowledged']);
      } finally {
        await second.app.close();
      }
    });

    it('publishes its OpenAPI description at /docs-json', async () => {
      const { app, url } = await boot({ DATA_DIR: dataDir });
      try {
        const response = await fetch(`${url}/docs-json`);
        expect(response.status).toBe(200);
        const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
        expect(document.openapi).toMatch(/^3\./);
        // The resources the product brief names, with the task's command sub-resources.
        expect(Object.keys(document.paths)).toEqual(
          expect.arrayContaining([
            '/health',
            '/agencies',
            '/agencies/{code}',
            '/agencies/{code}/responsibilities',
            '/agencies/{code}/outstanding',
            '/agencies/{code}/feed',
            '/agencies/{code}/heads',
            '/plans',
            '/plans/import',
            '/plans/{planId}/progress',
            '/tasks',
            '/tasks/{taskId}',
            '/tasks/{taskId}/trail',
            '/tasks/{taskId}/acknowledge',
            '/tasks/{taskId}/progress',
            '/tasks/{taskId}/handoffs',
            '/tasks/{taskId}/handoffs/{handoffId}/accept',
            '/tasks/{taskId}/handoffs/{handoffId}/decline',
            '/tasks/{taskId}/handoffs/{handoffId}/withdraw',
            '/tasks/{taskId}/reassign',
            '/tasks/{taskId}/extensions',
            '/tasks/{taskId}/extensions/{extensionId}/grant',
            '/tasks/{taskId}/extensions/{extensionId}/deny',
            '/tasks/{taskId}/completion',
            '/tasks/{taskId}/completion/accept',
            '/tasks/{taskId}/completion/return',
            '/tasks/{taskId}/cancel',
          ]),
        );
        // The answers that open a handoff or an extension request name it.
        const created = (path: string) =>
          (document.paths[path] as any).post.responses['201'].content['application/json'].schema;
        expect(created('/tasks/{taskId}/handoffs').required).toContain('handoffId');
        expect(created('/tasks/{taskId}/extensions').required).toContain('extensionId');
      } finally {
        await app.close();
      }
    });
  });

  describe('when a request is wrong', () => {
    let app: INestApplication;
    let url: string;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'coord-e2e-'));
      ({ app, url } = await boot({ DATA_DIR: dataDir }));
    });

    afterAll(async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('answers an unknown resource with 404 problem+json', async () => {
      const response = await fetch(`${url}/nowhere`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 404, code: 'not-found', instance: '/nowhere' });
    });

    it('refuses a body over 1 MB with 413 problem+json', async () => {
      const response = await fetch(`${url}/health`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x'.repeat(1_100_000) }),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ status: 413, code: 'payload-too-large' });
    });

    it('refuses malformed JSON with 400 problem+json', async () => {
      const response = await fetch(`${url}/health`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"title": ',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 400, code: 'bad-request' });
    });
  });

  describe('on PostgreSQL', () => {
    it('refuses to start on the public demo tokens unless DEMO_TOKENS=true, with a readable message', () => {
      const { OIDC_ISSUER: _issuer, DEMO_TOKENS: _demo, ...env } = process.env;
      const started = spawnSync(process.execPath, ['dist/apps/api/src/main.js'], {
        env: { ...env, DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: uniqueSchema('api'), PORT: '39999' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(started.status).toBe(1);
      expect(started.stderr).toContain('Invalid configuration');
      expect(started.stderr).toContain('OIDC_ISSUER and OIDC_JWKS_URL are required with DATABASE_URL');
      expect(started.stderr).toContain('DEMO_TOKENS=true');
    });

    it('migrates its schema and answers /health with the database up', async () => {
      const pool = await connectTestPostgres(2);
      const schema = uniqueSchema('api');
      const { app, url } = await boot({
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: schema,
        DEMO_TOKENS: 'true',
      });
      try {
        const response = await fetch(`${url}/health`, {
          headers: { authorization: 'Bearer demo.operator.lc-ubnd-tinh' },
        });
        expect(await response.json()).toMatchObject({
          status: 'ok',
          checks: { database: { status: 'up', kind: 'postgres' } },
        });
        const tables = await pool.query(
          'select table_name from information_schema.tables where table_schema = $1',
          [schema],
        );
        expect(tables.rows.map((r: { table_name: string }) => r.table_name).sort()).toEqual(
          expect.arrayContaining(['events', 'streams', 'subscriptions']),
        );
      } finally {
        await app.close();
        await dropSchema(pool, schema);
        await pool.end();
      }
    });
  });
});
