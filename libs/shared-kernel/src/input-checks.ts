import { isCalendarDate } from './dates.js';
import { toNfc } from './text.js';

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
