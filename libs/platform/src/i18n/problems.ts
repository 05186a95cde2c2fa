import type { FieldProblem, ProblemDetails } from '../http/problem-details.js';
import type { Language } from './languages.js';
import { hasMessage, translate, type MessageKey } from './translate.js';

/**
 * The check a field failed ('isString', 'maxLength', ...), kept beside the field's problem so that
 * the answer can say it in the caller's language; the problem's own shape stays as it was.
 */
const fieldChecks = new WeakMap<FieldProblem, string>();

export function withFieldCheck(problem: FieldProblem, check: string): FieldProblem {
  fieldChecks.set(problem, check);
  return problem;
}

export function fieldCheckOf(problem: FieldProblem): string | undefined {
  return fieldChecks.get(problem);
}

/**
 * A problem in the answer's language. The `code` (and `type`, `status`, pointers, details) never
 * change: machines read codes, people read titles. In English the title and detail written where
 * the refusal was decided are kept (they name the specifics); in Vietnamese the title is the
 * catalogue's for the status, the detail the catalogue's for the code, and each field's detail
 * the one for the check it failed.
 */
export function localiseProblem(problem: ProblemDetails, language: Language): ProblemDetails {
  if (language === 'en') return { ...problem, detail: problem.detail ?? translate('en', detailKey(problem)) };
  return {
    ...problem,
    title: translate(language, titleKey(problem.status)),
    detail: translate(language, detailKey(problem)),
    ...(problem.errors ? { errors: problem.errors.map((error) => localiseField(error, language)) } : {}),
  };
}

function titleKey(status: number) {
  const key = `problem.title.${status}`;
  return hasMessage(key) ? key : 'problem.title.other';
}

function detailKey(problem: ProblemDetails) {
  if (problem.code === 'validation' && problem.errors?.some((error) => error.parameter !== undefined))
    return 'problem.detail.validation.query';
  const byCode = `problem.detail.${problem.code ?? ''}`;
  if (problem.code && hasMessage(byCode)) return byCode;
  const byStatus = `problem.detail.status.${problem.status}`;
  return hasMessage(byStatus) ? byStatus : 'problem.detail.status.other';
}

/** Checks whose message names a limit ("... shorter than or equal to 2000 characters"). */
const LIMIT_CHECKS = new Set(['maxLength', 'minLength', 'arrayMaxSize', 'arrayMinSize', 'min', 'max']);

function localiseField(error: FieldProblem, language: Language): FieldProblem {
  const check = fieldCheckOf(error);
  // class-validator gives the limit only inside its English message: its last number.
  const limit =
    check !== undefined && LIMIT_CHECKS.has(check) ? /(-?\d+(?:\.\d+)?)\D*$/.exec(error.detail)?.[1] : '';
  const known = check !== undefined && hasMessage(`field.${check}`) && limit !== undefined;
  const key = (known ? `field.${check}` : 'field.other') as MessageKey;
  const field = error.parameter ?? (error.pointer.replace(/^\//, '') || '/');
  const localised = { ...error, detail: translate(language, key, { field, limit: limit ?? '' }) };
  return check === undefined ? localised : withFieldCheck(localised, check);
}
