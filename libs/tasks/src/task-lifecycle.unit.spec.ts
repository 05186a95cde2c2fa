import { TaskDecisionError } from './task.errors.js';
import {
  findAssignee,
  pendingExtension,
  pendingHandoffs,
  responsibleAgency,
  type TaskState,
} from './task.state.js';
import {
  DUE,
  HEALTH,
  ISSUER,
  JUSTICE,
  LEAD,
  POLICE,
  REQUESTED,
  SUPPORT,
  acceptCompletion,
  acceptHandoff,
  acknowledge,
  assignTask,
  cancelTask,
  declineHandoff,
  denyExtension,
  grantExtension,
  issuer,
  newStream,
  officerOf,
  reassign,
  reportProgress,
  requestExtension,
  requestHandoff,
  returnCompletion,
  submitCompletion,
  withdrawHandoff,
} from './testing/task.fixtures.js';

/** What the read side asks of the state, in one object. */
function summary(state: TaskState) {
  if (state.status === 'none') return { status: 'none' };
  return {
    status: state.status,
    dueDate: state.dueDate,
    responsible: responsibleAgency(state),
    assignees: state.assignees.map((a) => `${a.agencyCode}:${a.role}:${a.status}`),
    pendingHandoffs: pendingHandoffs(state).map((h) => `${h.fromAgency}->${h.toAgency}`),
    pendingExtension: pendingExtension(state)?.requestedDueDate ?? null,
  };
}

function refusal(run: () => unknown): { code: string; kind: string } | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof TaskDecisionError) return { code: error.code, kind: error.kind };
    throw error;
  }
  return undefined;
}

describe('the life of a task', () => {
  describe('when the lead hands off, is declined, hands off elsewhere, and the new lead completes after a return', () => {
    const stream = newStream();
    const step = (command: Parameters<typeof stream.handle>[0]) => stream.handle(command).map((e) => e.type);

    it('1. is assigned by the issuer to a lead, a supporter and a requested body', () => {
      expect(step(assignTask())).toEqual(['TaskAssigned']);
      expect(summary(stream.state)).toEqual({
        status: 'open',
        dueDate: DUE,
        responsible: LEAD,
        assignees: [
          `${LEAD}:lead:assigned`,
          `${SUPPORT}:support:assigned`,
          `${REQUESTED}:requested:assigned`,
        ],
        pendingHandoffs: [],
        pendingExtension: null,
      });
    });

    it('2. is acknowledged by the lead', () => {
      expect(step(acknowledge(LEAD))).toEqual(['TaskAcknowledged']);
      expect(summary(stream.state)).toMatchObject({
        assignees: [`${LEAD}:lead:acknowledged`, expect.any(String), expect.any(String)],
      });
    });

    it('3. is offered by the lead to the health department', () => {
      expect(
        step(requestHandoff('h1', LEAD, HEALTH, 'Chức năng bảo vệ trẻ em chuyển sang ngành Y tế')),
      ).toEqual(['HandoffRequested']);
      expect(summary(stream.state)).toMatchObject({
        responsible: LEAD,
        pendingHandoffs: [`${LEAD}->${HEALTH}`],
      });
    });

    it('4. is declined by the health department, which keeps the original lead', () => {
      expect(step(declineHandoff('h1', officerOf(HEALTH), 'Chưa có quyết định giao nhiệm vụ'))).toEqual([
        'HandoffDeclined',
      ]);
      expect(summary(stream.state)).toMatchObject({
        responsible: LEAD,
        pendingHandoffs: [],
        assignees: [`${LEAD}:lead:acknowledged`, expect.any(String), expect.any(String)],
      });
    });

    it('5. is offered by the lead to the justice department', () => {
      expect(step(requestHandoff('h2', LEAD, JUSTICE))).toEqual(['HandoffRequested']);
      expect(summary(stream.state)).toMatchObject({
        responsible: LEAD,
        pendingHandoffs: [`${LEAD}->${JUSTICE}`],
      });
    });

    it('6. is accepted by the justice department, which becomes the lead', () => {
      expect(step(acceptHandoff('h2', officerOf(JUSTICE)))).toEqual(['HandoffAccepted']);
      expect(summary(stream.state)).toEqual({
        status: 'open',
        dueDate: DUE,
        responsible: JUSTICE,
        assignees: [
          `${JUSTICE}:lead:acknowledged`,
          `${SUPPORT}:support:assigned`,
          `${REQUESTED}:requested:assigned`,
        ],
        pendingHandoffs: [],
        pendingExtension: null,
      });
    });

    it('7. has progress reported by the new lead', () => {
      expect(
        step(reportProgress(JUSTICE, 'Đã xây dựng kế hoạch triển khai', [{ indicator: 'buoi', value: 3 }])),
      ).toEqual(['ProgressReported']);
      expect(findAssignee(stream.state, JUSTICE)?.status).toBe('in-progress');
    });

    it('8. gets an extension request from the new lead', () => {
      expect(step(requestExtension('e1', JUSTICE, '2024-12-20'))).toEqual(['ExtensionRequested']);
      expect(summary(stream.state)).toMatchObject({ dueDate: DUE, pendingExtension: '2024-12-20' });
    });

    it('9. gets the extension granted by the issuer', () => {
      expect(step(grantExtension('e1', 'Đồng ý gia hạn'))).toEqual(['ExtensionGranted']);
      expect(summary(stream.state)).toMatchObject({ dueDate: '2024-12-20', pendingExtension: null });
    });

    it('10. gets a completion report from the new lead', () => {
      expect(step(submitCompletion(JUSTICE, 'Báo cáo kết quả năm 2024'))).toEqual(['CompletionSubmitted']);
      expect(findAssignee(stream.state, JUSTICE)?.status).toBe('completion-submitted');
      expect(stream.state.status).toBe('open');
    });

    it('11. has the completion returned by the issuer', () => {
      expect(step(returnCompletion(JUSTICE, 'Thiếu số liệu về trẻ em bị xâm hại'))).toEqual([
        'CompletionReturned',
      ]);
      expect(findAssignee(stream.state, JUSTICE)?.status).toBe('completion-returned');
      expect(stream.state.status).toBe('open');
    });

    it('12. gets the completion resubmitted', () => {
      expect(step(submitCompletion(JUSTICE, 'Báo cáo kết quả năm 2024 (bổ sung số liệu)'))).toEqual([
        'CompletionSubmitted',
      ]);
      expect(findAssignee(stream.state, JUSTICE)?.status).toBe('completion-submitted');
    });

    it('13. is completed when the issuer accepts the lead completion', () => {
      expect(step(acceptCompletion(JUSTICE, issuer, 'Đạt yêu cầu'))).toEqual([
        'CompletionAccepted',
        'TaskCompleted',
      ]);
      expect(summary(stream.state)).toEqual({
        status: 'completed',
        dueDate: '2024-12-20',
        responsible: JUSTICE,
        assignees: [
          `${JUSTICE}:lead:completed`,
          `${SUPPORT}:support:assigned`,
          `${REQUESTED}:requested:assigned`,
        ],
        pendingHandoffs: [],
        pendingExtension: null,
      });
    });

    it('14. then refuses anything else as closed', () => {
      expect(refusal(() => stream.handle(reportProgress(SUPPORT)))).toEqual({
        code: 'task.closed',
        kind: 'conflict',
      });
    });

    it('keeps every step in the stream, in order', () => {
      expect(stream.events.map((e) => e.type)).toEqual([
        'TaskAssigned',
        'TaskAcknowledged',
        'HandoffRequested',
        'HandoffDeclined',
        'HandoffRequested',
        'HandoffAccepted',
        'ProgressReported',
        'ExtensionRequested',
        'ExtensionGranted',
        'CompletionSubmitted',
        'CompletionReturned',
        'CompletionSubmitted',
        'CompletionAccepted',
        'TaskCompleted',
      ]);
    });
  });

  describe('when a handoff goes stale', () => {
    it('refuses the receiver who accepts after the issuer reassigned the assignment', () => {
      const stream = newStream();
      stream.handle(assignTask());
      stream.handle(requestHandoff('h1', SUPPORT, HEALTH));
      expect(stream.handle(reassign(SUPPORT, POLICE)).map((e) => e.type)).toEqual([
        'HandoffSuperseded',
        'TaskReassigned',
      ]);
      expect(refusal(() => stream.handle(acceptHandoff('h1', officerOf(HEALTH))))).toEqual({
        code: 'handoff.stale',
        kind: 'conflict',
      });
      expect(findAssignee(stream.state, POLICE)?.role).toBe('support');
      expect(findAssignee(stream.state, HEALTH)).toBeUndefined();
    });

    it('refuses the receiver who declines after the sender withdrew', () => {
      const stream = newStream();
      stream.handle(assignTask());
      stream.handle(requestHandoff('h1', LEAD, HEALTH));
      stream.handle(withdrawHandoff('h1', officerOf(LEAD)));
      expect(refusal(() => stream.handle(declineHandoff('h1', officerOf(HEALTH))))).toEqual({
        code: 'handoff.stale',
        kind: 'conflict',
      });
    });

    it('refuses a second acceptance of the same handoff', () => {
      const stream = newStream();
      stream.handle(assignTask());
      stream.handle(requestHandoff('h1', LEAD, HEALTH));
      stream.handle(acceptHandoff('h1', officerOf(HEALTH)));
      expect(refusal(() => stream.handle(acceptHandoff('h1', officerOf(HEALTH))))?.code).toBe(
        'handoff.stale',
      );
    });
  });

  describe('when someone tries to complete a cancelled task', () => {
    it('refuses the submission and the acceptance as closed', () => {
      const stream = newStream();
      stream.handle(assignTask());
      stream.handle(submitCompletion(LEAD));
      stream.handle(cancelTask('Nhiệm vụ đã được giao trong kế hoạch khác'));
      expect(stream.state.status).toBe('cancelled');
      expect(refusal(() => stream.handle(acceptCompletion(LEAD)))).toEqual({
        code: 'task.closed',
        kind: 'conflict',
      });
      expect(refusal(() => stream.handle(submitCompletion(SUPPORT)))?.code).toBe('task.closed');
      expect(refusal(() => stream.handle(cancelTask()))?.code).toBe('task.closed');
    });
  });

  describe('when an officer of another agency acts on the task', () => {
    const stream = newStream();
    stream.handle(assignTask());
    stream.handle(requestHandoff('h1', SUPPORT, HEALTH));
    stream.handle(requestExtension('e1', LEAD, '2024-12-15'));
    stream.handle(submitCompletion(REQUESTED));
    const outsider = officerOf(POLICE);

    it.each([
      ['acknowledge for the lead', acknowledge(LEAD, outsider)],
      ['report progress for the lead', reportProgress(LEAD, 'x', undefined, outsider)],
      ['hand off the lead duty', requestHandoff('h2', LEAD, JUSTICE, 'x', outsider)],
      ['accept a handoff meant for another agency', acceptHandoff('h1', outsider)],
      ['decline a handoff meant for another agency', declineHandoff('h1', outsider)],
      ['withdraw a handoff it did not send', withdrawHandoff('h1', outsider)],
      ['request an extension for the lead', requestExtension('e2', LEAD, '2025-01-01', 'x', outsider)],
      ['submit a completion for the lead', submitCompletion(LEAD, 'x', outsider)],
      ['accept a completion', acceptCompletion(REQUESTED, outsider)],
      ['return a completion', returnCompletion(REQUESTED, 'x', outsider)],
      ['assign a task', assignTask({ taskId: 'task-0002' }, outsider)],
      ['reassign', reassign(LEAD, POLICE, 'x', outsider)],
      ['grant an extension', grantExtension('e1', 'x', outsider)],
      ['deny an extension', denyExtension('e1', 'x', outsider)],
      ['cancel', cancelTask('x', outsider)],
    ])('is forbidden to %s', (_, command) => {
      expect(refusal(() => stream.handle(command))).toEqual({ code: 'task.forbidden', kind: 'forbidden' });
    });

    it('is refused as forbidden before it learns the task is closed', () => {
      const closed = newStream();
      closed.handle(assignTask());
      closed.handle(cancelTask());
      expect(refusal(() => closed.handle(acknowledge(LEAD, outsider)))?.code).toBe('task.forbidden');
    });

    it('is refused as not an assignee when acting for its own agency', () => {
      expect(refusal(() => stream.handle(acknowledge(POLICE, outsider)))).toEqual({
        code: 'task.not-assignee',
        kind: 'forbidden',
      });
    });

    it('changed nothing', () => {
      expect(stream.events).toHaveLength(4);
      expect(stream.state.status !== 'none' && stream.state.issuerAgencyCode).toBe(ISSUER);
    });
  });
});
