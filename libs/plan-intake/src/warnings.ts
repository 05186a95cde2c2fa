import type { PlanWarning, PlanWarningCode, Span } from './types.js';

/** Records something the parser did not understand, for the reviewer to look at. */
export function warn(warnings: PlanWarning[], code: PlanWarningCode, message: string, span?: Span): void {
  warnings.push(span === undefined ? { code, message } : { code, message, span });
}
