import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { request as httpRequest } from 'node:http';
import { startApi, type ApiHarness } from '../support/api-harness.js';

const OFFICER = 'demo.officer.lc-so-ldtbxh';
const INSPECTOR = 'demo.inspector.lc-ubnd-tinh';

interface Raw {
  readonly status: number;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
}

/** Requests the fuzz suite found mishandled (issue #14), kept as regression tests. */
describe('hostile requests the fuzzer found', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('pglite');
  });

  afterAll(async () => {
    await api?.close();
  });

  /** Sent with node:http, which sends the path as given (fetch would re-encode it). */
  function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
    const { hostname, port } = new URL(api.url);
    return new Promise((resolve, reject) => {
      const request = httpRequest({ hostname, port, method, path, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            body: JSON.parse(text) as Record<string, unknown>,
          }),
        );
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  function expectProblem(answer: Raw, status: number, code: string): void {
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status, code, type: `/problems/${code}` });
    expect(typeof answer.body.title).toBe('string');
  }

  it('answers a malformed percent-encoding in the path with a problem, not Fastify’s own JSON', async () => {
    const answer = await send('GET', '/tasks/%C0%AF', { authorization: `Bearer ${OFFICER}` });
    expectProblem(answer, 400, 'bad-url');
    // The URL is not echoed back.
    expect(JSON.stringify(answer.body)).not.toContain('%C0%AF');
  });

  it('answers a path parameter over the length limit with a problem', async () => {
    const answer = await send('GET', `/tasks/${'9'.repeat(600)}`, { authorization: `Bearer ${OFFICER}` });
    expectProblem(answer, 414, 'uri-too-long');
  });

  it('answers headers over the size limit with a problem', async () => {
    const answer = await send('GET', `/agencies?q=${'a'.repeat(20_000)}`, {
      authorization: `Bearer ${OFFICER}`,
    });
    expectProblem(answer, 431, 'headers-too-large');
  });

  it('refuses an unknown jurisdiction in a query as bad input, not as an internal error', async () => {
    const answer = await send('GET', '/agencies?q=so%20y%20te&jurisdiction=no-such-place', {
      authorization: `Bearer ${INSPECTOR}`,
    });
    expectProblem(answer, 422, 'validation');
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ pointer: '/jurisdiction', parameter: 'jurisdiction' }),
    ]);
  });

  it('refuses a body of 100,000 array items without blocking the event loop', async () => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const answer = await send(
      'POST',
      `/tasks/${randomUUID()}/completion/accept`,
      { authorization: `Bearer ${OFFICER}`, 'content-type': 'application/json' },
      `[${'1,'.repeat(99_999)}1]`,
    );
    loop.disable();
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(loop.max / 1e6).toBeLessThan(200);
  });
});
