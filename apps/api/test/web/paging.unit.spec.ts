import { describe, expect, it } from '@jest/globals';
import { readAllPages, withCursor, type Page } from '../../../../web/src/paging.js';

/**
 * The dashboard reads a whole list page by page (web/src/paging.ts, used by Api.outstanding and
 * the others): it follows each page's `next` cursor until it is null; the items come back whole and
 * in the API's order.
 */
describe('a paged list read by the dashboard', () => {
  /** A fake API of `total` items whose cursor is the index of the next item, as text. */
  function fakeApi(total: number, pageSize: number) {
    const items = Array.from({ length: total }, (_, i) => `task-${i}`);
    const asked: (string | null)[] = [];
    const page = (cursor: string | null): Promise<Page<string>> => {
      asked.push(cursor);
      const from = cursor === null ? 0 : Number(cursor);
      const to = from + pageSize;
      return Promise.resolve({ items: items.slice(from, to), next: to < total ? String(to) : null });
    };
    return { items, asked, page };
  }

  it('follows next from page to page and returns every item once, in order', async () => {
    const api = fakeApi(1009, 500);
    expect(await readAllPages(api.page)).toEqual(api.items);
    expect(api.asked).toEqual([null, '500', '1000']);
  });

  it('reads one page when the list fits in it, empty or full', async () => {
    for (const total of [0, 500]) {
      const api = fakeApi(total, 500);
      expect(await readAllPages(api.page)).toEqual(api.items);
      expect(api.asked).toEqual([null]);
    }
  });

  it('adds the cursor to a path with or without a query', () => {
    expect(withCursor('/agencies', null)).toBe('/agencies');
    expect(withCursor('/agencies', 'a-b_c')).toBe('/agencies?cursor=a-b_c');
    expect(withCursor('/plans/p/tasks?limit=500', 'xyz')).toBe('/plans/p/tasks?limit=500&cursor=xyz');
  });
});
