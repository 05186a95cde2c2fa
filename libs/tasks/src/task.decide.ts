import type {
  AcceptCompletion,
  AcceptHandoff,
  AcknowledgeTask,
  AssignTask,
  CancelTask,
  DeclineHandoff,
  DenyExtension,
  GrantExtension,
  ReassignTask,
  ReportProgress,
  RequestExtension,
  RequestHandoff,
  ReturnCompletion,
  SubmitCompletion,
  TaskCommand,
  WithdrawHandoff,
} from './task.commands.js';
import { TaskDecisionError } from './task.errors.js';
import type { CompletionDecidedAs, HandoffSuperseded, TaskAssigned, TaskEvent } from './task.events.js';
import {
  type AssignmentState,
  type HandoffState,
  type Task,
  type TaskState,
  leadAgency,
  pendingExtension,
  pendingHandoffs,
  responsibleAgency,
} from './task.state.js';
import {
  assigneeRoles,
  issuingAgencyOf,
  taskKinds,
  type Actor,
  type Assignee,
  type AssigneeRole,
  type PlanIndicatorRef,
  type ReportedIndicatorValue,
  type TaskKind,
} from './task.types.js';
import { indicatorValueProblem } from '#libs/shared-kernel';
import {
  finiteNumber,
  invalid,
  nonNegativeInteger,
  dateInWindow,
  occurredAt,
  optionalText,
  requiredId,
  requiredOneOf,
  requiredText,
  year,
} from './task.validation.js';

/**
 * The task decider: turns a command into the events it causes, or refuses it with a
 * TaskDecisionError. Returns [] when the command changes nothing (e.g. a second acknowledgement).
 *
 * Checks run in a fixed order so the same input always gets the same error:
 *   1. what the actor may do regardless of the task (role, acting for its own agency);
 *   2. the command's own input (validation);
 *   3. the task exists ('task.not-found'), then it is open ('task.closed');
 *   4. checks that need the task (assignee, handoff, extension, completion; and authorisation that
 *      depends on it, e.g. the receiver of a handoff or the lead accepting a support completion).
 */
export function decide(command: TaskCommand, state: TaskState): TaskEvent[] {
  switch (command.type) {
    case 'AssignTask':
      return assignTask(command, state);
    case 'AcknowledgeTask':
      return acknowledgeTask(command, state);
    case 'ReportProgress':
      return reportProgress(command, state);
    case 'RequestHandoff':
      return requestHandoff(command, state);
    case 'AcceptHandoff':
      return acceptHandoff(command, state);
    case 'DeclineHandoff':
      return declineHandoff(command, state);
    case 'WithdrawHandoff':
      return withdrawHandoff(command, state);
    case 'ReassignTask':
      return reassignTask(command, state);
    case 'RequestExtension':
      return requestExtension(command, state);
    case 'GrantExtension':
      return grantExtension(command, state);
    case 'DenyExtension':
      return denyExtension(command, state);
    case 'SubmitCompletion':
      return submitCompletion(command, state);
    case 'AcceptCompletion':
      return acceptCompletion(command, state);
    case 'ReturnCompletion':
      return returnCompletion(command, state);
    case 'CancelTask':
      return cancelTask(command, state);
    default: {
      const _exhaustive: never = command;
      throw new TaskDecisionError('validation', `Unknown command ${(_exhaustive as { type: string }).type}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

const ROLES: readonly AssigneeRole[] = assigneeRoles;
const KINDS: readonly TaskKind[] = taskKinds;

function assignTask({ data, metadata }: AssignTask, state: TaskState): TaskEvent[] {
  requireIssuer(metadata.actor);

  const taskId = requiredId(data.taskId, 'taskId');
  const planId = requiredId(data.planId, 'planId');
  const title = requiredText(data.title, 'title');
  const duty = requiredText(data.duty, 'duty');
  const sourceClause = validSourceClause(data.sourceClause);
  const dueDate = dateInWindow(data.dueDate, 'dueDate');
  const issuerAgencyCode = requiredId(data.issuerAgencyCode, 'issuerAgencyCode');
  if (issuerAgencyCode !== issuingAgencyOf(metadata.actor)) {
    refuse('task.forbidden', 'You may issue tasks only for the committee you issue for');
  }
  const kind = requiredOneOf(data.kind, KINDS, 'kind');
  let reportYear: number | null = null;
  if (data.reportYear !== undefined) reportYear = year(data.reportYear, 'reportYear');
  if (kind === 'report' && reportYear === null) invalid('reportYear', "is required when kind is 'report'");
  const assignees = validAssignees(data.assignees);
  let reportsTo: string | null = null;
  if (data.reportsTo !== undefined && data.reportsTo !== null) {
    reportsTo = requiredId(data.reportsTo, 'reportsTo');
    if (kind !== 'report') invalid('reportsTo', "is only for tasks whose kind is 'report'");
    if (assignees.some((a) => a.agencyCode === reportsTo)) {
      invalid('reportsTo', 'must not be an assignee: an agency does not report to itself');
    }
  }
  const assignedAt = occurredAt(metadata.occurredAt, metadata.now, 'occurredAt');
  if (assignedAt !== null && data.planIssuedOn) {
    const planIssuedAt = `${data.planIssuedOn}T00:00:00+07:00`;
    if (Date.parse(assignedAt) < Date.parse(planIssuedAt)) {
      invalid('occurredAt', `must not be before the plan was issued (${planIssuedAt})`);
    }
  }

  const assigned: TaskAssigned['data'] = {
    taskId,
    planId,
    title,
    duty,
    sourceClause,
    dueDate,
    assignees,
    issuerAgencyCode,
    kind,
    reportYear,
    ...(reportsTo === null ? {} : { reportsTo }),
    byAgency: metadata.actor.agencyCode,
  };

  if (state.status !== 'none') {
    if (sameAssignment(state.assignment, assigned)) return [];
    refuse('task.already-exists', `Task ${taskId} already exists with a different assignment`);
  }
  return [{ type: 'TaskAssigned', data: assigned }];
}

function acknowledgeTask({ data, metadata }: AcknowledgeTask, state: TaskState): TaskEvent[] {
  const agencyCode = requiredId(data.agencyCode, 'agencyCode');
  requireActingFor(metadata.actor, agencyCode);
  const task = requireOpenTask(state);
  const assignee = requireAssignee(task, agencyCode);

  if (assignee.status !== 'assigned') return [];
  return [{ type: 'TaskAcknowledged', data: { ...ref(task), agencyCode, role: assignee.role } }];
}

function reportProgress({ data, metadata }: ReportProgress, state: TaskState): TaskEvent[] {
  const agencyCode = requiredId(data.agencyCode, 'agencyCode');
  requireActingFor(metadata.actor, agencyCode);
  const text = requiredText(data.text, 'text');
  const indicatorValues = validIndicatorValues(data.indicatorValues, data.planIndicators);
  const happenedAt = occurredAt(metadata.occurredAt, metadata.now, 'occurredAt');
  const task = requireOpenTask(state);
  requireNotBeforeAssignment(task, happenedAt);
  const assignee = requireAssignee(task, agencyCode);
  requireNotCompleted(assignee);

  return [
    {
      type: 'ProgressReported',
      data: { ...ref(task), agencyCode, role: assignee.role, text, indicatorValues },
    },
  ];
}

function requestHandoff({ data, metadata }: RequestHandoff, state: TaskState): TaskEvent[] {
  const fromAgency = requiredId(data.fromAgency, 'fromAgency');
  requireActingFor(metadata.actor, fromAgency);
  const handoffId = requiredId(data.handoffId, 'handoffId');
  const toAgency = requiredId(data.toAgency, 'toAgency');
  const reason = requiredText(data.reason, 'reason');
  const task = requireOpenTask(state);

  const existing = task.handoffs.find((h) => h.handoffId === handoffId);
  if (existing) {
    const repeat =
      existing.status === 'pending' &&
      existing.fromAgency === fromAgency &&
      existing.toAgency === toAgency &&
      existing.reason === reason;
    if (repeat) return [];
    refuse('handoff.already-exists', `Handoff ${handoffId} already exists`, { handoffId });
  }

  const assignee = requireAssignee(task, fromAgency);
  if (toAgency === fromAgency) {
    refuse('handoff.invalid-target', `${fromAgency} cannot hand off to itself`, { toAgency });
  }
  if (task.assignees.some((a) => a.agencyCode === toAgency)) {
    refuse('handoff.invalid-target', `${toAgency} already holds an assignment on this task`, { toAgency });
  }
  if (pendingHandoffs(task).some((h) => h.toAgency === toAgency)) {
    refuse('handoff.invalid-target', `Another pending handoff already targets ${toAgency}`, { toAgency });
  }
  const pending = pendingHandoffFrom(task, fromAgency);
  if (pending) {
    refuse('handoff.pending', `${fromAgency} already has a pending handoff`, {
      handoffId: pending.handoffId,
    });
  }
  requireNotCompleted(assignee);
  if (assignee.status === 'completion-submitted') {
    refuse('completion.pending', `${fromAgency} has submitted its completion; it cannot hand off now`);
  }

  return [
    {
      type: 'HandoffRequested',
      data: { ...ref(task), handoffId, fromAgency, toAgency, role: assignee.role, reason },
    },
  ];
}

function acceptHandoff({ data, metadata }: AcceptHandoff, state: TaskState): TaskEvent[] {
  const handoffId = requiredId(data.handoffId, 'handoffId');
  const reason = requiredText(data.reason, 'reason');
  const task = requireOpenTask(state);
  const handoff = requireHandoff(task, handoffId);
  requireActingFor(metadata.actor, handoff.toAgency);
  requirePending(handoff);
  if (task.assignees.some((a) => a.agencyCode === handoff.toAgency)) {
    // Unreachable while requests and reassignments keep targets unassigned; kept as a guard.
    refuse('handoff.invalid-target', `${handoff.toAgency} already holds an assignment on this task`);
  }
  return [{ type: 'HandoffAccepted', data: { ...handoffRef(task, handoff), reason } }];
}

function declineHandoff({ data, metadata }: DeclineHandoff, state: TaskState): TaskEvent[] {
  const handoffId = requiredId(data.handoffId, 'handoffId');
  const reason = requiredText(data.reason, 'reason');
  const task = requireOpenTask(state);
  const handoff = requireHandoff(task, handoffId);
  requireActingFor(metadata.actor, handoff.toAgency);
  requirePending(handoff);
  return [{ type: 'HandoffDeclined', data: { ...handoffRef(task, handoff), reason } }];
}

function withdrawHandoff({ data, metadata }: WithdrawHandoff, state: TaskState): TaskEvent[] {
  const handoffId = requiredId(data.handoffId, 'handoffId');
  const reason = requiredText(data.reason, 'reason');
  const task = requireOpenTask(state);
  const handoff = requireHandoff(task, handoffId);
  requireActingFor(metadata.actor, handoff.fromAgency);
  requirePending(handoff);
  return [{ type: 'HandoffWithdrawn', data: { ...handoffRef(task, handoff), reason } }];
}

function reassignTask({ data, metadata }: ReassignTask, state: TaskState): TaskEvent[] {
  requireIssuer(metadata.actor);
  const fromAgency = requiredId(data.fromAgency, 'fromAgency');
  const toAgency = requiredId(data.toAgency, 'toAgency');
  const reason = requiredText(data.reason, 'reason');
  const task = requireTaskIssuer(metadata.actor, state);
  requireNotOwnAgency(metadata.actor, fromAgency, 'moving the assignment');
  const assignee = requireAssignee(task, fromAgency);
  if (toAgency === fromAgency || task.assignees.some((a) => a.agencyCode === toAgency)) {
    refuse('task.invalid-target', `${toAgency} already holds an assignment on this task`, { toAgency });
  }
  requireNotCompleted(assignee);

  // Pending handoffs of the moved assignment, and any that target the new holder, become moot.
  // They are superseded first so that no intermediate state has a pending handoff from a
  // non-assignee or to an assignee.
  const superseded: HandoffSuperseded[] = pendingHandoffs(task)
    .filter((h) => h.fromAgency === fromAgency || h.toAgency === toAgency)
    .map((h) => ({ type: 'HandoffSuperseded', data: { ...handoffRef(task, h), reason } }));

  return [
    ...superseded,
    {
      type: 'TaskReassigned',
      data: {
        ...ref(task),
        fromAgency,
        toAgency,
        role: assignee.role,
        reason,
        byAgency: metadata.actor.agencyCode,
      },
    },
  ];
}

function requestExtension({ data, metadata }: RequestExtension, state: TaskState): TaskEvent[] {
  const agencyCode = requiredId(data.agencyCode, 'agencyCode');
  requireActingFor(metadata.actor, agencyCode);
  const extensionId = requiredId(data.extensionId, 'extensionId');
  const requestedDueDate = dateInWindow(data.dueDate, 'dueDate');
  const reason = requiredText(data.reason, 'reason');
  const task = requireOpenTask(state);

  const existing = task.extensions.find((e) => e.extensionId === extensionId);
  if (existing) {
    const repeat =
      existing.status === 'pending' &&
      existing.agencyCode === agencyCode &&
      existing.requestedDueDate === requestedDueDate &&
      existing.reason === reason;
    if (repeat) return [];
    refuse('extension.already-exists', `Extension request ${extensionId} already exists`, { extensionId });
  }

  const assignee = requireAssignee(task, agencyCode);
  requireNotCompleted(assignee);
  const pending = pendingExtension(task);
  if (pending) {
    refuse('extension.pending', 'Another extension request is pending', { extensionId: pending.extensionId });
  }
  if (requestedDueDate <= task.dueDate) {
    refuse('extension.not-later', `${requestedDueDate} is not later than the due date ${task.dueDate}`, {
      field: 'dueDate',
    });
  }

  return [
    {
      type: 'ExtensionRequested',
      data: {
        ...ref(task),
        extensionId,
        agencyCode,
        role: assignee.role,
        currentDueDate: task.dueDate,
        requestedDueDate,
        reason,
      },
    },
  ];
}

function grantExtension({ data, metadata }: GrantExtension, state: TaskState): TaskEvent[] {
  requireIssuer(metadata.actor);
  const extensionId = requiredId(data.extensionId, 'extensionId');
  const reason = requiredText(data.reason, 'reason');
  const task = requireTaskIssuer(metadata.actor, state);
  const extension = requirePendingExtension(task, extensionId);
  requireNotOwnAgency(metadata.actor, extension.agencyCode, 'the extension request');
  return [
    {
      type: 'ExtensionGranted',
      data: {
        ...ref(task),
        extensionId,
        agencyCode: extension.agencyCode,
        previousDueDate: task.dueDate,
        dueDate: extension.requestedDueDate,
        reason,
        byAgency: metadata.actor.agencyCode,
      },
    },
  ];
}

function denyExtension({ data, metadata }: DenyExtension, state: TaskState): TaskEvent[] {
  requireIssuer(metadata.actor);
  const extensionId = requiredId(data.extensionId, 'extensionId');
  const reason = requiredText(data.reason, 'reason');
  const task = requireTaskIssuer(metadata.actor, state);
  const extension = requirePendingExtension(task, extensionId);
  requireNotOwnAgency(metadata.actor, extension.agencyCode, 'the extension request');
  return [
    {
      type: 'ExtensionDenied',
      data: {
        ...ref(task),
        extensionId,
        agencyCode: extension.agencyCode,
        dueDate: task.dueDate,
        requestedDueDate: extension.requestedDueDate,
        reason,
        byAgency: metadata.actor.agencyCode,
      },
    },
  ];
}

function submitCompletion({ data, metadata }: SubmitCompletion, state: TaskState): TaskEvent[] {
  const agencyCode = requiredId(data.agencyCode, 'agencyCode');
  requireActingFor(metadata.actor, agencyCode);
  const report = requiredText(data.report, 'report');
  const happenedAt = occurredAt(metadata.occurredAt, metadata.now, 'occurredAt');
  const task = requireOpenTask(state);
  requireNotBeforeAssignment(task, happenedAt);
  const assignee = requireAssignee(task, agencyCode);
  requireNotCompleted(assignee);
  if (assignee.status === 'completion-submitted') {
    refuse('completion.pending', `${agencyCode} has already submitted its completion`);
  }
  const pending = pendingHandoffFrom(task, agencyCode);
  if (pending) {
    refuse('handoff.pending', `${agencyCode} has a pending handoff; withdraw it first`, {
      handoffId: pending.handoffId,
    });
  }
  return [{ type: 'CompletionSubmitted', data: { ...ref(task), agencyCode, role: assignee.role, report } }];
}

function acceptCompletion({ data, metadata }: AcceptCompletion, state: TaskState): TaskEvent[] {
  const agencyCode = requiredId(data.agencyCode, 'agencyCode');
  const reason = requiredText(data.reason, 'reason');
  const task = requireOpenTask(state);
  const assignee = requireAssignee(task, agencyCode);
  const decidedAs = requireCompletionDecider(metadata.actor, task, assignee);
  requireSubmittedCompletion(assignee);

  const accepted: TaskEvent = {
    type: 'CompletionAccepted',
    data: {
      ...ref(task),
      agencyCode,
      role: assignee.role,
      reason,
      byAgency: metadata.actor.agencyCode,
      decidedAs,
    },
  };
  const lead = leadAgency(task);
  const completesTask =
    lead !== null
      ? assignee.role === 'lead'
      : task.assignees.every((a) => a.agencyCode === agencyCode || a.status === 'completed');
  if (!completesTask) return [accepted];
  return [
    accepted,
    { type: 'TaskCompleted', data: { ...ref(task), responsibleAgency: responsibleAgency(task) } },
  ];
}

function returnCompletion({ data, metadata }: ReturnCompletion, state: TaskState): TaskEvent[] {
  const agencyCode = requiredId(data.agencyCode, 'agencyCode');
  const reason = requiredText(data.reason, 'reason');
  const task = requireOpenTask(state);
  const assignee = requireAssignee(task, agencyCode);
  const decidedAs = requireCompletionDecider(metadata.actor, task, assignee);
  requireSubmittedCompletion(assignee);
  return [
    {
      type: 'CompletionReturned',
      data: {
        ...ref(task),
        agencyCode,
        role: assignee.role,
        reason,
        byAgency: metadata.actor.agencyCode,
        decidedAs,
      },
    },
  ];
}

function cancelTask({ data, metadata }: CancelTask, state: TaskState): TaskEvent[] {
  requireIssuer(metadata.actor);
  const reason = requiredText(data.reason, 'reason');
  const task = requireTaskIssuer(metadata.actor, state);
  if (task.assignees.some((a) => a.agencyCode === metadata.actor.agencyCode)) {
    refuse('task.forbidden', 'You may not cancel a task your own agency holds');
  }
  return [{ type: 'TaskCancelled', data: { ...ref(task), reason, byAgency: metadata.actor.agencyCode } }];
}

// ---------------------------------------------------------------------------------------------
// Authorisation

function refuse(code: TaskDecisionError['code'], message: string, details?: Record<string, unknown>): never {
  throw new TaskDecisionError(code, message, details);
}

const isIssuer = (actor: Actor): boolean => actor.roles.includes('issuer');
const isOfficerOf = (actor: Actor, agencyCode: string): boolean =>
  actor.roles.includes('officer') && actor.agencyCode === agencyCode;

/** The issuer of this task: the issuer role, acting for the agency that issued it. */
const isIssuerOf = (actor: Actor, task: Task): boolean =>
  isIssuer(actor) && issuingAgencyOf(actor) === task.issuerAgencyCode;

function requireIssuer(actor: Actor): void {
  if (!isIssuer(actor)) refuse('task.forbidden', 'Only an issuer may do this');
}

/**
 * Issuer decisions on a task (reassign, extensions, cancel) belong to the agency that issued it:
 * an issuer of another People's Committee is refused before anything about the task is told.
 */
function requireTaskIssuer(actor: Actor, state: TaskState): Task {
  requireIssuer(actor);
  if (state.status === 'none') refuse('task.not-found', 'No such task');
  if (!isIssuerOf(actor, state)) {
    refuse('task.forbidden', 'Only an issuer of the committee that issued this task may do this');
  }
  return requireOpenTask(state);
}

/**
 * Everyone acts only for their own agency: an officer, or an issuer of the committee itself. The
 * refusal names no agency: the one that may act (a handoff's receiver, say) is not the caller's.
 */
function requireActingFor(actor: Actor, agencyCode: string): void {
  const committeeIssuer = isIssuer(actor) && actor.issuesFor === undefined;
  const ownAgency = actor.agencyCode === agencyCode && (committeeIssuer || actor.roles.includes('officer'));
  if (!ownAgency) refuse('task.forbidden', 'You may act only for your own agency');
}

/**
 * Nobody takes an issuer's decision about their own agency's assignment (a focal-point issuer
 * working at an assignee): its extension, moving it away, its completion, or cancelling a task
 * it holds. Someone else of the committee decides.
 */
function requireNotOwnAgency(actor: Actor, agencyCode: string, what: string): void {
  if (actor.agencyCode === agencyCode) {
    refuse('task.forbidden', `You may not decide on ${what} of your own agency`);
  }
}

/**
 * The task's issuer decides every completion; the lead's officer may also decide a support or
 * requested one. Nobody decides on a completion their own agency submitted.
 */
function requireCompletionDecider(actor: Actor, task: Task, assignee: AssignmentState): CompletionDecidedAs {
  requireNotOwnAgency(actor, assignee.agencyCode, 'a completion');
  if (isIssuerOf(actor, task)) return 'issuer';
  const lead = leadAgency(task);
  if (assignee.role !== 'lead' && lead !== null && isOfficerOf(actor, lead)) return 'lead';
  // A party's yearly report goes to the focal agency that consolidates it.
  // (`?? null`: a task state stored before reports named their focal agency has no field.)
  const focal = task.reportsTo ?? null;
  if (focal !== null && isOfficerOf(actor, focal)) return 'focal-agency';
  refuse(
    'task.forbidden',
    'Only the issuer, the lead for a supporting agency, or the focal agency for a report sent to it, may decide on this completion',
  );
}

// ---------------------------------------------------------------------------------------------
// State checks

/** Nothing done on a task can have happened before its assignment took effect. */
function requireNotBeforeAssignment(task: Task, happenedAt: string | null): void {
  if (happenedAt === null || task.assignedAt === null) return;
  if (Date.parse(happenedAt) < Date.parse(task.assignedAt)) {
    invalid('occurredAt', `must not be before the task was assigned (${task.assignedAt})`);
  }
}

function requireOpenTask(state: TaskState): Task {
  if (state.status === 'none') refuse('task.not-found', 'No such task');
  if (state.status !== 'open') {
    refuse('task.closed', `Task ${state.taskId} is ${state.status}`, { status: state.status });
  }
  return state;
}

function requireAssignee(task: Task, agencyCode: string): AssignmentState {
  const assignee = task.assignees.find((a) => a.agencyCode === agencyCode);
  if (!assignee)
    refuse('task.not-assignee', `${agencyCode} holds no assignment on this task`, { agencyCode });
  return assignee;
}

function requireNotCompleted(assignee: AssignmentState): void {
  if (assignee.status === 'completed') {
    refuse('task.invalid-state', `The completion of ${assignee.agencyCode} was already accepted`);
  }
}

function requireHandoff(task: Task, handoffId: string): HandoffState {
  const handoff = task.handoffs.find((h) => h.handoffId === handoffId);
  if (!handoff) refuse('handoff.not-found', `No handoff ${handoffId} on this task`, { handoffId });
  return handoff;
}

function requirePending(handoff: HandoffState): void {
  if (handoff.status !== 'pending') {
    refuse('handoff.stale', `Handoff ${handoff.handoffId} is ${handoff.status}`, {
      handoffId: handoff.handoffId,
      status: handoff.status,
    });
  }
}

function pendingHandoffFrom(task: Task, agencyCode: string): HandoffState | undefined {
  return pendingHandoffs(task).find((h) => h.fromAgency === agencyCode);
}

function requirePendingExtension(task: Task, extensionId: string) {
  if (!task.extensions.some((e) => e.extensionId === extensionId)) {
    refuse('extension.not-found', `No extension request ${extensionId} on this task`, { extensionId });
  }
  const pending = pendingExtension(task);
  if (!pending || pending.extensionId !== extensionId) {
    refuse('extension.none-pending', `No pending extension request ${extensionId}`, { extensionId });
  }
  return pending;
}

function requireSubmittedCompletion(assignee: AssignmentState): void {
  if (assignee.status !== 'completion-submitted') {
    refuse('completion.none-submitted', `No completion of ${assignee.agencyCode} awaits a decision`);
  }
}

// ---------------------------------------------------------------------------------------------
// Input shapes

function validSourceClause(value: unknown): TaskAssigned['data']['sourceClause'] {
  if (typeof value !== 'object' || value === null) invalid('sourceClause', 'is required');
  const clause = value as Record<string, unknown>;
  const section = requiredText(clause['section'], 'sourceClause.section');
  const start = nonNegativeInteger(clause['start'], 'sourceClause.start');
  const end = nonNegativeInteger(clause['end'], 'sourceClause.end');
  if (end < start) invalid('sourceClause.end', 'must not be before start');
  return { section, start, end };
}

function validAssignees(value: unknown): Assignee[] {
  if (!Array.isArray(value) || value.length === 0) invalid('assignees', 'at least one assignee is required');
  const assignees = (value as unknown[]).map((item, i): Assignee => {
    if (typeof item !== 'object' || item === null) invalid(`assignees[${i}]`, 'must be an object');
    const entry = item as Record<string, unknown>;
    return {
      agencyCode: requiredId(entry['agencyCode'], `assignees[${i}].agencyCode`),
      role: requiredOneOf(entry['role'], ROLES, `assignees[${i}].role`),
    };
  });
  if (assignees.filter((a) => a.role === 'lead').length > 1) invalid('assignees', 'at most one lead');
  const codes = assignees.map((a) => a.agencyCode);
  const duplicate = codes.find((code, i) => codes.indexOf(code) !== i);
  if (duplicate !== undefined) invalid('assignees', `${duplicate} is listed twice`);
  return assignees;
}

function validIndicatorValues(
  value: unknown,
  planIndicators: readonly PlanIndicatorRef[] | undefined,
): ReportedIndicatorValue[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) invalid('indicatorValues', 'must be a list');
  const reported = new Set<string>();
  return (value as unknown[]).map((item, i) => {
    if (typeof item !== 'object' || item === null) invalid(`indicatorValues[${i}]`, 'must be an object');
    const entry = item as Record<string, unknown>;
    const indicator = requiredText(entry['indicator'], `indicatorValues[${i}].indicator`);
    if (planIndicators === undefined) {
      return {
        indicator,
        value: finiteNumber(entry['value'], `indicatorValues[${i}].value`),
        unit: optionalText(entry['unit'], `indicatorValues[${i}].unit`),
      };
    }
    const known = planIndicators.find((p) => p.indicatorId === indicator);
    if (!known) {
      invalid(
        `indicatorValues[${i}].indicator`,
        planIndicators.length === 0
          ? 'the plan has no indicators'
          : `${indicator} is not an indicator of the plan (GET /plans/{planId}/indicators lists them)`,
      );
    }
    if (reported.has(indicator)) invalid(`indicatorValues[${i}].indicator`, `${indicator} is given twice`);
    reported.add(indicator);
    const unit = entry['unit'];
    if (
      unit !== undefined &&
      unit !== null &&
      unit !== known.unit &&
      !(known.unit === 'percent' && unit === '%')
    ) {
      invalid(`indicatorValues[${i}].unit`, `the indicator is counted in ${known.unit}`);
    }
    const problem = indicatorValueProblem(known.unit, entry['value']);
    if (problem !== null) invalid(`indicatorValues[${i}].value`, `${problem} (${known.unit})`);
    return { indicator, value: entry['value'] as number, unit: known.unit };
  });
}

// ---------------------------------------------------------------------------------------------
// Event helpers

const ref = (task: Task) => ({ taskId: task.taskId, planId: task.planId });

const handoffRef = (task: Task, h: HandoffState) => ({
  ...ref(task),
  handoffId: h.handoffId,
  fromAgency: h.fromAgency,
  toAgency: h.toAgency,
  role: h.role,
});

/** Same assignment content, ignoring who typed it in and the key order of stored JSON. */
function sameAssignment(a: TaskAssigned['data'], b: TaskAssigned['data']): boolean {
  const { byAgency: _a, ...left } = a;
  const { byAgency: _b, ...right } = b;
  return deepEqual(left, right);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((key) => deepEqual(left[key], right[key]));
}
