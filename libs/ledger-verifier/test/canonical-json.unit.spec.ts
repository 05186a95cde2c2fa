import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import {
  canonicalJson,
  canonicalOrder,
  entryBytes,
  entryLeafHash,
  leafHash,
  type LedgerEntry,
} from '#libs/ledger-verifier';

/** The RFC 8785 authors' test vectors (source and commit in the folder's README). */
const VECTORS = join(import.meta.dirname, 'fixtures', 'rfc8785');

describe('canonicalJson (RFC 8785)', () => {
  const names = readdirSync(join(VECTORS, 'input')).filter((f) => f.endsWith('.json'));

  it('has the test vectors', () => {
    expect(names.sort()).toEqual([
      'arrays.json',
      'french.json',
      'structures.json',
      'unicode.json',
      'values.json',
      'weird.json',
    ]);
  });

  it.each(names)('writes %s as the RFC 8785 reference output, byte for byte', (name) => {
    const input = JSON.parse(readFileSync(join(VECTORS, 'input', name), 'utf8')) as unknown;
    const expected = readFileSync(join(VECTORS, 'output', name));
    expect(Buffer.from(canonicalJson(input), 'utf8').equals(expected)).toBe(true);
  });

  it('writes numbers as ECMAScript does (RFC 8785 appendix B)', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [1e21, '1e+21'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [-1.5, '-1.5'],
    ];
    for (const [value, text] of cases) expect(canonicalJson(value)).toBe(text);
  });

  it('sorts members by UTF-16 code units, not code points or locale', () => {
    // U+1F600 is the surrogate pair D83D DE00: before U+FB33 in UTF-16 order, after it in code points.
    expect(canonicalJson({ '\uFB33': 1, '\u{1F600}': 2, b: 3, B: 4, a: 5 })).toBe(
      '{"B":4,"a":5,"b":3,"\u{1F600}":2,"\uFB33":1}',
    );
  });

  it('refuses what has no canonical form', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow();
    expect(() => canonicalJson(['\uD800'])).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ ['\uDC00']: 1 })).toThrow(/lone surrogate/);
    expect(() => canonicalJson(10n)).toThrow();
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(/toJSON/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow();
  });

  it('sorts names that look like array indexes as text too (an object would list them first)', () => {
    const value = JSON.parse('{"b":1,"10":2,"9":3,"1a":4,"":5}') as unknown;
    expect(canonicalJson(value)).toBe('{"":5,"10":2,"1a":4,"9":3,"b":1}');
    expect(canonicalJson({ nested: [value] })).toBe(canonicalize({ nested: [value] }));
  });

  it('keeps a member named __proto__ as a member', () => {
    const value = JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}') as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":{"a":1,"b":2},"z":1}');
  });

  it('tells a lone surrogate from an escaped backslash before "ud800" and from control characters', () => {
    expect(canonicalJson({ a: '\\ud800', b: '\u0001\n' })).toBe('{"a":"\\\\ud800","b":"\\u0001\\n"}');
    expect(() => canonicalJson({ a: '\\\uD800' })).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ a: ['ok', { b: 'x\uDBFF' }] })).toThrow(/lone surrogate/);
  });

  it('leaves out undefined members and writes undefined items as null, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('writes the same text as the canonicalize package for random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes the same text as the canonicalize package for random strings, keys and numbers', () => {
    const text = fc.string({ unit: 'grapheme-composite' });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node')),
        fc.dictionary(text, tie('node')),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes a value already in canonical order (as an export writes entries) the same way', () => {
    const text = fc.string({ unit: 'grapheme-composite' });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node')),
        fc.dictionary(text, tie('node')),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const ordered = canonicalOrder(v);
        expect(canonicalJson(ordered)).toBe(canonicalize(v));
        // Read back from JSON, as the verifier reads an export line.
        expect(canonicalJson(JSON.parse(JSON.stringify(ordered)))).toBe(canonicalize(v));
      }),
      { numRuns: 2_000 },
    );
    // In order, but not to be written as it is: refused or written member by member as before.
    expect(() => canonicalJson({ a: 1, b: Number.NaN })).toThrow(/no canonical JSON/);
    expect(canonicalJson({ a: 1, '1': 2 })).toBe('{"1":2,"a":1}');
    expect(() => canonicalJson({ a: '\ud800' })).toThrow(/lone surrogate/);
  });

  it('gives an entry the leaf hash of its canonical bytes', () => {
    const entry: LedgerEntry = {
      eventId: '0b3f1c7e-8a7c-4f7e-9d2a-1b2c3d4e5f60',
      streamId: 'task-1',
      streamVersion: 3,
      type: 'ProgressReported',
      data: { text: 'Đã tổ chức 02 lớp tập huấn', value: 42 },
      metadata: { actor: { personId: 'officer-3', agencyCode: 'lc-so-ldtbxh' } },
      recordedAt: '2024-06-01T02:30:00.000000Z',
    };
    const bytes = entryBytes(entry);
    expect(bytes.toString('utf8')).toBe(
      canonicalize({
        eventId: entry.eventId,
        streamId: entry.streamId,
        streamVersion: entry.streamVersion,
        type: entry.type,
        data: entry.data,
        metadata: entry.metadata,
        recordedAt: entry.recordedAt,
      }),
    );
    expect(entryLeafHash(entry).equals(leafHash(bytes))).toBe(true);
  });
});
