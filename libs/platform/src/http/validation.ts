import {
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationError,
} from '@nestjs/common';
import { toNfc } from '#libs/shared-kernel';
import { escapePointerToken, ProblemError, validationProblem, type FieldProblem } from './problem-details.js';
import { fieldCheckOf, withFieldCheck } from '../i18n/problems.js';

/** Flattens class-validator's error tree into one entry per field, addressed by JSON pointer. */
export function fieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const pointer = `${parent}/${escapePointerToken(String(error.property))}`;
    // The check's name goes along, for the answer in Vietnamese (i18n/problems.ts).
    const own = Object.entries(error.constraints ?? {}).map(([check, detail]) =>
      withFieldCheck({ pointer, detail }, check),
    );
    return [...own, ...fieldProblems(error.children ?? [], pointer)];
  });
}

/**
 * Validates request bodies and queries against their DTO classes: unknown fields are refused,
 * values are converted to the declared types, and every problem is reported with its pointer.
 */
export function createValidationPipe(): ValidationPipe {
  return new ProblemValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(fieldProblems(errors)),
  });
}

const QUERY_DETAIL = 'Some query parameters are missing or wrong; see errors.';

/** 422 for one query parameter whose value is well-formed but wrong (an unknown code, say). */
export function queryParameterProblem(parameter: string, detail: string): ProblemError {
  return validationProblem(
    [{ pointer: `/${escapePointerToken(parameter)}`, parameter, detail }],
    QUERY_DETAIL,
  );
}

/**
 * Query parameters are not a body: each of their problems also names the `parameter` (its pointer
 * stays `/name`, into the query's parameters as an object).
 */
class ProblemValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (metadata.type !== 'query' || !(error instanceof ProblemError) || !error.problem.errors) throw error;
      throw new ProblemError({
        ...error.problem,
        detail: QUERY_DETAIL,
        errors: error.problem.errors.map((problem) => {
          const withParameter = { ...problem, parameter: problem.pointer.split('/')[1] ?? '' };
          const check = fieldCheckOf(problem);
          return check === undefined ? withParameter : withFieldCheck(withParameter, check);
        }),
      });
    }
  }
}

/** NUL, or half of a surrogate pair: text that PostgreSQL can neither store nor compare. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Vietnamese text is stored in NFC: every string of a request is normalised before validation.
 * A string holding a NUL character or an unpaired surrogate is refused (422, with its pointer):
 * it could be neither recorded nor projected.
 */
export function normaliseStrings<T>(value: T, pointer = ''): T {
  if (typeof value === 'string') {
    if (UNSTORABLE_TEXT.test(value)) throw unstorableText(pointer);
    return toNfc(value) as T;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => normaliseStrings(item, `${pointer}/${index}`)) as T;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
      const at = `${pointer}/${escapePointerToken(key)}`;
      return [normaliseStrings(key, at), normaliseStrings(item, at)];
    });
    return Object.fromEntries(entries) as T;
  }
  return value;
}

function unstorableText(pointer: string): ProblemError {
  return validationProblem([
    withFieldCheck(
      { pointer: pointer || '/', detail: 'Text must not contain the NUL character or an unpaired surrogate' },
      'unstorable',
    ),
  ]);
}

/** Runs before validation so that DTOs only ever see NFC text. */
export class NfcNormalisationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'custom' ? value : normaliseStrings(value);
  }
}
