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
