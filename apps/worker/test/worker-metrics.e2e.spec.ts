import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { TestNatsServer } from '../../../libs/fanout/test/support/nats-server.js';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { proxiedTestDatabase } from '../../../test/support/database-proxy.js';
import { freePort, startAppProcess, type AppProcess } from '../../../test/support/processes.js';
import { scrape, scrapeUntil, type Scrape } from '../../../test/support/prometheus.js';
import { TEST_DATABASE_URL } from '../../../test/support/postgres.js';
import type { TcpProxy } from '../../../test/support/tcp-proxy.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const WORKER = 'dist/apps/worker/src/main.js';
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';
const PROJECTIONS = [
  'plans',
  'tasks',
  'responsibilities',
  'outstanding-tasks',
  'task-trail',
  'plan-progress',
  'agency-tasks',
  'agency-intervals',
  'deadline-timers',
];

const { DATABASE_URL: _url, NATS_URL: _nats, METRICS_PORT: _port, ...baseEnv } = process.env;

/** A worker process with its operations listener on a spare port. */
async function startWorker(env: Record<string, string>): Promise<{ worker: AppProcess; url: string }> {
  const port = await freePort();
  const worker = startAppProcess(WORKER, {
    ...baseEnv,
    LOG_LEVEL: 'warn',
    METRICS_PORT: String(port),
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return { worker, url };
    if (Date.now() > until || worker.child.exitCode !== null) {
      worker.child.kill('SIGKILL');
      throw new Error(`the worker did not become ready:\n${worker.lines.join('\n')}\n${worker.stderr()}`);
    }
    await delay(100);
  }
}

async function stop(worker: AppProcess): Promise<void> {
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
}

const projectionLag = (metrics: Scrape, unit: 'positions' | 'seconds') =>
  PROJECTIONS.map((projection) => metrics.value(`coord_projection_lag_${unit}`, { projection }));

const caughtUp = (metrics: Scrape) =>
  [...projectionLag(metrics, 'positions'), ...projectionLag(metrics, 'seconds')].every((lag) => lag === 0) &&
  metrics.value('coord_publisher_lag_positions') === 0 &&
  metrics.value('coord_publisher_lag_seconds') === 0;

/** The API and the worker as separate processes on PostgreSQL and NATS, as deployed. */
describe('lag of the projections and the publisher, on /metrics', () => {
  let nats: TestNatsServer;
  let api: ApiHarness;

  beforeAll(async () => {
    nats = await TestNatsServer.start();
    // The API runs no projections on PostgreSQL: only the worker processes follow the log.
    api = await startApi('postgres', { NATS_URL: nats.url }, { worker: false });
  });

  afterAll(async () => {
    await api.close();
    await nats.dispose();
  });

  it('goes up while the worker is stopped, and back to 0 once it runs again', async () => {
    const workerEnv = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: api.schema!, NATS_URL: nats.url };
    const first = await startWorker(workerEnv);
    try {
      await api.plan();
      await scrapeUntil(`${api.url}/metrics`, caughtUp, 'coord_');
      // The worker tells the same from its own listener, and that it is connected to NATS.
      const fromWorker = await scrapeUntil(`${first.url}/metrics`, caughtUp, 'coord_');
      expect(fromWorker.value('coord_nats_connected')).toBe(1);
      // The only worker holds both leases.
      expect(fromWorker.value('coord_subscription_running', { subscription: 'projections' })).toBe(1);
      expect(fromWorker.value('coord_subscription_running', { subscription: 'nats-publisher' })).toBe(1);
      expect(fromWorker.find('process_cpu_user_seconds_total')).toHaveLength(1);
    } finally {
      await stop(first.worker);
    }

    const plan = await api.plan();
    for (let task = 0; task < 3; task++) {
      const assigned = await api.request(
        'POST',
        '/tasks',
        ISSUER,
        assignmentBody(plan, randomUUID(), [{ agencyCode: LEAD, role: 'lead' }]),
      );
      expect(assigned.status).toBe(201);
    }
    const behind = await scrape(`${api.url}/metrics`);
    for (const lag of projectionLag(behind, 'positions')) expect(lag).toBeGreaterThanOrEqual(3);
    for (const lag of projectionLag(behind, 'seconds')) expect(lag).toBeGreaterThan(0);
    expect(behind.value('coord_publisher_lag_positions')).toBeGreaterThanOrEqual(3);
    expect(behind.value('coord_publisher_lag_seconds')).toBeGreaterThan(0);

    const second = await startWorker(workerEnv);
    try {
      const after = await scrapeUntil(`${api.url}/metrics`, caughtUp, 'coord_');
      expect(projectionLag(after, 'positions')).toEqual(PROJECTIONS.map(() => 0));
    } finally {
      await stop(second.worker);
    }
  });

  it('counts the NATS connection lost and won back', async () => {
    const { worker, url } = await startWorker({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: api.schema!,
      NATS_URL: nats.url,
    });
    try {
      const before = await scrapeUntil(
        `${url}/metrics`,
        (metrics) => metrics.value('coord_nats_connected') === 1,
        'coord_nats',
      );
      expect(before.value('coord_nats_disconnects_total')).toBe(0);
      expect(before.value('coord_nats_reconnects_total')).toBe(0);

      await nats.stop();
      await scrapeUntil(
        `${url}/metrics`,
        (metrics) =>
          metrics.value('coord_nats_connected') === 0 && metrics.value('coord_nats_disconnects_total') === 1,
        'coord_nats',
      );
      await nats.restart();
      await scrapeUntil(
        `${url}/metrics`,
        (metrics) =>
          metrics.value('coord_nats_connected') === 1 && metrics.value('coord_nats_reconnects_total') === 1,
        'coord_nats',
      );
    } finally {
      if (!nats.running) await nats.restart();
      await stop(worker);
    }
  });
});

describe('the worker probes (METRICS_PORT)', () => {
  let api: ApiHarness;
  let proxy: TcpProxy;
  let worker: AppProcess;
  let url: string;

  beforeAll(async () => {
    api = await startApi('postgres', {}, { worker: false });
    const database = await proxiedTestDatabase();
    proxy = database.proxy;
    ({ worker, url } = await startWorker({
      DATABASE_URL: database.databaseUrl,
      DATABASE_SCHEMA: api.schema!,
    }));
  });

  afterAll(async () => {
    await proxy.restore();
    await stop(worker);
    await proxy.cut();
    await api.close();
  });

  const probe = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('are live and ready while the database answers', async () => {
    expect((await probe('/health/live')).status).toBe(200);
    // The worker verifies no token: its probes answer the status alone, reasons go to its log.
    expect(await probe('/health/ready')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('serve nothing else', async () => {
    expect((await fetch(`${url}/tasks`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answer not ready while the database is unreachable, still live, and ready (and running) once it is back', async () => {
    await proxy.cut();
    try {
      expect(await probe('/health/ready')).toEqual({ status: 503, body: { status: 'unavailable' } });
      // What is down, and why, is in the worker's log.
      const [logged] = await worker.logged((entry) => entry.msg === 'readiness is now unavailable');
      expect(logged).toMatchObject({ checks: { database: { status: 'down', error: expect.any(String) } } });
      expect((await probe('/health/live')).status).toBe(200);
      // The lease of the projections lived on a database connection: this worker stands by.
      await scrapeUntil(
        `${url}/metrics`,
        (metrics) => metrics.value('coord_subscription_running', { subscription: 'projections' }) === 0,
        'coord_subscription',
      );
    } finally {
      await proxy.restore();
    }
    expect((await probe('/health/ready')).status).toBe(200);
    await scrapeUntil(
      `${url}/metrics`,
      (metrics) => metrics.value('coord_subscription_running', { subscription: 'projections' }) === 1,
      'coord_subscription',
    );
  });
});
