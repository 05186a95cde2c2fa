import { vietnamDateAt } from '#libs/shared-kernel';

/**
 * Due dates are calendar dates in Asia/Ho_Chi_Minh. A task due 2025-11-30 may be done until the
 * end of that day there: it is overdue from 2025-12-01T00:00 local time (2025-11-30T17:00Z).
 * Viet Nam keeps UTC+7 all year (no daylight saving since 1975), so a fixed offset is exact and
 * needs no time-zone database (the embedded database has none).
 */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A query was given an argument it cannot use; nothing was read. */
export class InvalidProjectionQueryError extends Error {
  override readonly name = 'InvalidProjectionQueryError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Parses an instant given as a Date or an ISO 8601 string with a zone. */
export function toInstant(value: Date | string, field = 'asOf'): Date {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidProjectionQueryError(field, 'must be an ISO 8601 instant');
  return new Date(time);
}

/** The calendar date ('YYYY-MM-DD') in Asia/Ho_Chi_Minh at an instant. */
export function localDate(instant: Date | string): string {
  return vietnamDateAt(toInstant(instant).getTime());
}

export function addDays(date: string, days: number): string {
  if (!DATE.test(date)) throw new InvalidProjectionQueryError('date', `"${date}" is not YYYY-MM-DD`);
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant a task due on `dueDate` becomes overdue: the next local midnight. */
export function deadlineOf(dueDate: string): string {
  return new Date(Date.parse(`${addDays(dueDate, 1)}T00:00:00Z`) - VIETNAM_OFFSET_MS).toISOString();
}

export interface DeadlineFlags {
  /** The deadline has passed: asOf >= deadlineOf(dueDate). */
  readonly overdue: boolean;
  /** Not overdue, and the deadline comes within the next 7 days: deadline <= asOf + 7 days. */
  readonly dueWithin7Days: boolean;
}

/**
 * The date bounds that turn the flags into comparisons of due dates, for SQL:
 * overdue  <=> dueDate < today;  dueWithin7Days <=> today <= dueDate < inSevenDays.
 * (deadlineOf(d) <= t  <=>  d + 1 <= localDate(t)  <=>  d < localDate(t).)
 */
export interface DeadlineWindow {
  readonly asOf: string;
  readonly today: string;
  readonly inSevenDays: string;
}

export function deadlineWindow(asOf: Date | string): DeadlineWindow {
  const instant = toInstant(asOf);
  return {
    asOf: instant.toISOString(),
    today: localDate(instant),
    inSevenDays: localDate(new Date(instant.getTime() + 7 * DAY_MS)),
  };
}

export function deadlineFlags(dueDate: string, window: DeadlineWindow): DeadlineFlags {
  const overdue = dueDate < window.today;
  return { overdue, dueWithin7Days: !overdue && dueDate < window.inSevenDays };
}
