import { randomUUID } from 'node:crypto';
import { connectToNats, watchAgency, type CoordCloudEvent } from '#libs/fanout';
import { TestNatsServer } from '../../../libs/fanout/test/support/nats-server.js';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';

/** The worker publishes what the API records to JetStream; the API's /health reports NATS. */
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
    const health = await api.request('GET', '/health', 'unused');
    expect(health.status).toBe(200);
    expect(health.body.info.nats).toMatchObject({ status: 'up' });
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

  it('reports NATS down in /health when the server is away, and recovers', async () => {
    await nats.stop();
    const down = await api.request('GET', '/health', 'unused');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 503, details: { nats: { status: 'down' } } });
    await nats.restart();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await api.request('GET', '/health', 'unused')).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
  });
});
