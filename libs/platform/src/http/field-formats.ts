import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { AGENCY_CODE_PATTERN } from '#libs/agencies';
import { isCalendarDate } from '#libs/shared-kernel';

/** Formats request fields share, with the messages a client sees when a value does not fit. */
export const AGENCY_CODE = AGENCY_CODE_PATTERN;
export const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const agencyCodeMessage = 'must be an agency code such as lc-so-ldtbxh';
export const dateMessage = 'must be a date YYYY-MM-DD (Asia/Ho_Chi_Minh)';

/**
 * A real calendar date 'YYYY-MM-DD' (no 2025-02-30): the same check the deciders make
 * (`isCalendarDate` of the shared kernel), so the DTO and the domain agree on what a date is.
 */
export function IsCalendarDate(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} ${dateMessage}`,
      },
    },
    validationOptions,
  );
}

/** How far ahead of this server's clock a caller's clock may run before a time counts as future. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * An instant that has already happened (business time such as `occurredAt`): a decision is
 * recorded when it is made or later, never ahead of time. Allows a few minutes of clock skew.
 */
export function IsNotInFuture(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotInFuture',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !(Date.parse(value) > Date.now() + CLOCK_SKEW_MS),
        defaultMessage: (args) => `${args?.property ?? 'value'} must not be in the future`,
      },
    },
    validationOptions,
  );
}

/** The largest global position of the event log (PostgreSQL bigint). */
export const MAX_POSITION = 9_223_372_036_854_775_807n;
const POSITION_DIGITS = /^\d{1,19}$/;

/** A global position of the event log as text: digits, 0 up to MAX_POSITION. */
export function isPosition(value: unknown): boolean {
  return typeof value === 'string' && POSITION_DIGITS.test(value) && BigInt(value) <= MAX_POSITION;
}

/** A query parameter or field holding a global position (see isPosition). */
export function IsPosition(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPosition',
      validator: {
        validate: isPosition,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a position: a whole number from 0 to ${MAX_POSITION}`,
      },
    },
    validationOptions,
  );
}

/**
 * A whole-number query parameter from `min` to `max`, written in decimal digits only ('1e20',
 * '0x10', ' 5' and '' are refused, not read as numbers); converted to a number once valid.
 */
export function IsIntegerParameter(min: number, max: number): PropertyDecorator {
  const check = ValidateBy({
    name: 'isIntegerParameter',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be a whole number from ${min} to ${max}`,
    },
  });
  const convert = Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
  );
  return (target, property) => {
    convert(target, property);
    check(target, property);
  };
}

/**
 * An instant (ISO 8601 with a time zone or 'Z') from `from` to `to`: outside it a date is a typo
 * (year 0001, 9999), which the read models would either fail on or answer nonsense for.
 */
export function IsInstantWithin(from: string, to: string): PropertyDecorator {
  const lower = Date.parse(from);
  const upper = Date.parse(to);
  return ValidateBy({
    name: 'isInstantWithin',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        const at = Date.parse(value);
        return Number.isFinite(at) && at >= lower && at <= upper;
      },
      defaultMessage: (args) => `${args?.property ?? 'value'} must be an instant from ${from} to ${to}`,
    },
  });
}

/** The furthest a paged query may skip (`offset`): pages beyond are not a use, only a cost. */
export const MAX_OFFSET = 100_000;

/** Instants a query may ask about (`asOf`): the years the service's plans can cover. */
export const QUERY_INSTANT_WINDOW = { from: '2000-01-01T00:00:00Z', to: '2100-12-31T23:59:59Z' } as const;
