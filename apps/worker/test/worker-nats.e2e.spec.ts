import { randomUUID } from 'node:crypto';
import { connectToNats, watchAgency, type CoordCloudEvent } from '#libs/fanout';
import { TestNatsServer } from '../../../libs/fanout/test/support/nats-server.js';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';

/** The worker publishes what the API records to JetStream; the API's /health reports NATS. */
const OPERATOR = 'demo.operator.lc-ubnd-tinh';
describe('notifications through NATS, with the API and the worker on PostgreSQL', () => {
  let nats: TestNatsServer;
  let api: ApiHarness;

  beforeAll(async () => {
    nats = await TestNatsServer.start();
    api = await startApi('postgres', { NATS_URL: nats.url });
  });

  afterAll(async () => {
    await api?.close();
    await nats?.dispose();
  });

  it('reports the NATS connection in /health', async () => {
    const health = await api.request('GET', '/health', OPERATOR);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', checks: { nats: { status: 'up' } } });
  });

  it('delivers an assignment to the consumer of the assigned agency', async () => {
    const nc = await connectToNats({ servers: [nats.url] });
    const received: CoordCloudEvent[] = [];
    const taskId = randomUUID();
    const watcher = await watchAgency({
      nc,
      agencyCode: 'lc-so-y-te',
      fromPosition: 0n,
      onEvent: (envelope) => {
        received.push(envelope);
      },
    });
    try {
      const assigned = await api.request('POST', '/tasks', 'demo.issuer.lc-ubnd-tinh', {
        taskId,
        planId: await api.plan(),
        title: 'Truyền thông về phòng, chống xâm hại trẻ em',
        duty: 'Phối hợp tuyên truyền',
        sourceClause: { section: 'V.5', start: 0, end: 10 },
        dueDate: '2025-11-30',
        assignees: [{ agencyCode: 'lc-so-y-te', role: 'support' }],
      });
      expect(assigned.status).toBe(201);
      const deadline = Date.now() + 20_000;
      while (!received.some((e) => e.subject === `task-${taskId}`) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(received).toEqual([
        expect.objectContaining({
          type: 'vn.coord.TaskAssigned',
          subject: `task-${taskId}`,
          coordagency: 'lc-so-y-te',
          coordposition: assigned.body.position,
        }),
      ]);
    } finally {
      await watcher.stop();
      await nc.drain();
    }
  });

  it('reports NATS down in /health as degraded, still ready (commands are accepted), and recovers', async () => {
    await nats.stop();
    // Anyone: degraded, and no server address.
    const anonymous = await fetch(`${api.url}/health/ready`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'degraded' });
    const down = await api.request('GET', '/health', OPERATOR);
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({
      status: 'degraded',
      checks: { database: { status: 'up' }, nats: { status: 'down', error: expect.any(String) } },
    });
    // Commands are still accepted meanwhile; their notifications wait in the log.
    const acknowledged = await api.request(
      'POST',
      '/tasks/00000000-0000-4000-8000-000000000000/acknowledge',
      'demo.officer.lc-so-y-te',
      {},
    );
    expect(acknowledged.status).toBe(404);
    await nats.restart();
    const deadline = Date.now() + 20_000;
    let status = '';
    while (status !== 'ok' && Date.now() < deadline) {
      status = (await api.request('GET', '/health', OPERATOR)).body.status;
      if (status !== 'ok') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe('ok');
  });
});
