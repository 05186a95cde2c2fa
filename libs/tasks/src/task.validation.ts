import { isCalendarDate, toNfc } from '#libs/shared-kernel';

import { TaskDecisionError } from './task.errors.js';

/** Pure input checks shared by the task decider. Each failure is a 'validation' error naming the field. */

function invalid(field: string, message: string): never {
  throw new TaskDecisionError('validation', `${field}: ${message}`, { field });
}

/** Free text a human must write: trimmed, NFC, not empty. */
export function requiredText(value: unknown, field: string): string {
  if (typeof value !== 'string') invalid(field, 'must be a string');
  const text = toNfc(value.trim());
  if (text === '') invalid(field, 'must not be empty');
  return text;
}

/** Optional free text: absent or blank becomes null. */
export function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') invalid(field, 'must be a string');
  const text = toNfc(value.trim());
  return text === '' ? null : text;
}

/** An identifier or agency code: a non-empty string without surrounding whitespace. */
export function requiredId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value !== value.trim()) {
    invalid(field, 'must be a non-empty identifier without surrounding spaces');
  }
  return value;
}

export function requiredDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) invalid(field, "must be a date 'YYYY-MM-DD'");
  return value;
}

export function requiredOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function nonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    invalid(field, 'must be a non-negative integer');
  }
  return value;
}

export function finiteNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(field, 'must be a finite number');
  return value;
}

export function year(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1900 || value > 2200) {
    invalid(field, 'must be a year between 1900 and 2200');
  }
  return value;
}

export { invalid };

export { isCalendarDate } from '#libs/shared-kernel';
