import { DecisionError, type DecisionErrorKind } from '#libs/shared-kernel';

export type { DecisionErrorKind } from '#libs/shared-kernel';

/**
 * Every reason the task decider refuses a command, with the kind it maps to. Codes are part of the
 * public API (problem+json `code`): never rename one, only add.
 */
export const taskErrorKinds = {
  /** The task stream has no TaskAssigned. */
  'task.not-found': 'not-found',
  /** AssignTask on an existing task with a different assignment. */
  'task.already-exists': 'conflict',
  /** The actor lacks the role, or acts for another agency than its own. */
  'task.forbidden': 'forbidden',
  /**
   * The named agency holds no assignment on this task (any more): the command is not its to send
   * (or, from an issuer, not to be decided for it). "You may not", so forbidden (403), like
   * task.forbidden; conflict (409) is kept for what the task's state does not allow.
   */
  'task.not-assignee': 'forbidden',
  /** The task is completed or cancelled. */
  'task.closed': 'conflict',
  /** The assignment's status does not allow the command (e.g. its completion was already accepted). */
  'task.invalid-state': 'conflict',
  /** Reassignment to the same agency or to an agency that already holds an assignment. */
  'task.invalid-target': 'conflict',
  /** No handoff with that id on this task. */
  'handoff.not-found': 'not-found',
  /** The handoff is no longer pending (accepted, declined, withdrawn, superseded, lapsed). */
  'handoff.stale': 'conflict',
  /** The assignment already has a pending handoff. */
  'handoff.pending': 'conflict',
  /** The handoff id is already used by another handoff. */
  'handoff.already-exists': 'conflict',
  /** Handoff to itself, to a current assignee, or to an agency another pending handoff targets. */
  'handoff.invalid-target': 'conflict',
  /** Another extension request is pending. */
  'extension.pending': 'conflict',
  /** The extension id is already used by another request. */
  'extension.already-exists': 'conflict',
  /** The requested due date is not later than the current one. */
  'extension.not-later': 'invalid',
  /** No pending extension request with that id. */
  'extension.none-pending': 'conflict',
  /** No extension request with that id on this task. */
  'extension.not-found': 'not-found',
  /** The assignee's completion awaits a decision: no second submission, no handoff meanwhile. */
  'completion.pending': 'conflict',
  /** No submitted completion awaits a decision for that assignee. */
  'completion.none-submitted': 'conflict',
  /** Malformed input: missing text, bad date, bad assignee list... `details.field` says which. */
  validation: 'invalid',
} as const satisfies Record<string, DecisionErrorKind>;

export type TaskErrorCode = keyof typeof taskErrorKinds;

export class TaskDecisionError extends DecisionError<TaskErrorCode> {
  override readonly name = 'TaskDecisionError';

  constructor(code: TaskErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(taskErrorKinds, code, message, details);
  }
}
