import {
  HEALTH,
  LEAD,
  REQUESTED,
  SUPPORT,
  acceptCompletion,
  completionAccepted,
  completionReturned,
  completionSubmitted,
  focalPointIssuer,
  otherIssuer,
  handoffRequested,
  officerOf,
  returnCompletion,
  spec,
  submitCompletion,
  taskAssigned,
  taskCompleted,
} from './testing/task.fixtures.js';
import { findAssignee } from './task.state.js';

const noLead = taskAssigned({
  assignees: [
    { agencyCode: SUPPORT, role: 'support' },
    { agencyCode: REQUESTED, role: 'requested' },
  ],
});
const soleSupport = taskAssigned({ assignees: [{ agencyCode: SUPPORT, role: 'support' }] });

describe('SubmitCompletion', () => {
  describe('when an assignee submits its report', () => {
    it('records the report and awaits a decision', () => {
      const state = spec
        .given([taskAssigned()])
        .when(submitCompletion(SUPPORT))
        .then([completionSubmitted(SUPPORT)]);
      expect(findAssignee(state, SUPPORT)?.status).toBe('completion-submitted');
      expect(state.status).toBe('open');
    });

    it('accepts a resubmission after a return', () => {
      spec
        .given([taskAssigned(), completionSubmitted(LEAD), completionReturned(LEAD)])
        .when(submitCompletion(LEAD, 'Báo cáo bổ sung số liệu'))
        .then([completionSubmitted(LEAD, 'Báo cáo bổ sung số liệu')]);
    });
  });

  describe('when its completion already awaits a decision', () => {
    it('refuses a second submission', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(submitCompletion(SUPPORT))
        .thenThrows('completion.pending', 'conflict');
    });
  });

  describe('when its completion was already accepted', () => {
    it('refuses it', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT), completionAccepted(SUPPORT)])
        .when(submitCompletion(SUPPORT))
        .thenThrows('task.invalid-state');
    });
  });

  describe('when the assignee has a pending handoff', () => {
    it('refuses it until the handoff is settled', () => {
      spec
        .given([taskAssigned(), handoffRequested('h1', SUPPORT, HEALTH)])
        .when(submitCompletion(SUPPORT))
        .thenThrows('handoff.pending');
    });
  });

  describe('when an officer of another agency submits for the assignee', () => {
    it('refuses it as forbidden', () => {
      spec
        .given([taskAssigned()])
        .when(submitCompletion(SUPPORT, 'x', officerOf(LEAD)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when the agency is not an assignee', () => {
    it('refuses it', () => {
      spec.given([taskAssigned()]).when(submitCompletion(HEALTH)).thenThrows('task.not-assignee');
    });
  });

  describe('when the report is empty', () => {
    it('refuses it as invalid', () => {
      spec.given([taskAssigned()]).when(submitCompletion(SUPPORT, '')).thenThrows('validation');
    });
  });
});

describe('AcceptCompletion', () => {
  describe('when no reason is given', () => {
    it('refuses it as invalid, naming the field', () => {
      spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(acceptCompletion(LEAD, undefined, ''))
        .thenThrows('validation', 'invalid');
    });
  });

  describe("when the issuer accepts the lead's completion", () => {
    it('completes the task', () => {
      const state = spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(acceptCompletion(LEAD))
        .then([completionAccepted(LEAD), taskCompleted(LEAD)]);
      expect(state.status).toBe('completed');
      expect(findAssignee(state, LEAD)?.status).toBe('completed');
    });

    it('completes it even though support duties are still open', () => {
      const state = spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(acceptCompletion(LEAD, undefined, 'Đạt yêu cầu'))
        .then([completionAccepted(LEAD, { reason: 'Đạt yêu cầu' }), taskCompleted(LEAD)]);
      expect(findAssignee(state, SUPPORT)?.status).toBe('assigned');
    });

    it('refuses a focal-point issuer deciding on the completion of the agency they work at', () => {
      spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(acceptCompletion(LEAD, focalPointIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it("records the agency a focal-point issuer acted for on another assignee's completion", () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(acceptCompletion(SUPPORT, focalPointIssuer))
        .then([completionAccepted(SUPPORT, { byAgency: LEAD })]);
    });

    it('refuses an issuer of another committee', () => {
      spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(acceptCompletion(LEAD, otherIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe("when a support assignee's completion is accepted", () => {
    it('keeps the task open while the lead has not completed', () => {
      const state = spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(acceptCompletion(SUPPORT))
        .then([completionAccepted(SUPPORT)]);
      expect(state.status).toBe('open');
      expect(findAssignee(state, SUPPORT)?.status).toBe('completed');
    });

    it("lets the lead agency's officer accept it", () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(acceptCompletion(SUPPORT, officerOf(LEAD)))
        .then([completionAccepted(SUPPORT, { byAgency: LEAD, decidedAs: 'lead' })]);
    });

    it("lets the lead agency's officer accept a requested body's completion", () => {
      spec
        .given([taskAssigned(), completionSubmitted(REQUESTED)])
        .when(acceptCompletion(REQUESTED, officerOf(LEAD)))
        .then([completionAccepted(REQUESTED, { byAgency: LEAD, decidedAs: 'lead' })]);
    });
  });

  describe('when the task has no lead', () => {
    it('stays open until every assignee is accepted', () => {
      const state = spec
        .given([noLead, completionSubmitted(SUPPORT), completionSubmitted(REQUESTED)])
        .when(acceptCompletion(SUPPORT))
        .then([completionAccepted(SUPPORT)]);
      expect(state.status).toBe('open');
    });

    it('completes with the last acceptance, with no single responsible agency', () => {
      const state = spec
        .given([
          noLead,
          completionSubmitted(SUPPORT),
          completionAccepted(SUPPORT),
          completionSubmitted(REQUESTED),
        ])
        .when(acceptCompletion(REQUESTED))
        .then([completionAccepted(REQUESTED), taskCompleted(null)]);
      expect(state.status).toBe('completed');
    });

    it('completes a task with a sole assignee, who is responsible', () => {
      spec
        .given([soleSupport, completionSubmitted(SUPPORT)])
        .when(acceptCompletion(SUPPORT))
        .then([completionAccepted(SUPPORT), taskCompleted(SUPPORT)]);
    });

    it('refuses any officer, since there is no lead to decide', () => {
      spec
        .given([noLead, completionSubmitted(SUPPORT)])
        .when(acceptCompletion(SUPPORT, officerOf(REQUESTED)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when the actor may not decide', () => {
    it("refuses the lead officer accepting the lead's own completion", () => {
      spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(acceptCompletion(LEAD, officerOf(LEAD)))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it('refuses a support officer accepting its own completion', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(acceptCompletion(SUPPORT, officerOf(SUPPORT)))
        .thenThrows('task.forbidden');
    });

    it('refuses an officer of an unrelated agency', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(acceptCompletion(SUPPORT, officerOf(HEALTH)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when no completion awaits a decision', () => {
    it('refuses it when nothing was submitted', () => {
      spec
        .given([taskAssigned()])
        .when(acceptCompletion(LEAD))
        .thenThrows('completion.none-submitted', 'conflict');
    });

    it('refuses it after the completion was returned', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT), completionReturned(SUPPORT)])
        .when(acceptCompletion(SUPPORT))
        .thenThrows('completion.none-submitted');
    });

    it('refuses accepting twice', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT), completionAccepted(SUPPORT)])
        .when(acceptCompletion(SUPPORT))
        .thenThrows('completion.none-submitted');
    });
  });

  describe('when the agency is not an assignee', () => {
    it('refuses it', () => {
      spec.given([taskAssigned()]).when(acceptCompletion(HEALTH)).thenThrows('task.not-assignee');
    });
  });
});

describe('ReturnCompletion', () => {
  describe('when the issuer returns a completion', () => {
    it('records the reason and lets the assignee rework it', () => {
      const state = spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(returnCompletion(LEAD, 'Thiếu số liệu chỉ tiêu'))
        .then([completionReturned(LEAD, { reason: 'Thiếu số liệu chỉ tiêu' })]);
      expect(findAssignee(state, LEAD)?.status).toBe('completion-returned');
      expect(state.status).toBe('open');
    });
  });

  describe("when the lead's officer returns a support completion", () => {
    it('records that the lead decided', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(returnCompletion(SUPPORT, 'Bổ sung', officerOf(LEAD)))
        .then([completionReturned(SUPPORT, { reason: 'Bổ sung', byAgency: LEAD, decidedAs: 'lead' })]);
    });
  });

  describe("when the lead's officer returns the lead's own completion", () => {
    it('refuses it as forbidden', () => {
      spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(returnCompletion(LEAD, 'x', officerOf(LEAD)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when no reason is given', () => {
    it('refuses it as invalid', () => {
      spec
        .given([taskAssigned(), completionSubmitted(LEAD)])
        .when(returnCompletion(LEAD, ''))
        .thenThrows('validation');
    });
  });

  describe('when no completion awaits a decision', () => {
    it('refuses returning twice', () => {
      spec
        .given([taskAssigned(), completionSubmitted(LEAD), completionReturned(LEAD)])
        .when(returnCompletion(LEAD))
        .thenThrows('completion.none-submitted');
    });
  });
});
