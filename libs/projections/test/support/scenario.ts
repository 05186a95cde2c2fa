import type { IssuePlan, PlanActor } from '#libs/plans';
import type { Actor, Assignee, TaskCommand } from '#libs/tasks';

/**
 * Commands for a scenario, with the agencies of the Lai Châu plan. Every builder takes the task
 * id and the instant the command is decided (which becomes the events' occurredAt).
 */
export const ISSUER = 'UBND-LC';
export const LEAD = 'SLDTBXH-LC';
export const EDUCATION = 'SGDDT-LC';
export const FRONT = 'MTTQ-LC';
export const HEALTH = 'SYT-LC';
export const POLICE = 'CA-LC';
export const JUSTICE = 'STP-LC';

export const issuer: Actor = { personId: 'p-issuer', agencyCode: ISSUER, roles: ['issuer'] };
export const officerOf = (agencyCode: string): Actor => ({
  personId: `p-${agencyCode.toLowerCase()}`,
  agencyCode,
  roles: ['officer'],
});

const meta = (actor: Actor, now: string) => ({ actor, now });

export function issuePlan(planId: string, now: string): IssuePlan {
  const actor: PlanActor = issuer;
  return {
    type: 'IssuePlan',
    data: {
      planId,
      number: '1601/KH-UBND',
      documentType: 'KH',
      title: 'Kế hoạch thực hiện công tác trẻ em năm 2025',
      issuerAgencyCode: ISSUER,
      jurisdiction: 'LC',
      issuedOn: '2025-06-01',
      period: { fromYear: 2025, toYear: 2025 },
      contentHash: `sha256:${planId}`,
    },
    metadata: { actor, now },
  };
}

export const assign = (
  taskId: string,
  planId: string,
  dueDate: string,
  assignees: readonly Assignee[],
  now: string,
  title = `Nhiệm vụ ${taskId}`,
): TaskCommand => ({
  type: 'AssignTask',
  data: {
    taskId,
    planId,
    title,
    duty: `Chủ trì, phối hợp thực hiện ${title.toLowerCase()}.`,
    sourceClause: { section: 'III.1', start: 100, end: 240 },
    dueDate,
    assignees,
    issuerAgencyCode: ISSUER,
    kind: 'duty',
  },
  metadata: meta(issuer, now),
});

export const acknowledge = (taskId: string, agencyCode: string, now: string): TaskCommand => ({
  type: 'AcknowledgeTask',
  data: { taskId, agencyCode },
  metadata: meta(officerOf(agencyCode), now),
});

export const progress = (taskId: string, agencyCode: string, text: string, now: string): TaskCommand => ({
  type: 'ReportProgress',
  data: { taskId, agencyCode, text, indicatorValues: [{ indicator: 'so-buoi-tuyen-truyen', value: 4 }] },
  metadata: meta(officerOf(agencyCode), now),
});

export const requestHandoff = (
  taskId: string,
  handoffId: string,
  fromAgency: string,
  toAgency: string,
  now: string,
): TaskCommand => ({
  type: 'RequestHandoff',
  data: { taskId, handoffId, fromAgency, toAgency, reason: 'Thuộc chức năng của cơ quan khác' },
  metadata: meta(officerOf(fromAgency), now),
});

export const acceptHandoff = (
  taskId: string,
  handoffId: string,
  receiver: string,
  now: string,
): TaskCommand => ({
  type: 'AcceptHandoff',
  data: { taskId, handoffId, reason: 'Đồng ý tiếp nhận' },
  metadata: meta(officerOf(receiver), now),
});

/** The receiver declines (decline: true) or the sender withdraws a pending handoff. */
export const answerHandoff = (
  taskId: string,
  handoffId: string,
  agencyCode: string,
  decline: boolean,
  now: string,
): TaskCommand =>
  decline
    ? {
        type: 'DeclineHandoff',
        data: { taskId, handoffId, reason: 'Không thuộc chức năng của cơ quan' },
        metadata: meta(officerOf(agencyCode), now),
      }
    : {
        type: 'WithdrawHandoff',
        data: { taskId, handoffId, reason: 'Cơ quan tự thực hiện' },
        metadata: meta(officerOf(agencyCode), now),
      };

export const reassign = (taskId: string, fromAgency: string, toAgency: string, now: string): TaskCommand => ({
  type: 'ReassignTask',
  data: { taskId, fromAgency, toAgency, reason: 'Điều chỉnh phân công theo chức năng' },
  metadata: meta(issuer, now),
});

export const requestExtension = (
  taskId: string,
  extensionId: string,
  agencyCode: string,
  dueDate: string,
  now: string,
): TaskCommand => ({
  type: 'RequestExtension',
  data: { taskId, extensionId, agencyCode, dueDate, reason: 'Chờ số liệu từ cấp huyện' },
  metadata: meta(officerOf(agencyCode), now),
});

export const grantExtension = (taskId: string, extensionId: string, now: string): TaskCommand => ({
  type: 'GrantExtension',
  data: { taskId, extensionId, reason: 'Đồng ý gia hạn' },
  metadata: meta(issuer, now),
});

export const denyExtension = (taskId: string, extensionId: string, now: string): TaskCommand => ({
  type: 'DenyExtension',
  data: { taskId, extensionId, reason: 'Không đủ căn cứ gia hạn' },
  metadata: meta(issuer, now),
});

export const submitCompletion = (taskId: string, agencyCode: string, now: string): TaskCommand => ({
  type: 'SubmitCompletion',
  data: { taskId, agencyCode, report: 'Báo cáo kết quả thực hiện' },
  metadata: meta(officerOf(agencyCode), now),
});

export const acceptCompletion = (
  taskId: string,
  agencyCode: string,
  now: string,
  actor = issuer,
): TaskCommand => ({
  type: 'AcceptCompletion',
  data: { taskId, agencyCode, reason: 'Đạt yêu cầu' },
  metadata: meta(actor, now),
});

export const returnCompletion = (
  taskId: string,
  agencyCode: string,
  now: string,
  actor = issuer,
): TaskCommand => ({
  type: 'ReturnCompletion',
  data: { taskId, agencyCode, reason: 'Thiếu số liệu chỉ tiêu' },
  metadata: meta(actor, now),
});

export const cancel = (taskId: string, now: string): TaskCommand => ({
  type: 'CancelTask',
  data: { taskId, reason: 'Nhiệm vụ trùng với kế hoạch khác' },
  metadata: meta(issuer, now),
});

/** June 2025, day `d` at 09:00 in Ha Noi. */
export const june = (d: number, hour = 9): string =>
  `2025-06-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+07:00`;

export const PLAN = 'plan-lc-2025';

/**
 * A plan with four tasks that go through most of the lifecycle:
 * - t1: lead SLDTBXH (acknowledged, progress), support SGDDT hands off to SYT, MTTQ requested
 *   gets an extension granted (due 2025-11-30 -> 2025-12-15);
 * - t2: lead SLDTBXH, support CA reassigned to STP (superseding a pending handoff to STP), the
 *   lead's completion accepted: completed;
 * - t3: lead SGDDT alone, cancelled;
 * - t4: lead SLDTBXH (not acknowledged, extension pending), support SGDDT's completion returned
 *   by the lead.
 */
export function planScenario(): { plan: IssuePlan; commands: TaskCommand[] } {
  return {
    plan: issuePlan(PLAN, june(1)),
    commands: [
      assign(
        't1',
        PLAN,
        '2025-11-30',
        [
          { agencyCode: LEAD, role: 'lead' },
          { agencyCode: EDUCATION, role: 'support' },
          { agencyCode: FRONT, role: 'requested' },
        ],
        june(2),
      ),
      assign(
        't2',
        PLAN,
        '2025-12-01',
        [
          { agencyCode: LEAD, role: 'lead' },
          { agencyCode: POLICE, role: 'support' },
        ],
        june(2, 10),
      ),
      assign('t3', PLAN, '2025-10-31', [{ agencyCode: EDUCATION, role: 'lead' }], june(2, 11)),
      assign(
        't4',
        PLAN,
        '2025-12-07',
        [
          { agencyCode: LEAD, role: 'lead' },
          { agencyCode: EDUCATION, role: 'support' },
        ],
        june(2, 12),
      ),
      acknowledge('t1', LEAD, june(3)),
      acknowledge('t1', EDUCATION, june(3, 10)),
      progress('t1', LEAD, 'Đã tổ chức 4 buổi tuyên truyền', june(4)),
      requestHandoff('t1', 'h1', EDUCATION, HEALTH, june(5)),
      acceptHandoff('t1', 'h1', HEALTH, june(6)),
      requestExtension('t1', 'e1', FRONT, '2025-12-15', june(7)),
      grantExtension('t1', 'e1', june(8)),
      requestHandoff('t2', 'h2', POLICE, JUSTICE, june(5, 11)),
      reassign('t2', POLICE, JUSTICE, june(6, 11)),
      acknowledge('t2', LEAD, june(6, 12)),
      submitCompletion('t2', LEAD, june(9)),
      acceptCompletion('t2', LEAD, june(10)),
      cancel('t3', june(10, 11)),
      submitCompletion('t4', EDUCATION, june(11)),
      returnCompletion('t4', EDUCATION, june(12), officerOf(LEAD)),
      requestExtension('t4', 'e2', LEAD, '2025-12-31', june(12, 10)),
    ],
  };
}

export async function runScenario(
  world: { issuePlan(c: IssuePlan): Promise<unknown>; task(c: TaskCommand): Promise<unknown> },
  scenario = planScenario(),
): Promise<void> {
  await world.issuePlan(scenario.plan);
  for (const command of scenario.commands) await world.task(command);
}

/**
 * The decisions planScenario leaves out, on a fifth task: a handoff declined, another withdrawn,
 * an extension denied. Used where every kind of event must go through the projections.
 */
export function refusedDecisions(): TaskCommand[] {
  return [
    assign('t5', PLAN, '2025-11-15', [{ agencyCode: LEAD, role: 'lead' }], june(13)),
    requestHandoff('t5', 'h3', LEAD, POLICE, june(13, 10)),
    answerHandoff('t5', 'h3', POLICE, true, june(13, 11)),
    requestHandoff('t5', 'h4', LEAD, HEALTH, june(14)),
    answerHandoff('t5', 'h4', LEAD, false, june(14, 10)),
    requestExtension('t5', 'e2', LEAD, '2025-12-31', june(15)),
    denyExtension('t5', 'e2', june(16)),
  ];
}
