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

  const probe = async (path: string, token?: string) => {
    const response = await fetch(`${api.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const OPERATOR = 'demo.operator.lc-ubnd-tinh';

  it('are live and ready while the database answers', async () => {
    expect(await probe('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe('/health/ready')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe('/health/ready', OPERATOR)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { database: { status: 'up', kind: 'postgres' } } },
    });
  });

  describe('when the database cannot be reached', () => {
    beforeAll(async () => {
      await proxy.cut();
    });

    afterAll(async () => {
      await proxy.restore();
    });

    it('is not ready, on /health/ready and on /health as before, telling an operator (alone) why', async () => {
      for (const path of ['/health/ready', '/health']) {
        // Anyone: the status, no address or driver message.
        expect(await probe(path)).toEqual({ status: 503, body: { status: 'unavailable' } });
        const ready = await probe(path, OPERATOR);
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({
          status: 'unavailable',
          checks: { database: { status: 'down', kind: 'postgres', error: expect.any(String) } },
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
