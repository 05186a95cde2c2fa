import { ContractValidator } from '../../../test/support/contract.js';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';

interface Media {
  schema?: Record<string, unknown>;
  examples?: Record<string, { value: { code: string; status: number } }>;
}
interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { description: string; content?: Record<string, Media>; headers?: object }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/** The document the booted app serves, and the oracle the e2e harness builds from it. */
describe('the OpenAPI contract (docs/adr/0035)', () => {
  let api: ApiHarness;
  let document: Document;
  let operations: [string, Operation][];

  beforeAll(async () => {
    api = await startApi('pglite');
    document = (await (await fetch(`${api.url}/docs-json`)).json()) as Document;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        operation,
      ]),
    );
  });

  afterAll(async () => {
    await api.close();
  });

  it('is OpenAPI 3.1 and describes every operation the API routes', () => {
    expect(document.openapi).toBe('3.1.0');
    // Each controller's routes; a new route without answers fails the test below, not this count.
    expect(operations.length).toBeGreaterThanOrEqual(63);
  });

  it('gives every operation a success answer with a schema for each media type', () => {
    const missing = operations.flatMap(([name, operation]) => {
      const success = Object.entries(operation.responses).filter(([status]) => /^[23]/.test(status));
      if (success.length === 0) return [`${name}: no success answer`];
      return success.flatMap(([status, response]) => {
        const content = Object.entries(response.content ?? {});
        if (content.length === 0) return [`${name} ${status}: no content`];
        return content
          .filter(([, media]) => !media.schema || Object.keys(media.schema).length === 0)
          .map(([type]) => `${name} ${status} ${type}: empty schema`);
      });
    });
    expect(missing).toEqual([]);
  });

  it('documents each problem an operation answers as problem+json, one example per code', () => {
    const wrong = operations.flatMap(([name, operation]) => {
      const problems = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      if (!problems.some(([status]) => status === '429') || !problems.some(([status]) => status === '500'))
        return [`${name}: the problems every operation shares are missing`];
      return problems.flatMap(([status, response]) => {
        const media = response.content?.['application/problem+json'];
        if (!media?.schema || !media.examples) return [`${name} ${status}: no problem+json with examples`];
        const codes = (media.schema as { allOf: [unknown, { properties: { code: { enum: string[] } } }] })
          .allOf[1].properties.code.enum;
        const examples = Object.values(media.examples).map((example) => example.value);
        return examples.length === codes.length &&
          examples.every((example) => example.status === Number(status) && codes.includes(example.code))
          ? []
          : [`${name} ${status}: examples do not match the codes ${codes.join(', ')}`];
      });
    });
    expect(wrong).toEqual([]);
  });

  it('asks for a bearer token on every operation but the probes, the metrics and the dashboard config', () => {
    const open = operations
      .filter(([, operation]) => operation.security?.length === 0)
      .map(([name]) => name)
      .sort();
    expect(open).toEqual([
      'GET /health',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /web/config',
    ]);
    for (const [name, operation] of operations) {
      if (open.includes(name)) continue;
      expect([name, operation.responses['401']?.content?.['application/problem+json']]).toEqual([
        name,
        expect.anything(),
      ]);
    }
  });

  it('documents the headers: Idempotency-Key on commands, Retry-After on retryable refusals, Location where answered', () => {
    const assign = document.paths['/tasks']!['post']!;
    expect(JSON.stringify(assign)).toContain('"name":"Idempotency-Key"');
    expect(assign.responses['503']!.headers).toHaveProperty('Retry-After');
    expect(assign.responses['409']!.headers).toHaveProperty('Retry-After');
    expect(document.paths['/agencies/{code}/webhooks']!['post']!.responses['201']!.headers).toHaveProperty(
      'Location',
    );
  });

  it('answers 201 with a required Location only where a command creates something; 200 for every other', () => {
    const created = operations.filter(([, operation]) => operation.responses['201'] !== undefined);
    for (const [name, operation] of created) {
      const headers = operation.responses['201']!.headers as Record<string, unknown> | undefined;
      expect([name, headers?.['Location']]).toEqual([name, expect.objectContaining({ required: true })]);
    }
    // Recording a head or amending the calendar creates nothing of its own: 200 like other commands.
    expect(operations.filter(([name]) => name.startsWith('POST /agencies/{code}/heads'))).toEqual([
      [
        expect.any(String),
        expect.objectContaining({ responses: expect.objectContaining({ '200': expect.anything() }) }),
      ],
    ]);
    expect(created.map(([name]) => name).sort()).toEqual(
      [
        'POST /agencies/{code}/webhooks',
        'POST /agencies/{code}/webhooks/{id}/secrets',
        'POST /plans/drafts/{draftId}/confirm',
        'POST /plans/import',
        'POST /tasks',
        'POST /tasks/{taskId}/extensions',
        'POST /tasks/{taskId}/handoffs',
      ].sort(),
    );
  });

  describe('the oracle the harness checks every answer with', () => {
    const json = new Headers({ 'content-type': 'application/json; charset=utf-8' });
    const problem = new Headers({ 'content-type': 'application/problem+json' });
    const answer = {
      streamId: 'task-1',
      streamVersion: 1,
      position: '42',
      events: [{ id: 'e-1', type: 'TaskAcknowledged', position: '42' }],
    };
    let oracle: ContractValidator;

    beforeAll(() => {
      oracle = new ContractValidator(document);
    });

    it('passes an answer the contract describes', () => {
      expect(() =>
        oracle.check('POST', '/tasks/t-1/acknowledge', { status: 200, headers: json, body: answer }),
      ).not.toThrow();
    });

    it('fails a body with a field the schema does not have, naming the operation and the pointer', () => {
      expect(() =>
        oracle.check('POST', '/tasks/t-1/acknowledge', {
          status: 200,
          headers: json,
          body: { ...answer, events: [{ ...answer.events[0], extra: true }] },
        }),
      ).toThrow(
        /POST \/tasks\/\{taskId\}\/acknowledge \(Tasks\.acknowledge\) answered 200[\s\S]*at \/events\/0: must NOT have additional properties \(extra\)/,
      );
    });

    it('fails a missing required field', () => {
      const { position: _position, ...withoutPosition } = answer;
      expect(() =>
        oracle.check('POST', '/tasks/t-1/acknowledge', { status: 200, headers: json, body: withoutPosition }),
      ).toThrow(/must have required property 'position'/);
    });

    it('fails a status, a media type or a problem code the operation does not list', () => {
      expect(() =>
        oracle.check('POST', '/tasks/t-1/acknowledge', { status: 201, headers: json, body: answer }),
      ).toThrow(/answered 201, which the contract does not list/);
      expect(() =>
        oracle.check('POST', '/tasks/t-1/acknowledge', {
          status: 200,
          headers: new Headers({ 'content-type': 'text/plain' }),
          body: 'ok',
        }),
      ).toThrow(/as text\/plain, which the contract does not list/);
      const refusal = {
        type: '/problems/plan.forbidden',
        title: 'Not allowed',
        status: 403,
        code: 'plan.forbidden',
        instance: '/tasks/t-1/acknowledge',
      };
      expect(() =>
        oracle.check('POST', '/tasks/t-1/acknowledge', { status: 403, headers: problem, body: refusal }),
      ).toThrow(/at \/code: must be equal to one of the allowed values/);
      expect(() =>
        oracle.check('POST', '/tasks/t-1/acknowledge', {
          status: 403,
          headers: problem,
          body: { ...refusal, type: '/problems/task.forbidden', code: 'task.forbidden' },
        }),
      ).not.toThrow();
    });

    it('fails an answer without a header the contract requires (Location of a created resource)', () => {
      const endpoint = document.paths['/agencies/{code}/webhooks']!['post']!;
      expect(endpoint.responses['201']!.headers).toEqual({
        Location: expect.objectContaining({ required: true }),
      });
      expect(() =>
        oracle.check('POST', '/agencies/lc-so-y-te/webhooks', { status: 201, headers: json, body: {} }),
      ).toThrow(/answered 201 without its Location header/);
    });

    it('fails a path the contract does not have, unless the router refused it as a problem', () => {
      expect(() => oracle.check('GET', '/nowhere', { status: 200, headers: json, body: {} })).toThrow(
        /no operation GET \/nowhere/,
      );
      expect(() =>
        oracle.check('GET', '/nowhere', {
          status: 404,
          headers: problem,
          body: {
            type: '/problems/not-found',
            title: 'Not found',
            status: 404,
            code: 'not-found',
            instance: '/nowhere',
          },
        }),
      ).not.toThrow();
    });
  });
});
