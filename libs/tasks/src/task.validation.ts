import { inputChecks } from '#libs/shared-kernel';

import { TaskDecisionError } from './task.errors.js';

/** The task decider's input checks: the shared kit, each failure a 'validation' error naming the field. */

function invalid(field: string, message: string): never {
  throw new TaskDecisionError('validation', `${field}: ${message}`, { field });
}

export const {
  requiredText,
  optionalText,
  requiredId,
  requiredDate,
  dateInWindow,
  occurredAt,
  requiredOneOf,
  nonNegativeInteger,
  finiteNumber,
  year,
} = inputChecks(invalid);

export { invalid };

export { isCalendarDate } from '#libs/shared-kernel';
