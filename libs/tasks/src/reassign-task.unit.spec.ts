import {
  HEALTH,
  JUSTICE,
  LEAD,
  POLICE,
  REQUESTED,
  SUPPORT,
  acceptHandoff,
  completionAccepted,
  completionSubmitted,
  focalPointIssuer,
  otherIssuer,
  handoffRequested,
  handoffSuperseded,
  officerOf,
  progressReported,
  reassign,
  spec,
  taskAssigned,
  taskReassigned,
} from './testing/task.fixtures.js';
import { findAssignee, pendingHandoffs, responsibleAgency } from './task.state.js';

describe('ReassignTask', () => {
  describe('when the issuer moves an assignment', () => {
    it('records the move with the role and the reason', () => {
      const state = spec
        .given([taskAssigned(), progressReported(LEAD)])
        .when(reassign(LEAD, HEALTH))
        .then([taskReassigned(LEAD, HEALTH)]);
      expect(findAssignee(state, LEAD)).toBeUndefined();
      expect(findAssignee(state, HEALTH)).toEqual({ agencyCode: HEALTH, role: 'lead', status: 'assigned' });
      expect(responsibleAgency(state)).toBe(HEALTH);
    });

    it('records the agency the issuer acted for', () => {
      spec
        .given([taskAssigned()])
        .when(reassign(SUPPORT, HEALTH, 'Điều chỉnh phân công', focalPointIssuer))
        .then([taskReassigned(SUPPORT, HEALTH, 'Điều chỉnh phân công', 'support', LEAD)]);
    });

    it("refuses a focal-point issuer moving their own agency's assignment", () => {
      spec
        .given([taskAssigned()])
        .when(reassign(LEAD, HEALTH, 'Điều chỉnh phân công', focalPointIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it('refuses an issuer of another committee', () => {
      spec
        .given([taskAssigned()])
        .when(reassign(SUPPORT, HEALTH, 'Điều chỉnh phân công', otherIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it('may take back a completion that awaits a decision', () => {
      const state = spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(reassign(SUPPORT, HEALTH))
        .then([taskReassigned(SUPPORT, HEALTH)]);
      expect(findAssignee(state, HEALTH)?.status).toBe('assigned');
    });
  });

  describe('when the assignment has a pending handoff', () => {
    it('supersedes the handoff before moving the assignment', () => {
      const state = spec
        .given([taskAssigned(), handoffRequested('h1', LEAD, HEALTH)])
        .when(reassign(LEAD, POLICE))
        .then([handoffSuperseded('h1', LEAD, HEALTH), taskReassigned(LEAD, POLICE)]);
      expect(pendingHandoffs(state)).toEqual([]);
      expect(state.status !== 'none' && state.handoffs[0]?.status).toBe('superseded');
    });

    it('makes accepting the superseded handoff stale', () => {
      spec
        .given([
          taskAssigned(),
          handoffRequested('h1', LEAD, HEALTH),
          handoffSuperseded('h1', LEAD, HEALTH),
          taskReassigned(LEAD, POLICE),
        ])
        .when(acceptHandoff('h1', officerOf(HEALTH)))
        .thenThrows('handoff.stale');
    });
  });

  describe('when another assignment has a pending handoff to the new agency', () => {
    it('supersedes that handoff too, since the target now holds an assignment', () => {
      spec
        .given([taskAssigned(), handoffRequested('h1', SUPPORT, HEALTH)])
        .when(reassign(REQUESTED, HEALTH))
        .then([handoffSuperseded('h1', SUPPORT, HEALTH), taskReassigned(REQUESTED, HEALTH)]);
    });
  });

  describe('when an unrelated handoff is pending', () => {
    it('leaves it pending', () => {
      const state = spec
        .given([taskAssigned(), handoffRequested('h1', SUPPORT, JUSTICE)])
        .when(reassign(LEAD, HEALTH))
        .then([taskReassigned(LEAD, HEALTH)]);
      expect(pendingHandoffs(state).map((h) => h.handoffId)).toEqual(['h1']);
    });
  });

  describe('when the actor is not an issuer', () => {
    it('refuses the lead officer', () => {
      spec
        .given([taskAssigned()])
        .when(reassign(SUPPORT, HEALTH, 'x', officerOf(LEAD)))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the from agency holds no assignment', () => {
    it('refuses it', () => {
      spec.given([taskAssigned()]).when(reassign(HEALTH, POLICE)).thenThrows('task.not-assignee');
    });
  });

  describe('when the target cannot take the assignment', () => {
    it('refuses a current assignee', () => {
      spec
        .given([taskAssigned()])
        .when(reassign(LEAD, SUPPORT))
        .thenThrows('task.invalid-target', 'conflict');
    });

    it('refuses the same agency', () => {
      spec.given([taskAssigned()]).when(reassign(LEAD, LEAD)).thenThrows('task.invalid-target');
    });
  });

  describe("when the assignee's completion was already accepted", () => {
    it('refuses it', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT), completionAccepted(SUPPORT)])
        .when(reassign(SUPPORT, HEALTH))
        .thenThrows('task.invalid-state');
    });
  });

  describe('when no reason is given', () => {
    it('refuses it as invalid', () => {
      spec
        .given([taskAssigned()])
        .when(reassign(LEAD, HEALTH, ''))
        .thenThrows('validation', 'invalid');
    });
  });
});
