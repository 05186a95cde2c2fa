import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { newSecret } from '#libs/webhooks';
import { WebhookSender, WebhookStore, type QueuedDelivery } from '../src/webhooks/index.js';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

describe('the dead-letter list', () => {
  let pool: pg.Pool;
  let store: WebhookStore;
  let server: Server;
  const schema = uniqueSchema('webhooks');
  /** What the receiver accepted, in order; it answers 500 while `failing`. */
  const accepted: string[] = [];
  let failing = true;
  let url = '';

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
    await pool.query(`create schema ${schema}`);
    store = new WebhookStore(pool, schema);
    await store.migrate();
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (!failing) accepted.push(String(request.headers['webhook-id']));
        response.writeHead(failing ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dropSchema(pool, schema);
    await pool.end();
  });

  it("holds a task's later events behind a dead one, and replays them in order", async () => {
    const endpoint = await store.createEndpoint({
      id: randomUUID(),
      agencyCode: 'lc-so-y-te',
      url,
      eventTypes: ['*'],
      description: null,
      createdBy: 'test',
      secretId: randomUUID(),
      secret: newSecret(),
      now: new Date(),
      fromPosition: 0n,
    });
    const queued = (key: string, position: number): QueuedDelivery => ({
      endpointId: endpoint.id,
      messageId: `${key}-${position}`,
      eventType: 'ProgressReported',
      orderingKey: key,
      position: BigInt(position),
      body: JSON.stringify({ key, position }),
    });
    expect(
      await store.enqueue([
        queued('task-A', 1),
        queued('task-B', 2),
        queued('task-A', 3),
        queued('task-A', 4),
      ]),
    ).toBe(4);
    // The same again (a batch handled twice): nothing more.
    expect(await store.enqueue([queued('task-A', 1)])).toBe(0);

    const sender = new WebhookSender({
      webhooks: store,
      schedule: { baseMs: 10, capMs: 20, maxAttempts: 2, jitter: 0 },
      pollIntervalMs: 10,
    });
    sender.start();
    try {
      const list = () => store.deliveries(endpoint.id, { limit: 100 });
      await until(
        'both heads dead',
        async () => (await list()).filter((d) => d.status === 'dead').length === 2,
      );
      const held = await list();
      expect(held.map((d) => [d.messageId, d.status, d.attempts, d.waitingForEarlier])).toEqual([
        ['task-A-4', 'pending', 0, true],
        ['task-A-3', 'pending', 0, true],
        ['task-B-2', 'dead', 2, false],
        ['task-A-1', 'dead', 2, false],
      ]);
      expect(held.find((d) => d.status === 'dead')?.lastStatusCode).toBe(500);

      failing = false;
      const replayed = await store.replay(endpoint.id, undefined, new Date());
      expect(replayed).toHaveLength(2);
      sender.wake();
      await until('all delivered', async () => (await list()).every((d) => d.status === 'delivered'));
      expect(accepted.filter((id) => id.startsWith('task-A'))).toEqual(['task-A-1', 'task-A-3', 'task-A-4']);
      expect(accepted).toHaveLength(4);
    } finally {
      await sender.stop();
    }
  });
});
