/**
 * Test data for the task decider: agencies, actors, and builders for every command and event with
 * sensible defaults. Builders take the few fields a test cares about.
 */
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
} from '../task.commands.js';
import type { TaskEvent } from '../task.events.js';
import { evolve, initialState, type TaskState } from '../task.state.js';
import type { Actor, Assignee, AssigneeRole, IndicatorValue } from '../task.types.js';
import { decide } from '../task.decide.js';
import { deciderSpecification, inMemoryStream } from './decider-specification.js';

export const spec = deciderSpecification<TaskCommand, TaskEvent, TaskState>({ decide, evolve, initialState });
/** A task event with when it happened (its store metadata), as a fold of stored events sees it. */
export type TimedTaskEvent = TaskEvent & { readonly occurredAt?: string };
/** As `spec`, with given events that may say when they happened (`happenedAt`). */
export const timedSpec = deciderSpecification<TaskCommand, TimedTaskEvent, TaskState>({
  decide,
  evolve: (state, event) => evolve(state, event, event.occurredAt),
  initialState,
});
export const happenedAt = (event: TaskEvent, occurredAt: string): TimedTaskEvent => ({
  ...event,
  occurredAt,
});
export const newStream = () =>
  inMemoryStream<TaskCommand, TaskEvent, TaskState>({ decide, evolve, initialState });

/** UBND tỉnh Lai Châu, the issuer. */
export const ISSUER = 'UBND-LC';
/** Sở LĐTBXH: chủ trì. */
export const LEAD = 'SLDTBXH-LC';
/** Sở GD&ĐT: phối hợp. */
export const SUPPORT = 'SGDDT-LC';
/** Ủy ban MTTQ tỉnh: đề nghị. */
export const REQUESTED = 'MTTQ-LC';
/** Sở Y tế, Công an tỉnh, Sở Tư pháp: not assigned at first. */
export const HEALTH = 'SYT-LC';
export const POLICE = 'CA-LC';
export const JUSTICE = 'STP-LC';

export const TASK_ID = 'task-0001';
export const PLAN_ID = 'plan-laichau-ct28';
export const DUE = '2024-11-30';
export const NOW = '2024-06-03T09:00:00+07:00';

export const issuer: Actor = { personId: 'p-issuer', agencyCode: ISSUER, roles: ['issuer'] };
/** An issuer who works at the lead department (the focal point entering decisions for the UBND). */
export const focalPointIssuer: Actor = {
  personId: 'p-focal',
  agencyCode: LEAD,
  roles: ['officer', 'issuer'],
  issuesFor: ISSUER,
};
/** An issuer of another People's Committee. */
export const otherIssuer: Actor = { personId: 'p-other-issuer', agencyCode: 'UBND-LS', roles: ['issuer'] };
export const officerOf = (agencyCode: string): Actor => ({
  personId: `p-${agencyCode.toLowerCase()}`,
  agencyCode,
  roles: ['officer'],
});
export const nobodyOf = (agencyCode: string): Actor => ({ personId: 'p-nobody', agencyCode, roles: [] });

const meta = (actor: Actor) => ({ actor, now: NOW });

export const ASSIGNEES: readonly Assignee[] = [
  { agencyCode: LEAD, role: 'lead' },
  { agencyCode: SUPPORT, role: 'support' },
  { agencyCode: REQUESTED, role: 'requested' },
];

const ref = { taskId: TASK_ID, planId: PLAN_ID };

// --- Commands -----------------------------------------------------------------------------------

export const assignTask = (data: Partial<AssignTask['data']> = {}, actor: Actor = issuer): AssignTask => ({
  type: 'AssignTask',
  data: {
    ...ref,
    title: 'Tuyên truyền về bảo vệ trẻ em',
    duty: 'Chủ trì, phối hợp tổ chức tuyên truyền, phổ biến pháp luật về trẻ em.',
    sourceClause: { section: 'V.1', start: 1200, end: 1480 },
    dueDate: DUE,
    assignees: ASSIGNEES,
    issuerAgencyCode: ISSUER,
    kind: 'duty',
    ...data,
  },
  metadata: meta(actor),
});

export const acknowledge = (agencyCode: string, actor: Actor = officerOf(agencyCode)): AcknowledgeTask => ({
  type: 'AcknowledgeTask',
  data: { taskId: TASK_ID, agencyCode },
  metadata: meta(actor),
});

export const reportProgress = (
  agencyCode: string,
  text = 'Đã tổ chức 12 buổi tuyên truyền.',
  indicatorValues?: readonly IndicatorValue[],
  actor: Actor = officerOf(agencyCode),
): ReportProgress => ({
  type: 'ReportProgress',
  data: { taskId: TASK_ID, agencyCode, text, ...(indicatorValues ? { indicatorValues } : {}) },
  metadata: meta(actor),
});

export const requestHandoff = (
  handoffId: string,
  fromAgency: string,
  toAgency: string,
  reason = 'Thuộc chức năng của cơ quan khác',
  actor: Actor = officerOf(fromAgency),
): RequestHandoff => ({
  type: 'RequestHandoff',
  data: { taskId: TASK_ID, handoffId, fromAgency, toAgency, reason },
  metadata: meta(actor),
});

export const ACCEPTED_HANDOFF = 'Đồng ý tiếp nhận';
export const ACCEPTED_COMPLETION = 'Đạt yêu cầu';

export const acceptHandoff = (handoffId: string, actor: Actor, reason = ACCEPTED_HANDOFF): AcceptHandoff => ({
  type: 'AcceptHandoff',
  data: { taskId: TASK_ID, handoffId, reason },
  metadata: meta(actor),
});

export const declineHandoff = (
  handoffId: string,
  actor: Actor,
  reason = 'Không thuộc chức năng',
): DeclineHandoff => ({
  type: 'DeclineHandoff',
  data: { taskId: TASK_ID, handoffId, reason },
  metadata: meta(actor),
});

export const withdrawHandoff = (
  handoffId: string,
  actor: Actor,
  reason = 'Đã tự thực hiện',
): WithdrawHandoff => ({
  type: 'WithdrawHandoff',
  data: { taskId: TASK_ID, handoffId, reason },
  metadata: meta(actor),
});

export const reassign = (
  fromAgency: string,
  toAgency: string,
  reason = 'Điều chỉnh phân công',
  actor: Actor = issuer,
): ReassignTask => ({
  type: 'ReassignTask',
  data: { taskId: TASK_ID, fromAgency, toAgency, reason },
  metadata: meta(actor),
});

export const requestExtension = (
  extensionId: string,
  agencyCode: string,
  dueDate: string,
  reason = 'Chờ số liệu từ cấp huyện',
  actor: Actor = officerOf(agencyCode),
): RequestExtension => ({
  type: 'RequestExtension',
  data: { taskId: TASK_ID, extensionId, agencyCode, dueDate, reason },
  metadata: meta(actor),
});

export const grantExtension = (
  extensionId: string,
  reason = 'Đồng ý',
  actor: Actor = issuer,
): GrantExtension => ({
  type: 'GrantExtension',
  data: { taskId: TASK_ID, extensionId, reason },
  metadata: meta(actor),
});

export const denyExtension = (
  extensionId: string,
  reason = 'Không đủ căn cứ',
  actor: Actor = issuer,
): DenyExtension => ({
  type: 'DenyExtension',
  data: { taskId: TASK_ID, extensionId, reason },
  metadata: meta(actor),
});

export const submitCompletion = (
  agencyCode: string,
  report = 'Báo cáo kết quả thực hiện năm 2024',
  actor: Actor = officerOf(agencyCode),
): SubmitCompletion => ({
  type: 'SubmitCompletion',
  data: { taskId: TASK_ID, agencyCode, report },
  metadata: meta(actor),
});

export const acceptCompletion = (
  agencyCode: string,
  actor: Actor = issuer,
  reason = ACCEPTED_COMPLETION,
): AcceptCompletion => ({
  type: 'AcceptCompletion',
  data: { taskId: TASK_ID, agencyCode, reason },
  metadata: meta(actor),
});

export const returnCompletion = (
  agencyCode: string,
  reason = 'Thiếu số liệu chỉ tiêu',
  actor: Actor = issuer,
): ReturnCompletion => ({
  type: 'ReturnCompletion',
  data: { taskId: TASK_ID, agencyCode, reason },
  metadata: meta(actor),
});

export const cancelTask = (reason = 'Nhiệm vụ không còn phù hợp', actor: Actor = issuer): CancelTask => ({
  type: 'CancelTask',
  data: { taskId: TASK_ID, reason },
  metadata: meta(actor),
});

// --- Events -------------------------------------------------------------------------------------

export const taskAssigned = (
  data: Partial<Extract<TaskEvent, { type: 'TaskAssigned' }>['data']> = {},
): TaskEvent => ({
  type: 'TaskAssigned',
  data: {
    ...ref,
    title: 'Tuyên truyền về bảo vệ trẻ em',
    duty: 'Chủ trì, phối hợp tổ chức tuyên truyền, phổ biến pháp luật về trẻ em.',
    sourceClause: { section: 'V.1', start: 1200, end: 1480 },
    dueDate: DUE,
    assignees: ASSIGNEES,
    issuerAgencyCode: ISSUER,
    kind: 'duty',
    reportYear: null,
    byAgency: ISSUER,
    ...data,
  },
});

/** The role each fixture agency holds in the default assignment (or after a handoff in a test). */
const roleOf = (agencyCode: string): AssigneeRole =>
  ASSIGNEES.find((a) => a.agencyCode === agencyCode)?.role ?? 'support';

export const acknowledged = (agencyCode: string, role: AssigneeRole = roleOf(agencyCode)): TaskEvent => ({
  type: 'TaskAcknowledged',
  data: { ...ref, agencyCode, role },
});

export const progressReported = (
  agencyCode: string,
  text = 'Đã tổ chức 12 buổi tuyên truyền.',
  role: AssigneeRole = roleOf(agencyCode),
): TaskEvent => ({
  type: 'ProgressReported',
  data: { ...ref, agencyCode, role, text, indicatorValues: [] },
});

export const handoffRequested = (
  handoffId: string,
  fromAgency: string,
  toAgency: string,
  reason = 'Thuộc chức năng của cơ quan khác',
  role: AssigneeRole = roleOf(fromAgency),
): TaskEvent => ({
  type: 'HandoffRequested',
  data: { ...ref, handoffId, fromAgency, toAgency, role, reason },
});

export const handoffAccepted = (
  handoffId: string,
  fromAgency: string,
  toAgency: string,
  reason: string | null = ACCEPTED_HANDOFF,
  role: AssigneeRole = roleOf(fromAgency),
): TaskEvent => ({
  type: 'HandoffAccepted',
  data: { ...ref, handoffId, fromAgency, toAgency, role, reason },
});

export const handoffDeclined = (
  handoffId: string,
  fromAgency: string,
  toAgency: string,
  reason = 'Không thuộc chức năng',
  role: AssigneeRole = roleOf(fromAgency),
): TaskEvent => ({
  type: 'HandoffDeclined',
  data: { ...ref, handoffId, fromAgency, toAgency, role, reason },
});

export const handoffWithdrawn = (
  handoffId: string,
  fromAgency: string,
  toAgency: string,
  reason = 'Đã tự thực hiện',
  role: AssigneeRole = roleOf(fromAgency),
): TaskEvent => ({
  type: 'HandoffWithdrawn',
  data: { ...ref, handoffId, fromAgency, toAgency, role, reason },
});

export const handoffSuperseded = (
  handoffId: string,
  fromAgency: string,
  toAgency: string,
  reason = 'Điều chỉnh phân công',
  role: AssigneeRole = roleOf(fromAgency),
): TaskEvent => ({
  type: 'HandoffSuperseded',
  data: { ...ref, handoffId, fromAgency, toAgency, role, reason },
});

export const taskReassigned = (
  fromAgency: string,
  toAgency: string,
  reason = 'Điều chỉnh phân công',
  role: AssigneeRole = roleOf(fromAgency),
  byAgency = ISSUER,
): TaskEvent => ({
  type: 'TaskReassigned',
  data: { ...ref, fromAgency, toAgency, role, reason, byAgency },
});

export const extensionRequested = (
  extensionId: string,
  agencyCode: string,
  requestedDueDate: string,
  currentDueDate = DUE,
  reason = 'Chờ số liệu từ cấp huyện',
): TaskEvent => ({
  type: 'ExtensionRequested',
  data: {
    ...ref,
    extensionId,
    agencyCode,
    role: roleOf(agencyCode),
    currentDueDate,
    requestedDueDate,
    reason,
  },
});

export const extensionGranted = (
  extensionId: string,
  agencyCode: string,
  dueDate: string,
  previousDueDate = DUE,
  reason = 'Đồng ý',
  byAgency = ISSUER,
): TaskEvent => ({
  type: 'ExtensionGranted',
  data: { ...ref, extensionId, agencyCode, previousDueDate, dueDate, reason, byAgency },
});

export const extensionDenied = (
  extensionId: string,
  agencyCode: string,
  requestedDueDate: string,
  dueDate = DUE,
  reason = 'Không đủ căn cứ',
  byAgency = ISSUER,
): TaskEvent => ({
  type: 'ExtensionDenied',
  data: { ...ref, extensionId, agencyCode, dueDate, requestedDueDate, reason, byAgency },
});

export const completionSubmitted = (
  agencyCode: string,
  report = 'Báo cáo kết quả thực hiện năm 2024',
  role: AssigneeRole = roleOf(agencyCode),
): TaskEvent => ({
  type: 'CompletionSubmitted',
  data: { ...ref, agencyCode, role, report },
});

export const completionAccepted = (
  agencyCode: string,
  opts: {
    role?: AssigneeRole;
    reason?: string | null;
    byAgency?: string;
    decidedAs?: 'issuer' | 'lead' | 'focal-agency';
  } = {},
): TaskEvent => ({
  type: 'CompletionAccepted',
  data: {
    ...ref,
    agencyCode,
    role: opts.role ?? roleOf(agencyCode),
    reason: opts.reason === undefined ? ACCEPTED_COMPLETION : opts.reason,
    byAgency: opts.byAgency ?? ISSUER,
    decidedAs: opts.decidedAs ?? 'issuer',
  },
});

export const completionReturned = (
  agencyCode: string,
  opts: {
    role?: AssigneeRole;
    reason?: string;
    byAgency?: string;
    decidedAs?: 'issuer' | 'lead' | 'focal-agency';
  } = {},
): TaskEvent => ({
  type: 'CompletionReturned',
  data: {
    ...ref,
    agencyCode,
    role: opts.role ?? roleOf(agencyCode),
    reason: opts.reason ?? 'Thiếu số liệu chỉ tiêu',
    byAgency: opts.byAgency ?? ISSUER,
    decidedAs: opts.decidedAs ?? 'issuer',
  },
});

export const taskCompleted = (responsibleAgency: string | null = LEAD): TaskEvent => ({
  type: 'TaskCompleted',
  data: { ...ref, responsibleAgency },
});

export const taskCancelled = (reason = 'Nhiệm vụ không còn phù hợp', byAgency = ISSUER): TaskEvent => ({
  type: 'TaskCancelled',
  data: { ...ref, reason, byAgency },
});
