import { describe, expect, it } from '@jest/globals';
import { readAllPages, type Page } from '../../../../web/src/paging.js';

/**
 * The dashboard reads an agency's whole inbox page by page (web/src/paging.ts, used by
 * Api.outstanding): the first page gives the total, the others are asked for at once; the items
 * come back whole and in the API's order.
 */
describe('a paged list read by the dashboard', () => {
  /** A fake API of `total` items; each answer waits until `release` is called. */
  function fakeApi(total: number, pageSize: number) {
    const items = Array.from({ length: total }, (_, i) => `task-${i}`);
    const asked: number[] = [];
    const waiting: (() => void)[] = [];
    const page = async (offset: number): Promise<Page<string>> => {
      asked.push(offset);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return { items: items.slice(offset, offset + pageSize), total };
    };
    const release = () => waiting.splice(0).forEach((resolve) => resolve());
    return { items, asked, page, release };
  }

  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
    expect(condition()).toBe(true);
  }

  it('asks for the pages after the first at once and returns every item in order', async () => {
    const api = fakeApi(1009, 500);
    const read = readAllPages(api.page, 500);
    await until(() => api.asked.length === 1);
    api.release();
    // Both remaining pages are asked for before either is answered.
    await until(() => api.asked.length === 3);
    api.release();
    expect(await read).toEqual(api.items);
    expect(api.asked).toEqual([0, 500, 1000]);
  });

  it('reads one page when the list fits in it, empty or full', async () => {
    for (const total of [0, 500]) {
      const api = fakeApi(total, 500);
      const read = readAllPages(api.page, 500);
      await until(() => api.asked.length === 1);
      api.release();
      expect(await read).toEqual(api.items);
      expect(api.asked).toEqual([0]);
    }
  });
});
