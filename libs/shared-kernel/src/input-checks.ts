import { isCalendarDate } from './dates.js';
import { toNfc } from './text.js';

/**
 * The calendar dates a deadline or a decision of a plan may fall on. Plans of this service run
 * from the 2000s into this century's second half; a date outside is a typo (0001-01-01,
 * 9999-12-31) that would sort first or last in every list and never become due.
 */
export const DATE_WINDOW = { from: '2000-01-01', to: '2100-12-31' } as const;

/** The earliest instant something may be back-dated to (`occurredAt`): the window's first day. */
export const OCCURRED_AT_FLOOR = '2000-01-01T00:00:00+07:00';

/** How far ahead of the deciding server's clock a caller's `occurredAt` may be (clock skew). */
export const OCCURRED_AT_SKEW_MS = 5 * 60_000;

/** How a decider refuses an input: its own DecisionError with code 'validation' and `details.field`. */
export type RefuseInput = (field: string, message: string) => never;

/**
 * The deciders' one kit of input checks, bound to each decider's own refusal. The HTTP DTOs check
 * the same formats first (libs/platform/src/http/field-formats.ts uses `isCalendarDate` too), so a
 * client hears the same thing whichever layer notices.
 */
export function inputChecks(refuse: RefuseInput) {
  return {
    /** Free text a human must write: trimmed, NFC, not empty. */
    requiredText(value: unknown, field: string): string {
      if (typeof value !== 'string') refuse(field, 'must be a string');
      const text = toNfc(value.trim());
      if (text === '') refuse(field, 'must not be empty');
      return text;
    },
    /** Optional free text: absent or blank becomes null. */
    optionalText(value: unknown, field: string): string | null {
      if (value === undefined || value === null) return null;
      if (typeof value !== 'string') refuse(field, 'must be a string');
      const text = toNfc(value.trim());
      return text === '' ? null : text;
    },
    /** An identifier or agency code: a non-empty string without surrounding whitespace. */
    requiredId(value: unknown, field: string): string {
      if (typeof value !== 'string' || value === '' || value !== value.trim()) {
        refuse(field, 'must be a non-empty identifier without surrounding spaces');
      }
      return value;
    },
    requiredDate(value: unknown, field: string): string {
      if (typeof value !== 'string' || !isCalendarDate(value)) refuse(field, "must be a date 'YYYY-MM-DD'");
      return value;
    },
    /** A calendar date within DATE_WINDOW: a due date, an issue date. */
    dateInWindow(value: unknown, field: string): string {
      if (typeof value !== 'string' || !isCalendarDate(value)) refuse(field, "must be a date 'YYYY-MM-DD'");
      if (value < DATE_WINDOW.from || value > DATE_WINDOW.to) {
        refuse(field, `must be a date from ${DATE_WINDOW.from} to ${DATE_WINDOW.to}`);
      }
      return value;
    },
    /**
     * When something happened, if the caller says it was earlier than `now` (the deciding
     * server's clock): an instant from OCCURRED_AT_FLOOR, and not after `now` (give or take
     * OCCURRED_AT_SKEW_MS).
     */
    occurredAt(value: unknown, now: string, field: string): string | null {
      if (value === undefined || value === null) return null;
      const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (!Number.isFinite(at)) refuse(field, 'must be an ISO 8601 instant');
      if (at < Date.parse(OCCURRED_AT_FLOOR)) refuse(field, `must not be before ${OCCURRED_AT_FLOOR}`);
      if (at > Date.parse(now) + OCCURRED_AT_SKEW_MS) refuse(field, 'must not be in the future');
      return value as string;
    },
    optionalDate(value: unknown, field: string): string | null {
      if (value === undefined || value === null) return null;
      if (typeof value !== 'string' || !isCalendarDate(value))
        refuse(field, "must be a date 'YYYY-MM-DD' or null");
      return value;
    },
    requiredOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        refuse(field, `must be one of ${allowed.join(', ')}`);
      }
      return value as T;
    },
    nonNegativeInteger(value: unknown, field: string): number {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        refuse(field, 'must be a non-negative integer');
      }
      return value;
    },
    finiteNumber(value: unknown, field: string): number {
      if (typeof value !== 'number' || !Number.isFinite(value)) refuse(field, 'must be a finite number');
      return value;
    },
    year(value: unknown, field: string): number {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1900 || value > 2200) {
        refuse(field, 'must be a year between 1900 and 2200');
      }
      return value;
    },
  };
}
