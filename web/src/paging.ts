/** A page of a list the API answers (`limit`/`offset`), with the list's total. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}

/**
 * Every item of a paged list: the first page gives the total, the others are asked for at once
 * rather than one after another (a thousand tasks are three pages of 500); the items keep the
 * API's order.
 */
export async function readAllPages<T>(
  page: (offset: number) => Promise<Page<T>>,
  pageSize: number,
): Promise<T[]> {
  const first = await page(0);
  const offsets: number[] = [];
  for (let offset = pageSize; offset < first.total; offset += pageSize) offsets.push(offset);
  const rest = await Promise.all(offsets.map(page));
  return [first, ...rest].flatMap((answer) => answer.items);
}
