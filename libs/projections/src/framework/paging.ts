import { InvalidProjectionQueryError } from './deadlines.js';

/** A page of a list and the size of the whole list. */
export interface Page<Item> {
  readonly items: Item[];
  readonly total: number;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function pageOf(options: { readonly limit?: number; readonly offset?: number }): {
  limit: number;
  offset: number;
} {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidProjectionQueryError('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidProjectionQueryError('offset', 'must be a whole number from 0');
  }
  return { limit, offset };
}
