/** A page of a list the API answers: `next` is the cursor of the following page, null at the end. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/**
 * Every item of a paged list, following each page's `next` cursor to the end (keyset pages: each
 * costs the same however deep, so one after another is as quick as offsets asked for at once, and
 * a page's position does not shift when rows before it come or go).
 */
export async function readAllPages<T>(page: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let cursor: string | null = null; ;) {
    const answer: Page<T> = await page(cursor);
    items.push(...answer.items);
    if (answer.next === null) return items;
    cursor = answer.next;
  }
}

/** `path` with the cursor of the page to read, if any. */
export function withCursor(path: string, cursor: string | null): string {
  if (cursor === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
}
