import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { parseCloudEvent } from '#libs/fanout';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const COMMITTEE = 'lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';
const ADMIN = `demo.administrator.${COMMITTEE}`;
const ISSUER = `demo.issuer.${COMMITTEE}`;
const OFFICER = `demo.officer.${LEAD}`;
/** How long the receiver stays down, as the requirement says. */
const DOWN_MS = 30_000;

interface Receipt {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly contentType: string;
  readonly body: string;
}

/** The agency's system: a plain HTTP server that records every delivery and answers 204. */
class Receiver {
  readonly receipts: Receipt[] = [];
  private server: Server | undefined;
  port = 0;

  async up(): Promise<void> {
    const server = createServer((request, response) => {
      void read(request).then((body) => {
        this.receipts.push({
          id: String(request.headers['webhook-id']),
          timestamp: String(request.headers['webhook-timestamp']),
          signature: String(request.headers['webhook-signature']),
          contentType: String(request.headers['content-type']),
          body,
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: the port refuses connections. */
  async down(): Promise<void> {
    const server = this.server!;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

describe('webhooks to an agency system', () => {
  let api: ApiHarness;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.up();
    api = await startApi('postgres', {
      WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
      // The schedule's shape, quicker: the receiver's return is noticed within a second.
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_CAP_MS: '1000',
      WEBHOOK_MAX_ATTEMPTS: '1000',
    });
  });

  afterAll(async () => {
    await api?.close();
    await receiver.down().catch(() => undefined);
  });

  it('refuses what it must: another agency, a plain-HTTP host, an unknown event type, an unknown endpoint', async () => {
    const url = `http://127.0.0.1:${receiver.port}/hooks`;
    const foreign = await api.request('POST', `/agencies/${COMMITTEE}/webhooks`, OFFICER, {
      url,
      eventTypes: ['*'],
    });
    expect([foreign.status, foreign.body.code]).toEqual([403, 'webhook.forbidden']);
    const plain = await api.request('POST', `/agencies/${COMMITTEE}/webhooks`, ADMIN, {
      url: 'http://hethong.example.gov.vn/hooks',
      eventTypes: ['task assigned'],
    });
    expect(plain.status).toBe(422);
    expect(plain.headers.get('content-type')).toContain('application/problem+json');
    expect(plain.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/eventTypes']);
    const host = await api.request('POST', `/agencies/${COMMITTEE}/webhooks`, ADMIN, {
      url: 'http://hethong.example.gov.vn/hooks',
      eventTypes: ['TaskAssigned'],
    });
    expect([host.status, host.body.errors]).toEqual([
      422,
      [{ pointer: '/url', detail: 'url must be https:// (http:// only to 127.0.0.1 or localhost)' }],
    ]);
    const missing = await api.request(
      'GET',
      `/agencies/${COMMITTEE}/webhooks/00000000-0000-4000-8000-000000000000/deliveries`,
      ADMIN,
    );
    expect([missing.status, missing.body.code]).toEqual([404, 'webhook.not-found']);
    const outsider = await api.request('GET', `/agencies/${COMMITTEE}/webhooks`, `demo.officer.lc-so-y-te`);
    expect([outsider.status, outsider.body.code]).toEqual([403, 'agency.forbidden']);
  });

  it('delivers every event once the endpoint is back from 30 s down, in order per task, each signature valid across a rotation', async () => {
    // Issued before the endpoint exists: its PlanIssued is not sent.
    const planId = await api.plan(ISSUER);
    const registered = await api.request('POST', `/agencies/${COMMITTEE}/webhooks`, ADMIN, {
      url: `http://127.0.0.1:${receiver.port}/hooks`,
      eventTypes: ['*'],
      description: 'Hệ thống điều hành của UBND tỉnh',
    });
    expect(registered.status).toBe(201);
    const endpoint = registered.body as { id: string; secret: string };
    expect(registered.headers.get('location')).toBe(`/agencies/${COMMITTEE}/webhooks/${endpoint.id}`);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const firstSecret = endpoint.secret;
    const deliveriesPath = `/agencies/${COMMITTEE}/webhooks/${endpoint.id}/deliveries`;
    const deliveries = async (query = '') =>
      (await api.request('GET', `${deliveriesPath}?limit=1000${query}`, ADMIN)).body.items as {
        status: string;
        attempts: number;
        waitingForEarlier: boolean;
        lastError: string | null;
      }[];

    // Three tasks, assigned and acknowledged while the receiver is up: 6 events.
    const taskIds = [randomUUID(), randomUUID(), randomUUID()];
    const command = async (token: string, path: string, body: unknown) => {
      const response = await api.request('POST', path, token, body);
      if (response.status >= 300)
        throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    };
    for (const taskId of taskIds) {
      await command(
        ISSUER,
        '/tasks',
        assignmentBody(planId, taskId, [{ agencyCode: LEAD, role: 'lead' }], { dueDate: '2030-06-30' }),
      );
      await command(OFFICER, `/tasks/${taskId}/acknowledge`, {});
    }
    await until('the first six deliveries', async () => {
      const items = await deliveries('&status=delivered');
      return items.length === 6 ? items : undefined;
    });

    // Down for 30 s; meanwhile the tasks move on and the secret is rotated.
    await receiver.down();
    const downAt = Date.now();
    for (const taskId of taskIds) {
      await command(OFFICER, `/tasks/${taskId}/progress`, { text: 'Đã rà soát 12 xã' });
    }
    const rotated = await api.request(
      'POST',
      `/agencies/${COMMITTEE}/webhooks/${endpoint.id}/secrets`,
      ADMIN,
      {
        overlapSeconds: 3600,
      },
    );
    expect(rotated.status).toBe(201);
    const secondSecret = (rotated.body as { secret: string }).secret;
    expect((rotated.body as { secrets: unknown[] }).secrets).toHaveLength(2);
    for (const taskId of taskIds) {
      await command(OFFICER, `/tasks/${taskId}/progress`, { text: 'Đã rà soát 25 xã' });
      await command(OFFICER, `/tasks/${taskId}/progress`, { text: 'Đã rà soát toàn tỉnh' });
    }
    // The state while down: each task's first undelivered event failing, the later ones waiting for it.
    const whileDown = await until('failed attempts to show', async () => {
      const items = await deliveries('&status=pending');
      return items.length === 9 && items.filter((d) => d.attempts > 0).length === 3 ? items : undefined;
    });
    expect(whileDown.filter((d) => d.waitingForEarlier)).toHaveLength(6);
    expect(whileDown.find((d) => d.attempts > 0)?.lastError).toMatch(
      /ECONNREFUSED|ECONNRESET|socket hang up/,
    );
    expect(receiver.receipts).toHaveLength(6);

    await delay(Math.max(0, DOWN_MS - (Date.now() - downAt)));
    await receiver.up();
    await until('every delivery', () => (receiver.receipts.length >= 15 ? true : undefined));
    await until('every delivery recorded', async () =>
      (await deliveries('&status=delivered')).length === 15 ? true : undefined,
    );

    // Page by page, newest first: following next (as cursor, or as before like older clients)
    // gives each delivery once, and the last page's next is null, even when it is full.
    const whole = (await api.request('GET', deliveriesPath, ADMIN)).body as { items: { id: string }[] };
    for (const [limit, parameter] of [
      [4, 'cursor'],
      [5, 'before'],
    ] as const) {
      const paged: string[] = [];
      for (let next: string | null = null, pages = 0; pages === 0 || next !== null; pages++) {
        expect(pages).toBeLessThan(10);
        const page = await api.request(
          'GET',
          `${deliveriesPath}?limit=${limit}${next === null ? '' : `&${parameter}=${next}`}`,
          ADMIN,
        );
        expect(page.status).toBe(200);
        paged.push(...(page.body.items as { id: string }[]).map((item) => item.id));
        next = page.body.next as string | null;
      }
      expect(paged).toEqual(whole.items.map((item) => item.id));
    }
    expect(whole.items).toHaveLength(15);
    const bothCursors = await api.request('GET', `${deliveriesPath}?cursor=9&before=9`, ADMIN);
    expect(bothCursors.status).toBe(422);
    expect(bothCursors.body.errors).toEqual([
      expect.objectContaining({ pointer: '/cursor', parameter: 'cursor' }),
    ]);

    // Once each: no webhook-id twice.
    const ids = receiver.receipts.map((receipt) => receipt.id);
    expect(new Set(ids).size).toBe(15);
    expect(ids).toHaveLength(15);
    // In order per task: each task's stream versions arrive 1, 2, 3, 4, 5.
    const versions = new Map<string, number[]>();
    for (const receipt of receiver.receipts) {
      const envelope = parseCloudEvent(receipt.body);
      expect(envelope.id).toBe(receipt.id);
      expect(envelope.coordagency).toBe(COMMITTEE);
      expect(receipt.contentType).toBe('application/cloudevents+json; charset=utf-8');
      versions.set(envelope.subject, [
        ...(versions.get(envelope.subject) ?? []),
        Number(envelope.coordstreamversion),
      ]);
    }
    expect([...versions.values()]).toEqual(taskIds.map(() => [1, 2, 3, 4, 5]));
    // Every signature verified by a Standard Webhooks library: the first secret alone before the
    // rotation; both, as two signatures, after it.
    const verifiers = [new Webhook(firstSecret), new Webhook(secondSecret)];
    let signedTwice = 0;
    for (const receipt of receiver.receipts) {
      const headers = {
        'webhook-id': receipt.id,
        'webhook-timestamp': receipt.timestamp,
        'webhook-signature': receipt.signature,
      };
      const signatures = receipt.signature.split(' ');
      if (signatures.length === 2) {
        signedTwice += 1;
        for (const [n, verifier] of verifiers.entries()) {
          // Each signature on its own: the header with only the n-th (newest first) must verify.
          const own = { ...headers, 'webhook-signature': signatures[1 - n]! };
          expect(verifier.verify(receipt.body, own)).toEqual(JSON.parse(receipt.body));
          expect(() => verifiers[1 - n]!.verify(receipt.body, own)).toThrow();
        }
      } else {
        expect(signatures).toHaveLength(1);
        expect(verifiers[0]!.verify(receipt.body, headers)).toEqual(JSON.parse(receipt.body));
        expect(() => verifiers[1]!.verify(receipt.body, headers)).toThrow();
      }
    }
    // Everything sent after the rotation carried both: at least the 9 events of the outage.
    expect(signedTwice).toBeGreaterThanOrEqual(9);
    const delivered = await deliveries();
    expect(delivered.every((d) => d.status === 'delivered')).toBe(true);
    expect(delivered.filter((d) => d.attempts > 1).length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
