import fc from 'fast-check';
import type { Operation, Schema } from './openapi-operations.js';

/**
 * Placeholders for what exists on the instance under test (the plan, task, draft... the suite
 * creates before fuzzing), replaced when the request is sent: generated cases stay printable
 * and replay the same way on a fresh instance (same seed and path).
 */
export const FIXTURES = ['$planId', '$taskId', '$handoffId', '$extensionId', '$draftId'] as const;
export type Fixture = (typeof FIXTURES)[number];

export const AGENCY_CODES = ['lc-so-ldtbxh', 'lc-so-y-te', 'lc-so-gddt', 'lc-ubnd-tinh', 'lsc-phong-ldtbxh'];

/** Demo tokens of every role, and tokens that must be refused. */
export const TOKENS = [
  'demo.issuer.lc-ubnd-tinh',
  'demo.issuer.lsc-ubnd-thanh-pho',
  'demo.officer.lc-so-ldtbxh',
  'demo.officer.lc-so-y-te',
  'demo.officer.lsc-phong-ldtbxh',
  'demo.auditor.lc-ubnd-tinh',
  'demo.inspector.lc-ubnd-tinh',
];
const BAD_AUTHORIZATION = [
  undefined,
  '',
  'Bearer',
  'Bearer ',
  'Bearer demo.officer.no-such-agency',
  'Bearer demo.admin.lc-ubnd-tinh',
  'Bearer demo.officer.',
  'Bearer demo..',
  'Bearer demo.officer.lc-so-ldtbxh extra',
  'bearer demo.officer.lc-so-ldtbxh',
  'Basic ZGVtbzpkZW1v',
  'Bearer a.b.c',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiYWdlbmN5IjoibGMtc28tbGR0YnhoIn0.',
  `Bearer ${'x'.repeat(8_000)}`,
  'Bearer demo.officer.lc-so-ldtbxh\u00e9',
];

/** One generated request, before placeholders are replaced. */
export interface FuzzCase {
  readonly method: string;
  /** The operation's path template it targets (or '(unknown route)'). */
  readonly route: string;
  /** The path and query as sent (placeholders unreplaced). */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON to serialise, raw text, raw bytes (hex), or nothing. */
  readonly body?:
    { readonly json: unknown } | { readonly text: string } | { readonly hex: string } | undefined;
}

// --- Hostile leaves -------------------------------------------------------------------------------

const hostileStrings = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\u0001\u0002\u001f\u007f',
    '\ud800',
    'x\udfffy',
    '\u202eevil',
    '\u200b\u200b',
    '\ufeff',
    'a\u0301'.repeat(2_000),
    '🧒🏽👨‍👩‍👧',
    '<script>alert(1)</script>',
    "' or 1=1 --",
    '${jndi:ldap://x}',
    '../../../../etc/passwd',
    '__proto__',
    'constructor',
    '%00',
    '\r\n\r\n',
    'NaN',
    '-1',
    '1e999',
  ),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom(1_000, 70_000, 300_000).map((n) => 'ạ'.repeat(n)),
);

const hostileNumbers = fc.oneof(
  fc.constantFrom(-1, 0, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 53) - 1, Number.MIN_VALUE, 1e-7),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

export const hostileDates = fc.constantFrom(
  '2025-02-30',
  '2025-13-01',
  '2025-00-10',
  '0000-01-01',
  '9999-12-31',
  '+275760-09-13',
  '-000001-01-01',
  '2025-11-30T24:00:00Z',
  '2025-11-30T00:00:00+99:00',
  '2025-11-30T00:00:00.123456789Z',
  '2025-W01',
  '1/2/2025',
  '20251130',
  '2025-11-30\u0000',
  '2025-11-30 ',
  '２０２５-１１-３０',
  '1970-01-01T00:00:00Z',
  '2100-02-29',
);

const hostileScalars = fc.oneof(
  hostileStrings,
  hostileNumbers,
  hostileDates,
  fc.constantFrom(null, true, false, [], {}, [[[]]], [null], { '': '' }),
);

const hostileValues: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileScalars },
  { weight: 1, arbitrary: fc.constantFrom(100, 10_000).map((n) => Array.from({ length: n }, () => 0)) },
  { weight: 1, arbitrary: fc.constantFrom(50, 300).map((n) => nestedArrays(n)) },
  {
    weight: 1,
    arbitrary: fc.constant(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{}}}')),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

// --- Valid-ish values from the schemas ------------------------------------------------------------

const validDate = fc.constantFrom('2025-11-30', '2025-12-31', '2024-01-15', '2026-06-01');
const validInstant = fc.constantFrom('2025-06-03T02:00:00Z', '2025-11-30T17:00:00+07:00');
const fixtureOrUuid = fc.oneof(fc.constantFrom<string>(...FIXTURES), fc.uuid());

/** A plausible value for a field, guessed from its name and schema (the API's own vocabulary). */
function plausible(name: string, schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const key = name.toLowerCase();
  if (schema.type === 'number' || schema.type === 'integer')
    return key.includes('year')
      ? fc.constantFrom(2024, 2025)
      : key === 'limit'
        ? fc.constantFrom(1, 10, 100)
        : fc.integer({ min: 0, max: 1_000 });
  if (schema.type === 'boolean') return fc.boolean();
  if (key.includes('agency') || key === 'code') return fc.constantFrom(...AGENCY_CODES);
  if (key === 'planid') return fc.constant('$planId');
  if (key === 'handoffid') return fc.oneof(fc.constant('$handoffId'), fc.uuid());
  if (key === 'extensionid') return fc.oneof(fc.constant('$extensionId'), fc.uuid());
  if (key.endsWith('id')) return fixtureOrUuid;
  if (key.includes('date') || key === 'since' || key === 'on') return validDate;
  if (key.endsWith('at') || key === 'asof') return validInstant;
  return fc.constantFrom('Báo cáo kết quả thực hiện', 'Rà soát trẻ em', 'Quyết định số 12/QĐ-UBND', 'x');
}

/** A value for the schema: mostly plausible, each leaf sometimes hostile; objects may lose or gain keys. */
export function fromSchema(schema: Schema, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (schema.type === 'object' || schema.properties) {
    const properties = Object.entries(schema.properties ?? {});
    if (properties.length === 0 || depth > 4) return fc.constant({});
    const shape = Object.fromEntries(
      properties.map(([key, child]) => [key, fromSchema(child, key, depth + 1)]),
    );
    const required = new Set(schema.required ?? []);
    return fc
      .tuple(
        fc.record(shape, { requiredKeys: properties.map(([key]) => key).filter((key) => required.has(key)) }),
        fc.option(fc.constantFrom(...properties.map(([key]) => key)), { freq: 5 }),
        fc.option(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', ''), hostileScalars), {
          freq: 8,
        }),
      )
      .map(([record, dropped, extra]) => {
        const value: Record<string, unknown> = { ...record };
        if (dropped !== null) delete value[dropped];
        if (extra)
          Object.defineProperty(value, extra[0], {
            value: extra[1],
            enumerable: true,
            writable: true,
            configurable: true,
          });
        return value;
      });
  }
  if (schema.type === 'array') {
    const item = fromSchema(schema.items ?? {}, name, depth + 1);
    return fc.oneof(
      { weight: 8, arbitrary: fc.array(item, { maxLength: 3 }) },
      { weight: 1, arbitrary: hostileValues },
    );
  }
  return fc.oneof({ weight: 7, arbitrary: plausible(name, schema) }, { weight: 1, arbitrary: hostileValues });
}

// --- Raw bodies, paths, queries, headers ----------------------------------------------------------

const rawTexts = fc.constantFrom(
  '',
  'null',
  '{',
  '{"text":',
  '[]',
  'true',
  '"text"',
  '\ufeff{"text":"x"}',
  '{"text":"x","text":"y"}',
  '{"text":"\\ud800"}',
  '{"text":"\\u0000"}',
  '{"text": NaN}',
  '{"value": 1e999}',
  '/* comment */ {}',
  `{"text":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
  `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`,
  `[${'1,'.repeat(100_000)}1]`,
  'text=x&reason=y',
);

const rawBytes = fc.constantFrom(
  // Invalid UTF-8 inside a JSON string, an overlong slash, a truncated sequence, a UTF-16 BOM.
  '7b2274657874223a22ff fe22 7d'.replace(/ /g, ''),
  '7b2274657874223a22c0af227d',
  '7b2274657874223a22e282227d',
  'fffe7b007d00',
  // A ZIP local-file header and nothing else (a .docx that is not one).
  '504b0304140000000800',
  '00'.repeat(64),
);

const pathValues = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<string>(...FIXTURES) },
  { weight: 3, arbitrary: fc.constantFrom(...AGENCY_CODES) },
  { weight: 2, arbitrary: fc.uuid().map((id) => encodeURIComponent(id)) },
  {
    weight: 3,
    arbitrary: hostileStrings.map((value) => encodeURIComponent(toWellFormed(value)).slice(0, 20_000)),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%',
      '%00',
      '%ZZ',
      '%C0%AF',
      '%FF%FE',
      '..',
      '%2E%2E',
      '%2F',
      'a%2Fb',
      ' ',
      '-1',
      '0',
      '9'.repeat(400),
    ),
  },
);

function queryArbitrary(operation: Operation): fc.Arbitrary<string> {
  const parameters = operation.query.map((parameter) =>
    fc.option(
      fc
        .oneof(
          { weight: 3, arbitrary: plausible(parameter.name, parameter.schema).map(String) },
          { weight: 2, arbitrary: hostileStrings.map(toWellFormed) },
          { weight: 1, arbitrary: hostileDates },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              '-1',
              '0',
              '1e999',
              '99999999999999999999',
              '1.5',
              'NaN',
              'Infinity',
              '0x10',
              ' 1',
            ),
          },
        )
        .map((value) => [parameter.name, value] as const),
      { freq: 2 },
    ),
  );
  const oddities = fc.option(
    fc.constantFrom(
      operation.query[0] ? `${operation.query[0].name}=a&${operation.query[0].name}=b` : 'x=1&x=2',
      operation.query[0] ? `${operation.query[0].name}[x]=1` : 'a[b]=1',
      'minPosition=%FF',
      'unknown=1',
      '%=%',
      '&&&',
      `q=${'a'.repeat(10_000)}`,
    ),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...parameters), oddities).map(([pairs, odd]) => {
    const parts = pairs
      .filter((pair): pair is readonly [string, string] => pair !== null)
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(toWellFormed(value))}`);
    if (odd) parts.push(odd);
    return parts.length > 0 ? `?${parts.join('&')}` : '';
  });
}

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/problem+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json;;;',
  'a/b/c',
  '*/*',
  'application/xml',
);

const idempotencyKeys = fc.option(
  fc.oneof(
    fc.uuid(),
    fc.constantFrom('', ' ', 'k', 'x'.repeat(300), 'x'.repeat(9_000), 'caf\u00e9', 'a b\tc', '"quoted"'),
  ),
  { freq: 2 },
);

const authorization = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...TOKENS).map((token) => `Bearer ${token}`) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_AUTHORIZATION) },
);

/** The body sent with an operation: a schema value (mutated), a hostile value, raw text or raw bytes. */
function bodyArbitrary(operation: Operation): fc.Arbitrary<FuzzCase['body']> {
  const json = operation.bodies.find((body) => body.contentType === 'application/json');
  const schemaBodies =
    json && json.schema.type !== 'string'
      ? [{ weight: 10, arbitrary: fromSchema(json.schema).map((value) => ({ json: value })) }]
      : [];
  const textBodies = operation.bodies.some((body) => body.contentType.startsWith('text/'))
    ? [{ weight: 4, arbitrary: hostileStrings.map((text) => ({ text: toWellFormed(text) })) }]
    : [];
  return fc.oneof(
    ...schemaBodies,
    ...textBodies,
    { weight: 2, arbitrary: hostileValues.map((value) => ({ json: value })) },
    { weight: 2, arbitrary: rawTexts.map((text) => ({ text })) },
    { weight: 1, arbitrary: rawBytes.map((hex) => ({ hex })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** A request for `operation`: its path with odd ids, odd query, odd headers, a mutated body. */
export function requestFor(operation: Operation): fc.Arbitrary<FuzzCase> {
  const hasBody = operation.bodies.length > 0;
  return fc
    .record({
      pathValues: fc.tuple(...operation.pathParams.map(() => pathValues)),
      query: queryArbitrary(operation),
      otherMethod: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), { freq: 15 }),
      authorization,
      idempotencyKey: operation.method === 'GET' ? fc.constant(null) : idempotencyKeys,
      contentType: fc.option(contentTypes, { freq: 3 }),
      body: hasBody
        ? bodyArbitrary(operation)
        : fc.option(
            rawTexts.map((text) => ({ text })),
            { freq: 10 },
          ),
      lastEventId: fc.option(fc.constantFrom('0', '-1', '1e999', 'abc', '99999999999999999999999', ''), {
        freq: 3,
      }),
    })
    .map((drawn) => {
      let target = operation.path;
      operation.pathParams.forEach((name, i) => {
        target = target.replace(`{${name}}`, drawn.pathValues[i]!);
      });
      const body = drawn.body ?? undefined;
      const headers: Record<string, string> = {};
      if (drawn.authorization !== undefined) headers.authorization = drawn.authorization;
      if (drawn.idempotencyKey !== null) headers['idempotency-key'] = drawn.idempotencyKey;
      const defaultType =
        body && 'json' in body
          ? 'application/json'
          : body
            ? (operation.bodies[0]?.contentType ?? 'text/plain')
            : undefined;
      const contentType = drawn.contentType ?? defaultType;
      if (contentType && body) headers['content-type'] = contentType;
      if (drawn.lastEventId !== null && target.endsWith('/feed'))
        headers['last-event-id'] = drawn.lastEventId;
      return {
        method: drawn.otherMethod ?? operation.method,
        route: `${operation.method} ${operation.path}`,
        target: `${target}${drawn.query}`,
        headers,
        ...(body ? { body } : {}),
      };
    });
}

/** Requests for routes that do not exist. */
export const unknownRoutes: fc.Arbitrary<FuzzCase> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS'),
    target: fc.constantFrom(
      '/nope',
      '/tasks',
      '/tasks/',
      '//tasks',
      '/tasks/$taskId/nope',
      '/.env',
      '/docs/../health',
      '/%ZZ',
      '/agencies/%00/outstanding',
    ),
    authorization,
  })
  .map(({ method, target, authorization: auth }): FuzzCase => {
    const headers: Record<string, string> = {};
    if (auth !== undefined) headers.authorization = auth;
    return { method, route: '(unknown route)', target, headers };
  });

/** Lone surrogates cannot be percent-encoded or sent in a header; they travel inside bodies only. */
function toWellFormed(value: string): string {
  return value.replace(/[\ud800-\udfff]/g, (unit, offset: number, whole: string) => {
    const code = unit.charCodeAt(0);
    const next = whole.charCodeAt(offset + 1);
    const previous = whole.charCodeAt(offset - 1);
    const paired =
      (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) ||
      (code >= 0xdc00 && previous >= 0xd800 && previous <= 0xdbff);
    return paired ? unit : '\ufffd';
  });
}
