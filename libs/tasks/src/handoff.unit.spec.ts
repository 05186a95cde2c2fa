import {
  HEALTH,
  JUSTICE,
  LEAD,
  POLICE,
  REQUESTED,
  SUPPORT,
  acceptHandoff,
  acknowledged,
  completionAccepted,
  completionSubmitted,
  declineHandoff,
  handoffAccepted,
  handoffDeclined,
  handoffRequested,
  handoffSuperseded,
  handoffWithdrawn,
  issuer,
  officerOf,
  requestHandoff,
  spec,
  taskAssigned,
  taskReassigned,
  withdrawHandoff,
} from './testing/task.fixtures.js';
import { findAssignee, pendingHandoffs, responsibleAgency } from './task.state.js';

const requested = [taskAssigned(), handoffRequested('h1', LEAD, HEALTH)];

describe('RequestHandoff', () => {
  describe('when an assignee asks another agency to take its assignment', () => {
    it('records the request with the role being handed off', () => {
      const state = spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', LEAD, HEALTH))
        .then([handoffRequested('h1', LEAD, HEALTH)]);
      expect(pendingHandoffs(state)).toEqual([
        {
          handoffId: 'h1',
          fromAgency: LEAD,
          toAgency: HEALTH,
          role: 'lead',
          reason: 'Thuộc chức năng của cơ quan khác',
          status: 'pending',
        },
      ]);
    });

    it('keeps the original lead until the receiver accepts', () => {
      const state = spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', LEAD, HEALTH))
        .then([handoffRequested('h1', LEAD, HEALTH)]);
      expect(responsibleAgency(state)).toBe(LEAD);
      expect(findAssignee(state, HEALTH)).toBeUndefined();
    });

    it('lets two assignees each have one pending handoff', () => {
      spec
        .given(requested)
        .when(requestHandoff('h2', SUPPORT, POLICE))
        .then([handoffRequested('h2', SUPPORT, POLICE)]);
    });

    it('refuses an issuer requesting it for the assignee', () => {
      spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', LEAD, HEALTH, undefined, issuer))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the same request is sent again', () => {
    it('changes nothing', () => {
      spec
        .given(requested)
        .when(requestHandoff('h1', LEAD, HEALTH))
        .thenNothing();
    });
  });

  describe('when the handoff id is already used for something else', () => {
    it('refuses a different request under the same id', () => {
      spec
        .given(requested)
        .when(requestHandoff('h1', SUPPORT, POLICE))
        .thenThrows('handoff.already-exists', 'conflict');
    });

    it('refuses reusing the id of a declined handoff', () => {
      spec
        .given([...requested, handoffDeclined('h1', LEAD, HEALTH)])
        .when(requestHandoff('h1', LEAD, HEALTH))
        .thenThrows('handoff.already-exists');
    });
  });

  describe('when the assignment already has a pending handoff', () => {
    it('refuses a second one', () => {
      spec
        .given(requested)
        .when(requestHandoff('h2', LEAD, POLICE))
        .thenThrows('handoff.pending', 'conflict');
    });
  });

  describe('when the target is not a valid receiver', () => {
    it('refuses handing off to itself', () => {
      spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', LEAD, LEAD))
        .thenThrows('handoff.invalid-target', 'conflict');
    });

    it('refuses an agency already assigned to the task', () => {
      spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', LEAD, SUPPORT))
        .thenThrows('handoff.invalid-target');
    });

    it('refuses an agency another pending handoff already targets', () => {
      spec
        .given(requested)
        .when(requestHandoff('h2', SUPPORT, HEALTH))
        .thenThrows('handoff.invalid-target');
    });
  });

  describe('when the sender is not an assignee', () => {
    it('refuses it', () => {
      spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', HEALTH, POLICE))
        .thenThrows('task.not-assignee');
    });
  });

  describe('when an officer of another agency asks on behalf of the assignee', () => {
    it('refuses it as forbidden', () => {
      spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', LEAD, HEALTH, undefined, officerOf(SUPPORT)))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe("when the assignee's completion is submitted or accepted", () => {
    it('refuses while the completion awaits a decision', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(requestHandoff('h1', SUPPORT, HEALTH))
        .thenThrows('completion.pending');
    });

    it('refuses after the completion was accepted', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT), completionAccepted(SUPPORT)])
        .when(requestHandoff('h1', SUPPORT, HEALTH))
        .thenThrows('task.invalid-state');
    });
  });

  describe('when the input is invalid', () => {
    it('refuses a missing reason', () => {
      spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', LEAD, HEALTH, ' '))
        .thenThrows('validation');
    });

    it('refuses a blank handoff id', () => {
      spec
        .given([taskAssigned()])
        .when(requestHandoff('', LEAD, HEALTH))
        .thenThrows('validation');
    });

    it('refuses a blank target', () => {
      spec
        .given([taskAssigned()])
        .when(requestHandoff('h1', LEAD, ''))
        .thenThrows('validation');
    });
  });
});

describe('AcceptHandoff', () => {
  describe('when no reason is given', () => {
    it('refuses it as invalid, naming the field', () => {
      spec
        .given(requested)
        .when(acceptHandoff('h1', officerOf(HEALTH), '  '))
        .thenThrows('validation', 'invalid');
    });
  });

  describe("when the receiver's officer accepts", () => {
    it('moves the assignment, role and all, to the receiver', () => {
      const state = spec
        .given(requested)
        .when(acceptHandoff('h1', officerOf(HEALTH)))
        .then([handoffAccepted('h1', LEAD, HEALTH)]);
      expect(findAssignee(state, LEAD)).toBeUndefined();
      expect(findAssignee(state, HEALTH)).toEqual({
        agencyCode: HEALTH,
        role: 'lead',
        status: 'acknowledged',
      });
      expect(responsibleAgency(state)).toBe(HEALTH);
      expect(pendingHandoffs(state)).toEqual([]);
    });

    it('keeps the assignee position in the list', () => {
      const state = spec
        .given([taskAssigned(), handoffRequested('h1', SUPPORT, HEALTH)])
        .when(acceptHandoff('h1', officerOf(HEALTH)))
        .then([handoffAccepted('h1', SUPPORT, HEALTH)]);
      expect(state.status !== 'none' && state.assignees.map((a) => a.agencyCode)).toEqual([
        LEAD,
        HEALTH,
        REQUESTED,
      ]);
    });

    it('records an optional reason', () => {
      spec
        .given(requested)
        .when(acceptHandoff('h1', officerOf(HEALTH), 'Đúng chức năng'))
        .then([handoffAccepted('h1', LEAD, HEALTH, 'Đúng chức năng')]);
    });

    it('refuses an issuer accepting for the receiver', () => {
      spec.given(requested).when(acceptHandoff('h1', issuer)).thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when someone other than the receiver accepts', () => {
    it('refuses the sender', () => {
      spec
        .given(requested)
        .when(acceptHandoff('h1', officerOf(LEAD)))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it('refuses a third agency', () => {
      spec
        .given(requested)
        .when(acceptHandoff('h1', officerOf(POLICE)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when the handoff is no longer pending', () => {
    it.each([
      ['already accepted', handoffAccepted('h1', LEAD, HEALTH)],
      ['declined', handoffDeclined('h1', LEAD, HEALTH)],
      ['withdrawn', handoffWithdrawn('h1', LEAD, HEALTH)],
    ])('refuses a handoff %s as stale', (_, outcome) => {
      spec
        .given([...requested, outcome])
        .when(acceptHandoff('h1', officerOf(HEALTH)))
        .thenThrows('handoff.stale', 'conflict');
    });

    it('refuses a handoff superseded by a reassignment as stale', () => {
      spec
        .given([...requested, handoffSuperseded('h1', LEAD, HEALTH), taskReassigned(LEAD, POLICE)])
        .when(acceptHandoff('h1', officerOf(HEALTH)))
        .thenThrows('handoff.stale');
    });
  });

  describe('when there is no such handoff', () => {
    it('refuses it as not found', () => {
      spec
        .given(requested)
        .when(acceptHandoff('h9', officerOf(HEALTH)))
        .thenThrows('handoff.not-found', 'not-found');
    });
  });
});

describe('DeclineHandoff', () => {
  describe("when the receiver's officer declines", () => {
    it('records the refusal and keeps the original lead', () => {
      const state = spec
        .given(requested)
        .when(declineHandoff('h1', officerOf(HEALTH), 'Không thuộc chức năng'))
        .then([handoffDeclined('h1', LEAD, HEALTH, 'Không thuộc chức năng')]);
      expect(responsibleAgency(state)).toBe(LEAD);
      expect(findAssignee(state, LEAD)?.status).toBe('assigned');
      expect(pendingHandoffs(state)).toEqual([]);
    });

    it('lets the sender ask again, of another agency', () => {
      spec
        .given([...requested, handoffDeclined('h1', LEAD, HEALTH)])
        .when(requestHandoff('h2', LEAD, POLICE))
        .then([handoffRequested('h2', LEAD, POLICE)]);
    });
  });

  describe('when no reason is given', () => {
    it('refuses it as invalid', () => {
      spec
        .given(requested)
        .when(declineHandoff('h1', officerOf(HEALTH), ''))
        .thenThrows('validation');
    });
  });

  describe('when the sender tries to decline its own request', () => {
    it('refuses it as forbidden', () => {
      spec
        .given(requested)
        .when(declineHandoff('h1', officerOf(LEAD)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when the handoff is no longer pending', () => {
    it('refuses declining an accepted handoff as stale', () => {
      spec
        .given([...requested, handoffAccepted('h1', LEAD, HEALTH)])
        .when(declineHandoff('h1', officerOf(HEALTH)))
        .thenThrows('handoff.stale');
    });

    it('refuses declining twice as stale', () => {
      spec
        .given([...requested, handoffDeclined('h1', LEAD, HEALTH)])
        .when(declineHandoff('h1', officerOf(HEALTH)))
        .thenThrows('handoff.stale');
    });
  });

  describe('when there is no such handoff', () => {
    it('refuses it as not found', () => {
      spec
        .given([taskAssigned()])
        .when(declineHandoff('h1', officerOf(HEALTH)))
        .thenThrows('handoff.not-found');
    });
  });
});

describe('WithdrawHandoff', () => {
  describe('when the sender withdraws its pending request', () => {
    it('records the withdrawal and keeps the assignment', () => {
      const state = spec
        .given(requested)
        .when(withdrawHandoff('h1', officerOf(LEAD)))
        .then([handoffWithdrawn('h1', LEAD, HEALTH)]);
      expect(responsibleAgency(state)).toBe(LEAD);
      expect(pendingHandoffs(state)).toEqual([]);
    });

    it('frees the assignment for a new handoff', () => {
      spec
        .given([...requested, handoffWithdrawn('h1', LEAD, HEALTH)])
        .when(requestHandoff('h2', LEAD, HEALTH))
        .then([handoffRequested('h2', LEAD, HEALTH)]);
    });
  });

  describe('when the receiver tries to withdraw it', () => {
    it('refuses it as forbidden', () => {
      spec
        .given(requested)
        .when(withdrawHandoff('h1', officerOf(HEALTH)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when no reason is given', () => {
    it('refuses it as invalid', () => {
      spec
        .given(requested)
        .when(withdrawHandoff('h1', officerOf(LEAD), ' '))
        .thenThrows('validation');
    });
  });

  describe('when the handoff was already accepted', () => {
    it('refuses it as stale', () => {
      spec
        .given([...requested, handoffAccepted('h1', LEAD, HEALTH)])
        .when(withdrawHandoff('h1', officerOf(LEAD)))
        .thenThrows('handoff.stale');
    });
  });

  describe('when there is no such handoff', () => {
    it('refuses it as not found', () => {
      spec
        .given(requested)
        .when(withdrawHandoff('h2', officerOf(LEAD)))
        .thenThrows('handoff.not-found');
    });
  });
});

describe('a handoff of a support duty', () => {
  it('keeps the lead and hands only the support role on', () => {
    const state = spec
      .given([taskAssigned(), acknowledged(SUPPORT), handoffRequested('h1', SUPPORT, JUSTICE)])
      .when(acceptHandoff('h1', officerOf(JUSTICE)))
      .then([handoffAccepted('h1', SUPPORT, JUSTICE)]);
    expect(responsibleAgency(state)).toBe(LEAD);
    expect(findAssignee(state, JUSTICE)).toEqual({
      agencyCode: JUSTICE,
      role: 'support',
      status: 'acknowledged',
    });
  });
});
