import {
  DUE,
  HEALTH,
  LEAD,
  SUPPORT,
  completionAccepted,
  completionSubmitted,
  denyExtension,
  extensionDenied,
  extensionGranted,
  extensionRequested,
  focalPointIssuer,
  otherIssuer,
  grantExtension,
  issuer,
  officerOf,
  requestExtension,
  spec,
  taskAssigned,
} from './testing/task.fixtures.js';
import { pendingExtension } from './task.state.js';

const requested = [taskAssigned(), extensionRequested('e1', SUPPORT, '2024-12-15')];

describe('RequestExtension', () => {
  describe('when an assignee asks for a later due date', () => {
    it('records the request with the current and requested dates', () => {
      const state = spec
        .given([taskAssigned()])
        .when(requestExtension('e1', SUPPORT, '2024-12-15'))
        .then([extensionRequested('e1', SUPPORT, '2024-12-15')]);
      expect(pendingExtension(state)).toMatchObject({
        extensionId: 'e1',
        agencyCode: SUPPORT,
        status: 'pending',
      });
      expect(state.status !== 'none' && state.dueDate).toBe(DUE);
    });

    it('refuses an issuer asking for the assignee', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('e1', SUPPORT, '2024-12-15', undefined, issuer))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it('compares dates across months and years', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('e1', LEAD, '2025-01-05'))
        .then([extensionRequested('e1', LEAD, '2025-01-05')]);
    });
  });

  describe('when the same request is sent again', () => {
    it('changes nothing', () => {
      spec
        .given(requested)
        .when(requestExtension('e1', SUPPORT, '2024-12-15'))
        .thenNothing();
    });
  });

  describe('when another request is pending', () => {
    it('refuses a second one', () => {
      spec
        .given(requested)
        .when(requestExtension('e2', LEAD, '2024-12-31'))
        .thenThrows('extension.pending', 'conflict');
    });
  });

  describe('when the extension id is already used', () => {
    it('refuses a different request under the same id', () => {
      spec
        .given(requested)
        .when(requestExtension('e1', LEAD, '2024-12-31'))
        .thenThrows('extension.already-exists');
    });

    it('refuses reusing the id of a decided request', () => {
      spec
        .given([...requested, extensionDenied('e1', SUPPORT, '2024-12-15')])
        .when(requestExtension('e1', SUPPORT, '2024-12-15'))
        .thenThrows('extension.already-exists');
    });
  });

  describe('when the requested date is not later', () => {
    it('refuses the same date', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('e1', SUPPORT, DUE))
        .thenThrows('extension.not-later', 'invalid');
    });

    it('refuses an earlier date', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('e1', SUPPORT, '2024-10-01'))
        .thenThrows('extension.not-later');
    });

    it('compares with the due date as extended', () => {
      spec
        .given([...requested, extensionGranted('e1', SUPPORT, '2024-12-15')])
        .when(requestExtension('e2', SUPPORT, '2024-12-10'))
        .thenThrows('extension.not-later');
    });
  });

  describe('when the requester is not an assignee', () => {
    it('refuses it', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('e1', HEALTH, '2024-12-15'))
        .thenThrows('task.not-assignee');
    });
  });

  describe('when an officer of another agency asks for the assignee', () => {
    it('refuses it as forbidden', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('e1', SUPPORT, '2024-12-15', undefined, officerOf(HEALTH)))
        .thenThrows('task.forbidden');
    });
  });

  describe("when the requester's completion was already accepted", () => {
    it('refuses it', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT), completionAccepted(SUPPORT)])
        .when(requestExtension('e1', SUPPORT, '2024-12-15'))
        .thenThrows('task.invalid-state');
    });
  });

  describe('when the input is invalid', () => {
    it('refuses a date that is not a date', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('e1', SUPPORT, '15/12/2024'))
        .thenThrows('validation');
    });

    it('refuses a missing reason', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('e1', SUPPORT, '2024-12-15', ''))
        .thenThrows('validation');
    });
  });
});

describe('GrantExtension', () => {
  describe('when the issuer grants the pending request', () => {
    it('moves the due date and clears the request', () => {
      const state = spec
        .given(requested)
        .when(grantExtension('e1'))
        .then([extensionGranted('e1', SUPPORT, '2024-12-15')]);
      expect(state.status !== 'none' && state.dueDate).toBe('2024-12-15');
      expect(pendingExtension(state)).toBeNull();
    });

    it('records the agency the issuer acted for', () => {
      spec
        .given(requested)
        .when(grantExtension('e1', 'Đồng ý', focalPointIssuer))
        .then([extensionGranted('e1', SUPPORT, '2024-12-15', DUE, 'Đồng ý', LEAD)]);
    });
  });

  describe("when a focal-point issuer would decide on their own agency's request", () => {
    it('refuses it as forbidden', () => {
      spec
        .given([taskAssigned(), extensionRequested('e1', LEAD, '2024-12-15')])
        .when(grantExtension('e1', 'Đồng ý', focalPointIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the actor is an issuer of another committee', () => {
    it('refuses it as forbidden', () => {
      spec
        .given(requested)
        .when(grantExtension('e1', 'ok', otherIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the actor is not an issuer', () => {
    it('refuses the requesting officer', () => {
      spec
        .given(requested)
        .when(grantExtension('e1', 'ok', officerOf(SUPPORT)))
        .thenThrows('task.forbidden');
    });

    it('refuses the lead officer', () => {
      spec
        .given(requested)
        .when(grantExtension('e1', 'ok', officerOf(LEAD)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when no reason is given', () => {
    it('refuses it as invalid', () => {
      spec.given(requested).when(grantExtension('e1', ' ')).thenThrows('validation');
    });
  });

  describe('when there is no such pending request', () => {
    it('answers not found when no request has that id', () => {
      spec.given([taskAssigned()]).when(grantExtension('e1')).thenThrows('extension.not-found', 'not-found');
    });

    it('refuses a request already denied', () => {
      spec
        .given([...requested, extensionDenied('e1', SUPPORT, '2024-12-15')])
        .when(grantExtension('e1'))
        .thenThrows('extension.none-pending');
    });

    it('answers not found for an id other than the pending one', () => {
      spec.given(requested).when(grantExtension('e0')).thenThrows('extension.not-found');
    });
  });
});

describe('DenyExtension', () => {
  describe('when the issuer denies the pending request', () => {
    it('keeps the due date and clears the request', () => {
      const state = spec
        .given(requested)
        .when(denyExtension('e1', 'Không đủ căn cứ'))
        .then([extensionDenied('e1', SUPPORT, '2024-12-15', DUE, 'Không đủ căn cứ')]);
      expect(state.status !== 'none' && state.dueDate).toBe(DUE);
      expect(pendingExtension(state)).toBeNull();
    });

    it('lets the assignee ask again', () => {
      spec
        .given([...requested, extensionDenied('e1', SUPPORT, '2024-12-15')])
        .when(requestExtension('e2', SUPPORT, '2024-12-05'))
        .then([extensionRequested('e2', SUPPORT, '2024-12-05')]);
    });
  });

  describe('when the actor is not an issuer', () => {
    it('refuses it as forbidden', () => {
      spec
        .given(requested)
        .when(denyExtension('e1', 'no', officerOf(LEAD)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when no reason is given', () => {
    it('refuses it as invalid', () => {
      spec.given(requested).when(denyExtension('e1', '')).thenThrows('validation');
    });
  });

  describe('when there is no pending request', () => {
    it('refuses it', () => {
      spec
        .given([...requested, extensionGranted('e1', SUPPORT, '2024-12-15')])
        .when(denyExtension('e1'))
        .thenThrows('extension.none-pending');
    });
  });
});
