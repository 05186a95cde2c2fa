import { TaskDecisionError, type TaskState } from '#libs/tasks';
import { ApplicationError } from '../errors.js';
import type { ReadPolicy, Reader } from './access-policy.js';

/**
 * The one answer for an object the caller may not read or that does not exist: the same code and
 * words either way, naming nothing (not even the id the caller sent), so it cannot tell them apart.
 */
export const taskNotFound = (): TaskDecisionError => new TaskDecisionError('task.not-found', 'No such task');
export const planNotFound = (): ApplicationError => new ApplicationError('plan.not-found', 'No such plan');
export const draftNotFound = (): ApplicationError =>
  new ApplicationError('draft.not-found', 'No such plan draft');

/**
 * An agency's work read by someone else: the agency itself is public (the directory), so this is a
 * refusal, not a pretended absence, and it names no agency.
 */
export const agencyWorkForbidden = (): ApplicationError =>
  new ApplicationError(
    'agency.forbidden',
    "You may read your own agency's work only (auditors and inspectors: any agency's).",
  );

/** First of every task command and query: `task.not-found` unless the caller may read the task. */
export function requireReadableTask(policy: ReadPolicy, reader: Reader, task: TaskState): void {
  if (!policy.mayReadTask(reader, task)) throw taskNotFound();
}
