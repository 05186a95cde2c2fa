import { describe, expect, it } from '@jest/globals';
import { InvalidProjectionQueryError } from './deadlines.js';
import { decodeCursor, encodeCursor, pageInMemory } from './paging.js';

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('a page cursor', () => {
  it('gives back the key it was made with, for its own list and order only', () => {
    const cursor = encodeCursor('outstanding:state', [2, '2025-11-30', 'task-ý-1']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'outstanding:state', ['int', 'date', 'text'])).toEqual([
      2,
      '2025-11-30',
      'task-ý-1',
    ]);
    expect(() => decodeCursor(cursor, 'outstanding:dueDate', ['date', 'text'])).toThrow(
      InvalidProjectionQueryError,
    );
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['not an array', cursorOf({ kind: 'responsibilities' })],
    ['a key too short', cursorOf(['responsibilities', '2025-11-30'])],
    ['a date that is no day', cursorOf(['responsibilities', '2025-02-30', 't'])],
    ['a year the database would refuse', cursorOf(['responsibilities', '0000-01-01', 't'])],
    ['a number for a date', cursorOf(['responsibilities', 20251130, 't'])],
    ['NUL in text', cursorOf(['responsibilities', '2025-11-30', 't\u0000'])],
    ['half a surrogate pair', cursorOf(['responsibilities', '2025-11-30', 't\ud800'])],
  ])('refuses %s, naming cursor', (_, cursor) => {
    expect(() => decodeCursor(cursor, 'responsibilities', ['date', 'text'])).toThrow(
      expect.objectContaining({ field: 'cursor' }),
    );
  });

  it('refuses a number that is not a whole number from 0', () => {
    for (const rank of [-1, 1.5, 2 ** 60, '1']) {
      expect(() => decodeCursor(cursorOf(['k', rank]), 'k', ['int'])).toThrow(InvalidProjectionQueryError);
    }
  });
});

describe('a page of rows in memory', () => {
  const rows = ['d', 'a', 'c', 'b', 'e'].map((id) => ({ id }));
  const page = (request: { limit?: number; cursor?: string; offset?: number; count?: boolean }) =>
    pageInMemory(
      rows,
      request,
      'letters',
      ['text'],
      (row) => [row.id],
      (row) => row.id,
    );

  it('follows next from the first page to the last, each row once, in key order', () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const answer = page({ limit: 2, ...(next === null ? {} : { cursor: next }) });
      seen.push(...answer.items);
      next = answer.next;
    } while (next !== null);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('ends with next null on a full last page, and counts only when asked', () => {
    expect(page({ limit: 5 })).toEqual({ items: ['a', 'b', 'c', 'd', 'e'], next: null });
    expect(page({ limit: 5, count: true }).total).toBe(5);
    expect(page({ offset: 3, limit: 1 })).toEqual({ items: ['d'], next: encodeCursor('letters', ['d']) });
    expect(() => page({ offset: 1, cursor: encodeCursor('letters', ['a']) })).toThrow(
      InvalidProjectionQueryError,
    );
  });
});
