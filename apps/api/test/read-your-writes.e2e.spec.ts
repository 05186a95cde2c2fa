import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';

/** Queries with ?minPosition= while the worker, in its own process in production, is behind. */
describe('reading your own writes on PostgreSQL, with the worker stopped', () => {
  let api: ApiHarness;
  let position: string;
  let taskId: string;

  beforeAll(async () => {
    api = await startApi('postgres', {}, { worker: false });
    taskId = randomUUID();
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(await api.plan(), taskId, [{ agencyCode: LEAD, role: 'lead' }]),
    );
    expect(assigned.status).toBe(201);
    position = assigned.body.position as string;
  });

  afterAll(async () => {
    await api.close();
  });

  it('waits up to 5 s for the projections, then answers 503 with Retry-After', async () => {
    const started = performance.now();
    const response = await api.request(
      'GET',
      `/agencies/${LEAD}/outstanding?minPosition=${position}`,
      `demo.officer.${LEAD}`,
    );
    const waited = performance.now() - started;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.body).toMatchObject({ code: 'projection-behind' });
    expect(waited).toBeGreaterThanOrEqual(4_900);
  });

  it('answers as soon as the worker has projected the position', async () => {
    const answer = api.request(
      'GET',
      `/agencies/${LEAD}/outstanding?minPosition=${position}`,
      `demo.officer.${LEAD}`,
    );
    await api.startWorker();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([expect.objectContaining({ taskId })]);
  });
});
