import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';

/** ?minPosition= naming a position the log has not reached yet: it is waited for like any other. */
describe.each<Backend>(['pglite', 'postgres'])('reading at a position beyond the head (%s)', (backend) => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi(backend);
  });

  afterAll(async () => {
    await api.close();
  });

  const assign = async (taskId: string): Promise<bigint> => {
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(await api.plan(), taskId, [{ agencyCode: LEAD, role: 'lead' }]),
    );
    expect(assigned.status).toBe(201);
    return BigInt(assigned.body.position as string);
  };
  const outstandingAt = (position: bigint) =>
    api.request('GET', `/agencies/${LEAD}/outstanding?minPosition=${position}`, `demo.officer.${LEAD}`);

  it('waits for the position to be written and projected, then answers', async () => {
    const head = await assign(randomUUID());
    let settled = false;
    const answer = outstandingAt(head + 1n).finally(() => {
      settled = true;
    });
    const taskId = randomUUID();
    // The only writer here: the next command's one event takes the next position.
    expect(await assign(taskId)).toBe(head + 1n);
    expect(settled).toBe(false);
    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ taskId })]));
  });

  it('answers 503 with Retry-After once the bound has passed, not before', async () => {
    const head = await assign(randomUUID());
    const started = performance.now();
    const response = await outstandingAt(head + 1_000n);
    const waited = performance.now() - started;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.body).toMatchObject({ code: 'projection-behind' });
    expect(waited).toBeGreaterThanOrEqual(4_900);
  });
});
