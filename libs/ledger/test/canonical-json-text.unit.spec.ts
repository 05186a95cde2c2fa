import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson, entryLeafHash, entryText } from '#libs/ledger-verifier';
import { canonicalJsonOfText } from '../src/canonical-json-text.js';
import { storedEntryLeafHash, storedEntryText, type StoredEntry } from '../src/stored-entry.js';

/**
 * canonicalJsonOfText (the ledger's hot loop, from stored JSON text) must write exactly what
 * canonicalJson(JSON.parse(text)) writes, and throw where it throws.
 */
const reference = (text: string): string => canonicalJson(JSON.parse(text));

/** The outcome of f: its text, or that it threw. */
function outcome(f: () => string): string {
  try {
    return `ok ${f()}`;
  } catch {
    return 'threw';
  }
}

/** How a writer of JSON may have written a value: spacing, member order, escapes, number forms. */
interface Style {
  readonly colon: string;
  readonly comma: string;
  readonly reverseMembers: boolean;
  readonly escapeNonAscii: boolean;
  readonly number: 'shortest' | 'exponent' | 'precision' | 'fixed';
}

function writeString(text: string, style: Style): string {
  const plain = JSON.stringify(text);
  return style.escapeNonAscii
    ? plain.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : plain;
}

function writeNumber(n: number, style: Style): string {
  switch (style.number) {
    case 'shortest':
      return JSON.stringify(n);
    case 'exponent':
      return n.toExponential();
    case 'precision':
      return n.toPrecision(17);
    case 'fixed':
      // Integers as 12.0, 1e3 stays as JavaScript writes it when it is not one.
      return Number.isInteger(n) && Math.abs(n) < 1e21 ? `${n.toFixed(0)}.0` : JSON.stringify(n);
  }
}

function writeText(value: unknown, style: Style): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return String(value);
    case 'number':
      return writeNumber(value, style);
    case 'string':
      return writeString(value, style);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => writeText(v, style)).join(style.comma)}]`;
      const members = Object.entries(value as Record<string, unknown>);
      if (style.reverseMembers) members.reverse();
      return `{${members.map(([k, v]) => `${writeString(k, style)}${style.colon}${writeText(v, style)}`).join(style.comma)}}`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      break;
  }
  throw new Error(`not JSON: ${typeof value}`);
}

const style: fc.Arbitrary<Style> = fc.record({
  colon: fc.constantFrom(':', ': ', ' : ', '\n\t:\r '),
  comma: fc.constantFrom(',', ', ', ' ,\n  '),
  reverseMembers: fc.boolean(),
  escapeNonAscii: fc.boolean(),
  number: fc.constantFrom('shortest', 'exponent', 'precision', 'fixed'),
});

/** Vietnamese text, composed (NFC) or decomposed (NFD), with the characters JSON must escape. */
const vietnamese = fc
  .tuple(
    fc.array(
      fc.constantFrom(
        'Đã',
        'hoàn thành',
        'rà soát',
        'xã',
        'Sở LĐTBXH',
        'tỉnh Lai Châu',
        'trẻ em',
        'hỗ trợ',
        'ước',
        ' ',
        '"',
        '\\',
        '/',
        '\n',
        '\t',
        '\u0001',
        '\u001f',
        '\u007f',
        '\u2028',
        '😀',
        '\uFB33',
        '%',
        '15/15',
      ),
      { maxLength: 12 },
    ),
    fc.constantFrom('NFC', 'NFD'),
  )
  .map(([parts, form]) => parts.join('').normalize(form));

const key = fc.oneof(
  vietnamese,
  fc.string({ unit: 'grapheme-composite', maxLength: 6 }),
  fc.constantFrom('a', 'b', 'B', '', '1', '10', '9', '__proto__', 'constructor', 'taskId', 'text'),
);

const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e21, 1e-7, 0.1, 123456789012345, 1234567890123456, 2 ** 53, 5e-324),
);

const json = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    vietnamese,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(key, tie('node'), { maxKeys: 6 }),
  ),
})).node;

describe('canonicalJsonOfText', () => {
  // The RFC 8785 vectors the verifier's own encoder is tested with.
  const vectors = join(import.meta.dirname, '..', '..', 'ledger-verifier', 'test', 'fixtures', 'rfc8785');

  it.each(readdirSync(join(vectors, 'input')).filter((f) => f.endsWith('.json')))(
    'writes %s as the RFC 8785 reference output, from its text',
    (name) => {
      const input = readFileSync(join(vectors, 'input', name), 'utf8');
      const expected = readFileSync(join(vectors, 'output', name));
      expect(Buffer.from(canonicalJsonOfText(input), 'utf8').equals(expected)).toBe(true);
    },
  );

  it('writes what canonicalJson writes of the parsed text, however the text was written', () => {
    fc.assert(
      fc.property(json, style, (value, s) => {
        const text = writeText(value, s);
        expect(outcome(() => canonicalJsonOfText(text))).toBe(outcome(() => reference(text)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with canonicalJson on random JSON as JSON.stringify writes it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, space) => {
        const text = JSON.stringify(value, null, space);
        expect(canonicalJsonOfText(text)).toBe(reference(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes number literals of any length and form as the doubles they are', () => {
    const digits = fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String);
    const literal = fc
      .tuple(
        digits,
        fc.option(fc.bigInt({ min: 0n, max: 10n ** 20n })),
        fc.option(fc.integer({ min: -400, max: 400 })),
      )
      .map(
        ([int, fraction, exponent]) =>
          `${int}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : `e${exponent}`}`,
      );
    fc.assert(
      fc.property(fc.array(literal, { maxLength: 4 }), (numbers) => {
        const text = `[${numbers.join(',')}]`;
        expect(outcome(() => canonicalJsonOfText(text))).toBe(outcome(() => reference(text)));
      }),
      { numRuns: 5_000 },
    );
    expect(canonicalJsonOfText('[9007199254740993,12345678901234567,-123456789012345678]')).toBe(
      '[9007199254740992,12345678901234568,-123456789012345680]',
    );
  });

  it('sorts objects of many members as canonicalJson does, a name given twice included', () => {
    // A handful of members (sorted in place) and more than 16 (sorted by index) alike.
    const member = fc.tuple(key, fc.oneof(number, vietnamese));
    const members = fc.oneof(
      fc.array(member, { minLength: 2, maxLength: 16 }),
      fc.array(member, { minLength: 17, maxLength: 60 }),
    );
    fc.assert(
      fc.property(members, style, fc.boolean(), (pairs, s, twice) => {
        const written = pairs.map(([k, v]) => `${writeString(k, s)}${s.colon}${writeText(v, s)}`);
        if (twice) written.push(written[0]!);
        const text = `{${written.join(s.comma)}}`;
        expect(outcome(() => canonicalJsonOfText(text))).toBe(outcome(() => reference(text)));
      }),
      { numRuns: 3_000 },
    );
  });

  it('agrees on texts that are damaged, or not JSON at all', () => {
    const damaged = fc
      .tuple(
        json,
        style,
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', '\\', ' x', '\u0000', '\ud800', '-'),
      )
      .map(([value, s, at, cut]) => {
        const text = writeText(value, s);
        const i = at % (text.length + 1);
        return text.slice(0, i) + cut + text.slice(i + (at % 2));
      });
    fc.assert(
      fc.property(damaged, (text) => {
        expect(outcome(() => canonicalJsonOfText(text))).toBe(outcome(() => reference(text)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('handles what it leaves to canonicalJson as canonicalJson does', () => {
    const cases = [
      '{"b":1,"a":2,"b":3}', // a duplicate name: the last value
      '{"a":{"a":1,"a":[2]}}',
      '{"__proto__":{"b":2,"a":1},"z":1}',
      '"\\ud800"', // a lone surrogate escaped
      '{"\\udc00":1}',
      '"\\ud83d\\ude00"', // a pair escaped: fine
      '1e400',
      '-1e400',
      '1E+2',
      '-0',
      '-0.0e5',
      '12345678901234567890',
      '0.1e1',
      `${'['.repeat(150)}1${']'.repeat(150)}`,
      `${'['.repeat(1_100)}${']'.repeat(1_100)}`,
      '{"a":"\\u00e9\\n\\/\\"","\\u0061b":true}',
      '"\u0001"',
      '\u00a0 1',
      '[1,]',
      '{"a":1,}',
      '01',
      '1.',
      '.5',
      '+1',
      '-', // a minus sign that ends the text, alone or after a value
      '[1,-',
      '{"a":-',
      '-]',
      'true false',
      'nul',
      '',
      ' ',
      '"abc',
      '"a\\"',
      '{"a" 1}',
      '[1 2]',
      '\ufeff{}',
    ];
    for (const text of cases)
      expect(outcome(() => canonicalJsonOfText(text))).toBe(outcome(() => reference(text)));
    expect(canonicalJsonOfText('{"b":1,"a":2,"b":3}')).toBe('{"a":2,"b":3}');
    expect(canonicalJsonOfText(' [ 1.0 , 1E2 , -0 , "\\u00e9" ] ')).toBe('[1,100,0,"é"]');
  });
});

describe('storedEntryText', () => {
  const stored: fc.Arbitrary<StoredEntry> = fc.record({
    eventId: fc.uuid(),
    streamId: fc.oneof(vietnamese, fc.string()),
    streamVersion: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    type: fc.oneof(fc.constantFrom('TaskAssigned', 'ProgressReported'), fc.string()),
    dataJson: fc.tuple(json, style).map(([v, s]) => writeText(v, s)),
    metadataJson: fc.tuple(json, style).map(([v, s]) => writeText(v, s)),
    recordedAt: fc.constantFrom('2024-06-01T02:30:00.123456Z', '2026-12-06T16:54:50.964832Z'),
  });

  it('is the entry text, and the leaf hash, of the entry with the texts parsed', () => {
    fc.assert(
      fc.property(stored, (entry) => {
        const parsed = {
          eventId: entry.eventId,
          streamId: entry.streamId,
          streamVersion: entry.streamVersion,
          type: entry.type,
          data: JSON.parse(entry.dataJson) as unknown,
          metadata: JSON.parse(entry.metadataJson) as unknown,
          recordedAt: entry.recordedAt,
        };
        const text = outcome(() => storedEntryText(entry));
        expect(text).toBe(outcome(() => entryText(parsed)));
        if (text !== 'threw') expect(storedEntryLeafHash(entry).equals(entryLeafHash(parsed))).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('refuses a lone surrogate in a plain field, as entryText does', () => {
    const entry = {
      eventId: '0b3f1c7e-8a7c-4f7e-9d2a-1b2c3d4e5f60',
      streamId: 'task-\ud800',
      streamVersion: 1,
      type: 'TaskAssigned',
      dataJson: '{}',
      metadataJson: '{}',
      recordedAt: '2024-06-01T02:30:00.000000Z',
    };
    expect(() => storedEntryText(entry)).toThrow(/lone surrogate/);
    expect(() => entryText({ ...entry, data: {}, metadata: {} })).toThrow(/lone surrogate/);
  });
});
