import type { ValueTransformer } from 'typeorm';

/**
 * timestamptz columns are read as ISO 8601 strings ('2024-06-03T02:00:00.000Z'), the form events
 * carry and the API returns, so rows compare equal whether they were just written or read back.
 */
export const isoTimestamp: ValueTransformer = {
  to: (value: string | null | undefined) => value,
  from: (value: Date | string | null) =>
    value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString(),
};

/** An ISO instant in its canonical UTC form, as timestamptz columns read back. */
export function toIsoInstant(value: string): string {
  // Each event's times are converted by several projections (and the past-state fold several
  // times over): the last few thousand answers are kept rather than parsed and printed again.
  const known = canonicalInstants.get(value);
  if (known !== undefined) return known;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new Error(`Not an ISO instant: ${value}`);
  const canonical = new Date(time).toISOString();
  if (canonicalInstants.size >= CANONICAL_INSTANTS_KEPT) canonicalInstants.clear();
  canonicalInstants.set(value, canonical);
  return canonical;
}

const CANONICAL_INSTANTS_KEPT = 4_096;
const canonicalInstants = new Map<string, string>();

/** Splits rows so one statement never exceeds PostgreSQL's 65,535 bind parameters. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

export const WRITE_CHUNK = 500;
