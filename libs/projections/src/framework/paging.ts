import { InvalidProjectionQueryError } from './deadlines.js';

/**
 * A page of a list (docs/adr/0034-keyset-pages.md): its items, `next` (the cursor of the following
 * page, null at the end) and, only when asked for, the size of the whole list.
 */
export interface Page<Item> {
  readonly items: Item[];
  readonly next: string | null;
  readonly total?: number;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** How a caller asks for a page: after a cursor (keyset) or, as before cursors, from an offset. */
export interface PageRequest {
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly cursor?: string;
  /** Kept for callers written before cursors: rows to skip. Not with `cursor`. */
  readonly offset?: number;
  /** Also count the whole list (`total`): a second query, so only on request. */
  readonly count?: boolean;
}

export function pageOf(options: PageRequest): { limit: number; offset: number } {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidProjectionQueryError('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidProjectionQueryError('offset', 'must be a whole number from 0');
  }
  if (options.offset !== undefined && options.cursor !== undefined) {
    throw new InvalidProjectionQueryError('cursor', 'give either cursor or offset, not both');
  }
  return { limit, offset };
}

/** The values of a sort key, in order: dates and ids as text, ranks as numbers. */
export type KeyValues = readonly (string | number)[];

/** What a value of a cursor's key must be: any text, a YYYY-MM-DD date, a whole number, a UUID. */
export type KeyType = 'text' | 'date' | 'int' | 'uuid';

/**
 * A cursor is opaque to callers: the list's name and sort, then the sort key of the last item
 * given, as base64url JSON. Naming the list and sort lets a cursor from another list or order be
 * refused rather than silently answered with the wrong rows.
 */
export function encodeCursor(kind: string, key: KeyValues): string {
  return Buffer.from(JSON.stringify([kind, ...key]), 'utf8').toString('base64url');
}

const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,1000}$/;

/**
 * The key of a cursor made by encodeCursor(kind, key) with a key of these value types ('date':
 * YYYY-MM-DD); anything else is refused (422 on `cursor`).
 */
export function decodeCursor(cursor: string, kind: string, types: readonly KeyType[]): KeyValues {
  const refuse = (): never => {
    throw new InvalidProjectionQueryError('cursor', 'must be the `next` of a page of this list and order');
  };
  if (!CURSOR_TEXT.test(cursor)) return refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return refuse();
  }
  if (!Array.isArray(parsed) || parsed.length !== types.length + 1 || parsed[0] !== kind) return refuse();
  const key = parsed.slice(1) as unknown[];
  types.forEach((type, i) => {
    if (!isKeyValue(type, key[i])) refuse();
  });
  return key as KeyValues;
}

/** NUL or half a surrogate pair: text the database can neither store nor compare. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A value the database takes for a key of this type without an error (an error would be a 500):
 * a real calendar date of 1900 to 2199, text it can store, a whole number from 0, a UUID as the
 * database writes it (lower case).
 */
function isKeyValue(type: KeyType, value: unknown): boolean {
  if (type === 'int') return Number.isSafeInteger(value) && (value as number) >= 0;
  if (type === 'uuid') return typeof value === 'string' && UUID.test(value);
  if (typeof value !== 'string' || value.length > 500 || UNSTORABLE.test(value)) return false;
  if (type === 'text') return true;
  if (!/^(19|20|21)\d{2}-\d{2}-\d{2}$/.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

/**
 * One more row than the page is read: if it is there, the page's last item's key is `next`.
 * `total` is added by the caller when counted.
 */
export function keysetPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  kind: string,
  keyOf: (row: Row) => KeyValues,
  item: (row: Row) => Item,
): Page<Item> {
  const page = rows.slice(0, limit);
  return {
    items: page.map(item),
    next: rows.length > limit && page.length > 0 ? encodeCursor(kind, keyOf(page[page.length - 1]!)) : null,
  };
}

/** Compares two keys value by value; `descending` flips the whole order. */
export function compareKeys(a: KeyValues, b: KeyValues, descending = false): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
  }
  return 0;
}

/**
 * A page of rows already in memory (a past state, the agency directory), cut the same way as the
 * database's keyset pages: the rows sorted by `keyOf` (ascending, or descending), after the cursor.
 */
export function pageInMemory<Row, Item>(
  rows: readonly Row[],
  request: PageRequest,
  kind: string,
  types: readonly KeyType[],
  keyOf: (row: Row) => KeyValues,
  item: (row: Row) => Item,
  descending = false,
): Page<Item> {
  const { limit, offset } = pageOf(request);
  const sorted = [...rows].sort((a, b) => compareKeys(keyOf(a), keyOf(b), descending));
  const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, kind, types);
  const start =
    after === undefined ? offset : sorted.findIndex((row) => compareKeys(keyOf(row), after, descending) > 0);
  const rest = start < 0 ? [] : sorted.slice(start, start + limit + 1);
  return {
    ...keysetPage(rest, limit, kind, keyOf, item),
    ...(request.count ? { total: sorted.length } : {}),
  };
}

/** A list's sort key: the cursor's name and value types, and the key of a row. */
export interface ListKey<Row> {
  readonly kind: string;
  readonly types: readonly KeyType[];
  readonly keyOf: (row: Row) => KeyValues;
}

/**
 * A keyset page of rows some of which the caller may not see (the access policy decides in
 * memory): batches are read after the cursor until one more than the page is kept or the rows run
 * out, so the page is full whatever the batches held.
 */
export async function filteredKeysetPage<Row, Item>(
  read: (after: KeyValues | undefined, take: number) => Promise<Row[]>,
  keep: (rows: Row[]) => Promise<Row[]>,
  request: { readonly limit?: number; readonly cursor?: string },
  key: ListKey<Row>,
  item: (row: Row) => Item,
  batch = 100,
): Promise<Page<Item>> {
  const { limit } = pageOf({ ...(request.limit === undefined ? {} : { limit: request.limit }) });
  let after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, key.kind, key.types);
  const kept: Row[] = [];
  const take = Math.max(batch, limit + 1);
  for (;;) {
    const rows = await read(after, take);
    kept.push(...(await keep(rows)));
    if (kept.length > limit || rows.length < take) break;
    after = key.keyOf(rows[rows.length - 1]!);
  }
  return keysetPage(kept, limit, key.kind, key.keyOf, item);
}
