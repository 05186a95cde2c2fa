import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, loadConfig } from '#libs/platform';
import { taskStreamId } from '#libs/tasks';
import { TEST_DATABASE_URL } from '../../../test/support/postgres.js';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';
import { createApiApplication } from '../src/bootstrap.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';
const OFFICER = `demo.officer.${LEAD}`;

/**
 * Each API process decides a command on the state it has cached and appends at that version; two
 * processes writing the same streams show that a stale cache never lets a wrong decision through.
 */
describe('commands decided on a cached stream state, with another API process writing too', () => {
  let first: ApiHarness;
  let second: INestApplication;
  let secondUrl: string;
  let planId: string;

  beforeAll(async () => {
    first = await startApi('postgres');
    planId = await first.plan();
    second = await createApiApplication(
      loadConfig({
        LOG_LEVEL: 'silent',
        SEED_PLANS: 'false',
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: first.schema!,
        DEMO_TOKENS: 'true',
      }),
    );
    await second.listen(0, '127.0.0.1');
    secondUrl = await second.getUrl();
  });

  afterAll(async () => {
    await second.close();
    await first.close();
  });

  async function viaSecond(path: string, token: string, body: unknown) {
    const response = await fetch(`${secondUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  const assignment = (taskId: string) =>
    assignmentBody(planId, taskId, [{ agencyCode: LEAD, role: 'lead' }], { dueDate: '2026-11-30' });
  const progress = (n: number) => ({ text: `Tiến độ lần ${n}` });

  it('appends after the other process’s events, and refuses what their events forbid', async () => {
    const taskId = randomUUID();
    const path = `/tasks/${taskId}`;
    expect((await first.request('POST', '/tasks', ISSUER, assignment(taskId))).status).toBe(201);
    const own = await first.request('POST', `${path}/progress`, OFFICER, progress(1));
    expect(own.body).toMatchObject({ streamVersion: 2 });

    // The second process has never seen the task.
    const other = await viaSecond(`${path}/progress`, OFFICER, progress(2));
    expect(other).toMatchObject({ status: 200, body: { streamVersion: 3 } });

    // The first process's cache is one event behind: its append is refused, and it decides again.
    const behind = await first.request('POST', `${path}/progress`, OFFICER, progress(3));
    expect(behind).toMatchObject({ status: 200, body: { streamVersion: 4 } });

    // Cancelled through the second process: the first one's cached state still says open.
    const cancelled = await viaSecond(`${path}/cancel`, ISSUER, { reason: 'Gộp vào nhiệm vụ khác' });
    expect(cancelled).toMatchObject({ status: 200, body: { streamVersion: 5 } });
    const refused = await first.request('POST', `${path}/progress`, OFFICER, progress(4));
    expect(refused.status).toBe(409);
    const store = first.app.get<EventStore>(EVENT_STORE);
    expect((await store.readStream(taskStreamId(taskId))).map((event) => event.type)).toEqual([
      'TaskAssigned',
      'ProgressReported',
      'ProgressReported',
      'ProgressReported',
      'TaskCancelled',
    ]);
  });

  it('answers a repeated assignment from another process as a no-op, and a different one as a conflict', async () => {
    const taskId = randomUUID();
    const body = assignment(taskId);
    const assigned = await first.request('POST', '/tasks', ISSUER, body);
    expect(assigned.status).toBe(201);

    // Nothing created this time: 200, at the position of the assignment (usable as minPosition).
    const again = await viaSecond('/tasks', ISSUER, body);
    expect(again).toMatchObject({
      status: 200,
      body: { streamVersion: 1, position: assigned.body.position, events: [], taskId },
    });
    expect(again.headers.get('location')).toBeNull();

    const different = await viaSecond('/tasks', ISSUER, { ...body, dueDate: '2026-12-31' });
    expect(different.status).toBe(409);
  });
});
