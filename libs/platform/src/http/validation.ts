import {
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationError,
} from '@nestjs/common';
import { toNfc } from '#libs/shared-kernel';
import { escapePointerToken, problemType, ProblemError, type FieldProblem } from './problem-details.js';

/** Flattens class-validator's error tree into one entry per field, addressed by JSON pointer. */
export function fieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const pointer = `${parent}/${escapePointerToken(String(error.property))}`;
    const own = Object.values(error.constraints ?? {}).map((detail) => ({ pointer, detail }));
    return [...own, ...fieldProblems(error.children ?? [], pointer)];
  });
}

/**
 * Validates request bodies and queries against their DTO classes: unknown fields are refused,
 * values are converted to the declared types, and every problem is reported with its pointer.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new ProblemError({
        type: problemType('validation'),
        title: 'The request is not valid',
        status: 422,
        code: 'validation',
        detail: 'Some fields are missing or wrong; see errors.',
        errors: fieldProblems(errors),
      }),
  });
}

/** Vietnamese text is stored in NFC: every string of a request is normalised before validation. */
export function normaliseStrings<T>(value: T): T {
  if (typeof value === 'string') return toNfc(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => normaliseStrings(item)) as T;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      toNfc(key),
      normaliseStrings(item),
    ]);
    return Object.fromEntries(entries) as T;
  }
  return value;
}

/** Runs before validation so that DTOs only ever see NFC text. */
export class NfcNormalisationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'custom' ? value : normaliseStrings(value);
  }
}
