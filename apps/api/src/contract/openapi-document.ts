import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { CONTRACT_SCHEMAS } from './contract.schemas.js';
import type { JsonSchema } from './json-schema.js';
import { AUDITED_READ_EXTENSION, PROBLEM_CODES, PROBLEMS_EXTENSION, type ProblemCode } from './problems.js';

const PROBLEM_TYPE = 'application/problem+json';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'The request is not valid',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal error',
  503: 'Temporarily unavailable',
};

const RETRY_AFTER = {
  description: 'Seconds to wait before trying again (with the same Idempotency-Key, a retry is safe)',
  schema: { type: 'integer', minimum: 0 },
};

type Operation = OpenAPIObject['paths'][string]['get'] & object;

/**
 * The OpenAPI 3.1 document of the API, generated from the code: routes, parameters and bodies from
 * Nest's decorators and DTOs; answers from each feature's schemas (<feature>.schemas.ts, via
 * @ApiAnswer); problems from @ApiProblems plus those every operation shares. The e2e harness
 * validates every answer it sees against this document (docs/adr/0035-openapi-contract.md).
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Child-protection coordination service')
    .setDescription(
      "Plans of People's Committees, the duties they assign to agencies, and every step taken on them, recorded as events. " +
        'Errors answer RFC 9457 problem+json with a stable `code`; lists page with `limit` and `offset` (answering `total`) or with a `cursor` (answering `next`).',
    )
    .setVersion('0.1.0')
    .setLicense('UNLICENSED', 'https://example.invalid/unlicensed')
    .addServer('/')
    .addBearerAuth()
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(CONTRACT_SCHEMAS as OpenAPIObject['components']) },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (operation) describeOperation(path, method, operation);
    }
  }
  return JSON.parse(JSON.stringify(document, withoutNullable)) as OpenAPIObject;
}

function describeOperation(path: string, method: string, operation: Operation): void {
  const extensions = operation as unknown as Record<string, unknown>;
  const listed = [...((extensions[PROBLEMS_EXTENSION] as ProblemCode[] | undefined) ?? [])];
  delete extensions[PROBLEMS_EXTENSION];
  if (extensions[AUDITED_READ_EXTENSION] !== undefined) listed.push('read-audit-unavailable');
  delete extensions[AUDITED_READ_EXTENSION];
  // The three public controllers (health, metrics, the dashboard's config) carry no @ApiBearerAuth.
  const secured = operation.security !== undefined && operation.security.length > 0;
  if (!secured) operation.security = [];
  operation.operationId = operation.operationId?.replace(/HttpController_|Controller_/, '.');
  const codes = new Set<ProblemCode>([...listed, ...sharedProblems(method, operation, secured)]);
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const status = PROBLEM_CODES[code][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const key = String(status);
    const existing = operation.responses[key] as { description?: string; content?: object } | undefined;
    operation.responses[key] = {
      ...existing,
      description: existing?.description ?? TITLES[status] ?? 'Refused',
      ...(retryable(statusCodes) ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
      content: { ...existing?.content, [PROBLEM_TYPE]: problemContent(path, status, statusCodes) },
    };
  }
}

/** Problems every operation of a kind can answer, whatever its handler does. */
function sharedProblems(method: string, operation: Operation, secured: boolean): ProblemCode[] {
  // What the HTTP server refuses before routing (framework-errors.ts) can meet any operation.
  const codes: ProblemCode[] = [
    'bad-url',
    'uri-too-long',
    'headers-too-large',
    'rate-limited',
    'internal',
    'database-unavailable',
  ];
  const parameters = (operation.parameters ?? []) as { in?: string; name?: string }[];
  if (secured) codes.push('unauthenticated');
  if (secured && method !== 'get') codes.push('forbidden', 'agency.dissolved');
  // Any request but a GET may carry a body, which the body parsers read (and refuse) first.
  if (operation.requestBody || method !== 'get') {
    codes.push(
      'bad-request',
      'payload-too-large',
      'unsupported-media-type',
      'validation',
      'invalid-utf8',
      'json-too-deep',
      'json-array-too-long',
      'json-object-too-large',
      'json-too-many-values',
    );
  }
  if (parameters.some((parameter) => parameter.in === 'query' || parameter.in === 'path')) {
    codes.push('validation');
  }
  if (parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key')) {
    codes.push('idempotency-key-reused', 'concurrency-conflict');
  }
  if (parameters.some((parameter) => parameter.in === 'query' && parameter.name === 'minPosition')) {
    codes.push('projection-behind');
  }
  return codes;
}

function retryable(codes: readonly ProblemCode[]): boolean {
  return codes.some((code) =>
    [
      'rate-limited',
      'concurrency-conflict',
      'database-unavailable',
      'intake-busy',
      'projection-behind',
      'read-audit-unavailable',
    ].includes(code),
  );
}

/** The shared Problem shape, narrowed to this status and these codes, with one example per code. */
function problemContent(path: string, status: number, codes: readonly ProblemCode[]) {
  const schema: JsonSchema = {
    allOf: [
      { $ref: '#/components/schemas/Problem' },
      { type: 'object', properties: { status: { const: status }, code: { enum: [...codes] } } },
    ],
  };
  const examples = Object.fromEntries(
    codes.map((code) => [
      code,
      {
        summary: PROBLEM_CODES[code][1],
        value: {
          type: `/problems/${code}`,
          title: TITLES[status] ?? 'Refused',
          status,
          code,
          detail: `${PROBLEM_CODES[code][1]}.`,
          instance: path,
          ...(code === 'validation'
            ? { errors: [{ pointer: '/reason', detail: 'reason must be a non-empty string' }] }
            : {}),
        },
      },
    ]),
  );
  return { schema, examples };
}

/** OpenAPI 3.0's `nullable`, which some DTO decorators still write, as a 3.1 type list. */
function withoutNullable(this: unknown, _key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  if (nullable !== true) return value;
  const type = rest['type'];
  if (typeof type === 'string') return { ...rest, type: [type, 'null'] };
  return { anyOf: [rest, { type: 'null' }] };
}
