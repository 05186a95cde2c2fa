import fc from 'fast-check';
import { sameJson } from './task-row-set.js';

/** What a row's content was compared by before: JSON with object keys sorted. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Date)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

const assignee = {
  agencyCode: 'lc-so-y-te',
  role: 'lead',
  status: 'acknowledged',
  progress: [{ at: '2026-03-01T02:00:00.000Z', text: 'Đã tổ chức tuyên truyền', values: [] }],
};

describe('whether a row column is unchanged (sameJson)', () => {
  it('ignores the order of object keys, as jsonb hands them back', () => {
    const reordered = {
      status: 'acknowledged',
      progress: assignee.progress,
      role: 'lead',
      agencyCode: 'lc-so-y-te',
    };
    expect(sameJson([assignee], [reordered])).toBe(true);
  });

  it('sees a change anywhere: a nested value, an added or removed key, an element, a type', () => {
    const changes: unknown[] = [
      [{ ...assignee, status: 'completed' }],
      [
        {
          ...assignee,
          progress: [...assignee.progress, { at: '2026-03-02T02:00:00.000Z', text: 'x', values: [] }],
        },
      ],
      [{ ...assignee, extra: null }],
      [{ agencyCode: 'lc-so-y-te', role: 'lead', status: 'acknowledged' }],
      [assignee, assignee],
      [{ ...assignee, role: 1 }],
      { 0: assignee },
      null,
    ];
    for (const changed of changes) expect(sameJson([assignee], changed)).toBe(false);
    expect(sameJson('2026-03-01', '2026-03-02')).toBe(false);
    expect(sameJson(1, '1')).toBe(false);
    expect(sameJson(new Date(0), new Date(1))).toBe(false);
  });

  it('answers true only where the sorted JSON is the same', () => {
    const values: unknown[] = [
      null,
      undefined,
      0,
      1,
      '1',
      '',
      true,
      false,
      [],
      {},
      [null],
      [undefined],
      { a: undefined },
      { a: null },
      { a: 1, b: [1, { c: 'đ' }] },
      { b: [1, { c: 'đ' }], a: 1 },
      { b: [1, { c: 'd' }], a: 1 },
      { x: null },
      { y: null },
      // eslint-disable-next-line no-sparse-arrays
      [, 1],
      [5, 1],
      [{ a: undefined }],
      [{}],
      Number.NaN,
      new Date(0),
      new Date(1),
      new Date(0).toISOString(),
      [assignee],
    ];
    for (const a of values) {
      for (const b of values) {
        if (sameJson(a, b)) expect(sortedJson([a])).toBe(sortedJson([b]));
      }
      // NaN is never "same" (NaN !== NaN): such a row is written again, which is only slower.
      expect(sameJson(a, structuredClone(a))).toBe(!Number.isNaN(a));
    }
  });

  it('never answers true for values whose sorted JSON differs, in either order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        if (sameJson(a, b) || sameJson(b, a)) expect(sortedJson([a])).toBe(sortedJson([b]));
      }),
    );
    // Values that differ in one place only, which independent random values rarely are.
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.string(),
        fc.jsonValue(),
        (row, key, value) => {
          const changed = { ...row, [key]: value };
          expect(sameJson(row, changed)).toBe(sortedJson([row]) === sortedJson([changed]));
        },
      ),
    );
  });
});
