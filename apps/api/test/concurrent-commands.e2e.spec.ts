import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, loadConfig } from '#libs/platform';
import { taskStreamId } from '#libs/tasks';
import { startApi, type ApiHarness, type ApiResponse } from '../../../test/support/api-harness.js';
import { TEST_DATABASE_URL } from '../../../test/support/postgres.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';
import { createApiApplication } from '../src/bootstrap.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';
const OFFICER = `demo.officer.${LEAD}`;
const CONCURRENT = 100;

/**
 * Many writers on one stream. In one process, commands on a stream are queued; across processes,
 * a command that loses the race is decided again on fresh state after a jittered back-off, a
 * bounded number of times, and what still loses answers 409 concurrency-conflict with
 * Retry-After. Nothing answers 5xx, and nothing is written twice.
 */
describe('100 concurrent progress reports on one task', () => {
  let api: ApiHarness;
  let replica: INestApplication;
  let replicaUrl: string;
  let planId: string;

  beforeAll(async () => {
    api = await startApi('postgres');
    planId = await api.plan();
    replica = await createApiApplication(
      loadConfig({
        LOG_LEVEL: 'silent',
        SEED_PLANS: 'false',
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: api.schema!,
        DEMO_TOKENS: 'true',
      }),
    );
    await replica.listen(0, '127.0.0.1');
    replicaUrl = await replica.getUrl();
  });

  afterAll(async () => {
    await replica.close();
    await api.close();
  });

  async function assignedTask(): Promise<string> {
    const taskId = randomUUID();
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(planId, taskId, [{ agencyCode: LEAD, role: 'lead' }], { dueDate: '2026-11-30' }),
    );
    expect(assigned.status).toBe(201);
    return taskId;
  }

  /** Report n; half carry an Idempotency-Key (their answer is stored with the events), unless `noKeys`. */
  const report = (taskId: string, n: number, noKeys = false) =>
    [
      `/tasks/${taskId}/progress`,
      OFFICER,
      { text: `Báo cáo tiến độ số ${n}` },
      (n % 2 === 0 && !noKeys ? { 'Idempotency-Key': `progress-${taskId}-${n}` } : {}) as Record<
        string,
        string
      >,
    ] as const;

  async function viaReplica(
    path: string,
    token: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<ApiResponse> {
    const response = await fetch(`${replicaUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  }

  async function expectEachStoredOnce(taskId: string, responses: readonly ApiResponse[]): Promise<void> {
    expect(responses.map((response) => response.status).filter((status) => status >= 500)).toEqual([]);
    const ok = responses.filter((response) => response.status >= 200 && response.status < 300);
    const conflicts = responses.filter((response) => response.status === 409);
    expect(ok.length + conflicts.length).toBe(CONCURRENT);
    for (const conflict of conflicts) {
      expect(conflict.body).toMatchObject({ status: 409, code: 'concurrency-conflict' });
      expect(conflict.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(conflict.headers.get('retry-after'))).toBeGreaterThan(0);
    }

    const stored = await api.app.get<EventStore>(EVENT_STORE).readStream(taskStreamId(taskId));
    const progress = stored.filter((event) => event.type === 'ProgressReported');
    const answeredIds = ok.flatMap((response) =>
      (response.body as { events: { id: string }[] }).events.map((event) => event.id),
    );
    expect(answeredIds).toHaveLength(ok.length);
    // Every answered event is stored exactly once, and nothing else (a 409 wrote nothing).
    for (const id of answeredIds) expect(stored.filter((event) => event.id === id)).toHaveLength(1);
    expect(progress.map((event) => event.id).sort()).toEqual([...answeredIds].sort());
    expect(new Set(progress.map((event) => (event.data as { text: string }).text)).size).toBe(
      progress.length,
    );
    expect(stored.map((event) => event.streamVersion)).toEqual(stored.map((_, index) => index + 1));
  }

  it('through one API: no 5xx, each answer 2xx or 409 concurrency-conflict, every 2xx stored once', async () => {
    const taskId = await assignedTask();
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, n) => api.request('POST', ...report(taskId, n))),
    );
    await expectEachStoredOnce(taskId, responses);
  });

  it('through two API replicas on one database: the same', async () => {
    const taskId = await assignedTask();
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, n) =>
        n % 2 === 0 ? api.request('POST', ...report(taskId, n)) : viaReplica(...report(taskId, n)),
      ),
    );
    await expectEachStoredOnce(taskId, responses);
  });

  it('issue #14: without any Idempotency-Key, through two replicas, conflicts are retried: no 5xx', async () => {
    // Before: 93 of 100 answered 500 (version conflicts). Now a conflict is decided again, and one
    // that survives every retry is 409 concurrency-conflict with Retry-After, having written nothing.
    const taskId = await assignedTask();
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, n) =>
        n % 2 === 0
          ? api.request('POST', ...report(taskId, n, true))
          : viaReplica(...report(taskId, n, true)),
      ),
    );
    await expectEachStoredOnce(taskId, responses);
  });
});
