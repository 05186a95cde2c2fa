import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';

/**
 * ?minPosition= naming a position after the newest recorded event: it is waited for like any
 * position not projected yet; if no event is recorded there by the end of the wait, no command
 * answered it (commands answer once committed), so it is the caller's mistake: 422, not 503.
 */
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

  it('answers at the position a command answered', async () => {
    const taskId = randomUUID();
    const response = await outstandingAt(await assign(taskId));
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ taskId })]));
  });

  it('answers at position 0, the start of the log, at once', async () => {
    await assign(randomUUID());
    expect((await outstandingAt(0n)).status).toBe(200);
  });

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

  it.each([1_000n, 20_251_130n])(
    'refuses the head + %s with 422 naming minPosition once the wait is over, and records nothing',
    async (ahead) => {
      const head = await assign(randomUUID());
      const started = performance.now();
      const response = await outstandingAt(head + ahead);
      expect(performance.now() - started).toBeGreaterThanOrEqual(4_900);
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: 'validation' });
      expect(response.body.errors).toEqual([
        expect.objectContaining({ pointer: '/minPosition', parameter: 'minPosition' }),
      ]);
      // Nothing was written meanwhile: the next command takes the next position.
      expect(await assign(randomUUID())).toBe(head + 1n);
    },
  );
});
