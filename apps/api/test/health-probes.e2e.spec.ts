import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { proxiedTestDatabase } from '../../../test/support/database-proxy.js';
import type { TcpProxy } from '../../../test/support/tcp-proxy.js';

/** Liveness and readiness of the API on PostgreSQL, with the database reachable and not. */
describe('the API probes', () => {
  let api: ApiHarness;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const database = await proxiedTestDatabase();
    proxy = database.proxy;
    api = await startApi('postgres', { DATABASE_URL: database.databaseUrl }, { worker: false });
  });

  afterAll(async () => {
    await proxy.restore();
    await api.close();
    await proxy.cut();
  });

  const probe = async (path: string) => {
    const response = await fetch(`${api.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('are live and ready while the database answers', async () => {
    expect(await probe('/health/live')).toEqual({
      status: 200,
      body: { status: 'ok', info: {}, error: {}, details: {} },
    });
    const ready = await probe('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up', kind: 'postgres' } },
    });
  });

  describe('when the database cannot be reached', () => {
    beforeAll(async () => {
      await proxy.cut();
    });

    afterAll(async () => {
      await proxy.restore();
    });

    it('is not ready, on /health/ready and on /health as before, saying which dependency is down', async () => {
      for (const path of ['/health/ready', '/health']) {
        const ready = await probe(path);
        expect(ready.status).toBe(503);
        // A problem (RFC 9457) that carries terminus' report.
        expect(ready.body).toMatchObject({
          code: 'unavailable',
          status: 503,
          details: { database: { status: 'down' } },
        });
      }
    });

    it('is still live: liveness touches no database, so nothing restarts a healthy process', async () => {
      expect((await probe('/health/live')).status).toBe(200);
    });

    it('is ready again once the database is back', async () => {
      await proxy.restore();
      // The pool opens a new connection on the next query.
      expect((await probe('/health/ready')).status).toBe(200);
    });
  });
});
