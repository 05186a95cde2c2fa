import { createCoordClient, ok, ProblemError } from '#libs/api-client';

/** A fetch that records the requests it is given and answers each with `answer`. */
function recordingFetch(answer: () => Response): {
  fetch: (request: Request) => Promise<Response>;
  seen: Request[];
} {
  const seen: Request[] = [];
  return {
    seen,
    fetch: (request) => {
      seen.push(request);
      return Promise.resolve(answer());
    },
  };
}

const json = (status: number, body: unknown, type = 'application/json'): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('createCoordClient', () => {
  it('sends the bearer token and the language, and fills the path from the parameters', async () => {
    let language: 'vi' | 'en' = 'vi';
    const { fetch, seen } = recordingFetch(() => json(200, { entries: [] }));
    const client = createCoordClient({
      baseUrl: 'http://api.test/',
      token: 't0k',
      language: () => language,
      fetch,
    });
    await client.GET('/tasks/{taskId}/trail', { params: { path: { taskId: 'a b' } } });
    language = 'en';
    await client.GET('/tasks/{taskId}/trail', { params: { path: { taskId: 'x' } } });
    expect(seen.map((request) => request.url)).toEqual([
      'http://api.test/tasks/a%20b/trail',
      'http://api.test/tasks/x/trail',
    ]);
    expect(seen.map((request) => request.headers.get('authorization'))).toEqual(['Bearer t0k', 'Bearer t0k']);
    expect(seen.map((request) => request.headers.get('accept-language'))).toEqual(['vi', 'en']);
  });

  it('sends no authorization without a token (the public operations)', async () => {
    const { fetch, seen } = recordingFetch(() => json(200, { auth: 'demo', demoUsers: [] }));
    const config = ok(await createCoordClient({ baseUrl: 'http://api.test', fetch }).GET('/web/config'));
    expect(config).toEqual({ auth: 'demo', demoUsers: [] });
    expect(seen[0]!.headers.has('authorization')).toBe(false);
    expect(seen[0]!.headers.has('accept-language')).toBe(false);
  });

  it('sends a command body as JSON and ok() answers the data', async () => {
    const { fetch, seen } = recordingFetch(() =>
      json(201, { streamId: 's', streamVersion: 2, position: '9', events: [], handoffId: 'h1' }),
    );
    const client = createCoordClient({ baseUrl: 'http://api.test', token: 't', fetch });
    const result = ok(
      await client.POST('/tasks/{taskId}/handoffs', {
        params: { path: { taskId: 'x' } },
        body: { toAgency: 'lc-so-yte', reason: 'health services lead it' },
      }),
    );
    expect(result.handoffId).toBe('h1');
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(await seen[0]!.json()).toEqual({ toAgency: 'lc-so-yte', reason: 'health services lead it' });
  });
});

describe('ok', () => {
  it('throws the refusal as a ProblemError with its status, code and detail', async () => {
    const problem = {
      type: '/problems/task.not-found',
      title: 'Not found',
      status: 404,
      code: 'task.not-found',
      detail: 'No task x',
    };
    const { fetch } = recordingFetch(() => json(404, problem, 'application/problem+json'));
    const client = createCoordClient({ baseUrl: 'http://api.test', token: 't', fetch });
    const answer = await client.GET('/tasks/{taskId}', { params: { path: { taskId: 'x' } } });
    expect(answer.error).toEqual(problem);
    let thrown: unknown;
    try {
      ok(answer);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    expect(thrown).toMatchObject({ status: 404, code: 'task.not-found', message: 'No task x', problem });
  });

  it('makes a problem of an answer that is not problem+json (a proxy in the way)', async () => {
    const { fetch } = recordingFetch(
      () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const client = createCoordClient({ baseUrl: 'http://api.test', fetch });
    const answer = await client.GET('/health');
    expect(() => ok(answer)).toThrow(
      expect.objectContaining({
        status: 502,
        code: 'http-502',
        problem: expect.objectContaining({ title: 'Bad Gateway', detail: '<html>Bad gateway</html>' }),
      }),
    );
  });
});
