import {
  HEALTH,
  ISSUER,
  LEAD,
  SUPPORT,
  acknowledge,
  assignTask,
  newStream,
  acknowledged,
  completionAccepted,
  completionReturned,
  completionSubmitted,
  focalPointIssuer,
  handoffAccepted,
  handoffRequested,
  issuer,
  officerOf,
  progressReported,
  reportProgress,
  spec,
  taskAssigned,
} from './testing/task.fixtures.js';
import { findAssignee } from './task.state.js';

describe('AcknowledgeTask', () => {
  describe('when an assignee has not acknowledged yet', () => {
    it("records its officer's acknowledgement with its role", () => {
      const state = spec
        .given([taskAssigned()])
        .when(acknowledge(SUPPORT))
        .then([acknowledged(SUPPORT)]);
      expect(findAssignee(state, SUPPORT)?.status).toBe('acknowledged');
      expect(findAssignee(state, LEAD)?.status).toBe('assigned');
    });

    it('lets the committee itself, when it holds an assignment, acknowledge through its issuer', () => {
      const stream = newStream();
      stream.handle(assignTask({ assignees: [{ agencyCode: ISSUER, role: 'lead' }] }));
      expect(stream.handle(acknowledge(ISSUER, issuer)).map((event) => event.type)).toEqual([
        'TaskAcknowledged',
      ]);
    });

    it('refuses an issuer acting for the assignee: everyone acts for their own agency', () => {
      spec
        .given([taskAssigned()])
        .when(acknowledge(SUPPORT, issuer))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the assignee already acknowledged', () => {
    it('changes nothing', () => {
      spec
        .given([taskAssigned(), acknowledged(SUPPORT)])
        .when(acknowledge(SUPPORT))
        .thenNothing();
    });
  });

  describe('when the assignee is already further along', () => {
    it('changes nothing after progress was reported', () => {
      spec
        .given([taskAssigned(), progressReported(SUPPORT)])
        .when(acknowledge(SUPPORT))
        .thenNothing();
    });

    it('changes nothing after a handoff was accepted, which acknowledges it', () => {
      spec
        .given([
          taskAssigned(),
          handoffRequested('h1', SUPPORT, HEALTH),
          handoffAccepted('h1', SUPPORT, HEALTH),
        ])
        .when(acknowledge(HEALTH))
        .thenNothing();
    });
  });

  describe('when an officer of another agency acknowledges for the assignee', () => {
    it('refuses it as forbidden', () => {
      spec
        .given([taskAssigned()])
        .when(acknowledge(SUPPORT, officerOf(LEAD)))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the agency is not an assignee', () => {
    it('refuses it', () => {
      spec.given([taskAssigned()]).when(acknowledge(HEALTH)).thenThrows('task.not-assignee', 'forbidden');
    });

    it('refuses the agency that handed the assignment off', () => {
      spec
        .given([
          taskAssigned(),
          handoffRequested('h1', SUPPORT, HEALTH),
          handoffAccepted('h1', SUPPORT, HEALTH),
        ])
        .when(acknowledge(SUPPORT))
        .thenThrows('task.not-assignee');
    });
  });

  describe('when the task does not exist', () => {
    it('refuses it as not found', () => {
      spec.given([]).when(acknowledge(SUPPORT)).thenThrows('task.not-found', 'not-found');
    });
  });

  describe('when the agency code is blank', () => {
    it('refuses it as invalid', () => {
      spec.given([taskAssigned()]).when(acknowledge('', issuer)).thenThrows('validation');
    });
  });
});

describe('ReportProgress', () => {
  describe('when an assignee reports', () => {
    it('records the text and moves the assignee to in progress', () => {
      const state = spec
        .given([taskAssigned(), acknowledged(LEAD)])
        .when(reportProgress(LEAD))
        .then([progressReported(LEAD)]);
      expect(findAssignee(state, LEAD)?.status).toBe('in-progress');
    });

    it('records indicator values, with a missing unit as null', () => {
      spec
        .given([taskAssigned()])
        .when(
          reportProgress(LEAD, 'Kết quả quý II', [
            { indicator: 'xa-phu-hop-tre-em', value: 84.3, unit: '%' },
            { indicator: 'buoi-tuyen-truyen', value: 12 },
          ]),
        )
        .then([
          {
            type: 'ProgressReported',
            data: {
              taskId: 'task-0001',
              planId: 'plan-laichau-ct28',
              agencyCode: LEAD,
              role: 'lead',
              text: 'Kết quả quý II',
              indicatorValues: [
                { indicator: 'xa-phu-hop-tre-em', value: 84.3, unit: '%' },
                { indicator: 'buoi-tuyen-truyen', value: 12, unit: null },
              ],
            },
          },
        ]);
    });

    it('implicitly starts work without an acknowledgement', () => {
      const state = spec
        .given([taskAssigned()])
        .when(reportProgress(SUPPORT))
        .then([progressReported(SUPPORT)]);
      expect(findAssignee(state, SUPPORT)?.status).toBe('in-progress');
    });

    it('keeps a submitted completion awaiting its decision', () => {
      const state = spec
        .given([taskAssigned(), completionSubmitted(SUPPORT)])
        .when(reportProgress(SUPPORT))
        .then([progressReported(SUPPORT)]);
      expect(findAssignee(state, SUPPORT)?.status).toBe('completion-submitted');
    });

    it('keeps a returned completion marked as returned', () => {
      const state = spec
        .given([taskAssigned(), completionSubmitted(SUPPORT), completionReturned(SUPPORT)])
        .when(reportProgress(SUPPORT))
        .then([progressReported(SUPPORT)]);
      expect(findAssignee(state, SUPPORT)?.status).toBe('completion-returned');
    });

    it('refuses an issuer who works elsewhere reporting for the assignee', () => {
      spec
        .given([taskAssigned()])
        .when(reportProgress(SUPPORT, undefined, undefined, focalPointIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it('refuses an issuer without the officer role reporting for the agency they work at', () => {
      spec
        .given([taskAssigned()])
        .when(reportProgress(LEAD, undefined, undefined, { ...focalPointIssuer, roles: ['issuer'] }))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it('lets a focal-point issuer report for the agency they work at', () => {
      spec
        .given([taskAssigned()])
        .when(reportProgress(LEAD, undefined, undefined, focalPointIssuer))
        .then([progressReported(LEAD)]);
    });
  });

  describe("when the assignee's completion was already accepted", () => {
    it('refuses further progress', () => {
      spec
        .given([taskAssigned(), completionSubmitted(SUPPORT), completionAccepted(SUPPORT)])
        .when(reportProgress(SUPPORT))
        .thenThrows('task.invalid-state', 'conflict');
    });
  });

  describe('when an officer of another agency reports for the assignee', () => {
    it('refuses it as forbidden', () => {
      spec
        .given([taskAssigned()])
        .when(reportProgress(LEAD, undefined, undefined, officerOf(SUPPORT)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when the agency is not an assignee', () => {
    it('refuses it', () => {
      spec.given([taskAssigned()]).when(reportProgress(HEALTH)).thenThrows('task.not-assignee');
    });
  });

  describe('when the input is invalid', () => {
    it('refuses an empty text', () => {
      spec.given([taskAssigned()]).when(reportProgress(LEAD, '  ')).thenThrows('validation');
    });

    it('refuses an indicator value that is not a number', () => {
      spec
        .given([taskAssigned()])
        .when(reportProgress(LEAD, 'x', [{ indicator: 'ty-le', value: Number.NaN }]))
        .thenThrows('validation');
    });

    it('refuses an indicator without a name', () => {
      spec
        .given([taskAssigned()])
        .when(reportProgress(LEAD, 'x', [{ indicator: '', value: 1 }]))
        .thenThrows('validation');
    });
  });
});
