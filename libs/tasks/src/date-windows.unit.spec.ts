import { DATE_WINDOW, OCCURRED_AT_FLOOR } from '#libs/shared-kernel';
import type { ReportProgress, SubmitCompletion } from './task.commands.js';
import {
  LEAD,
  NOW,
  assignTask,
  progressReported,
  reportProgress,
  requestExtension,
  spec,
  submitCompletion,
  taskAssigned,
} from './testing/task.fixtures.js';

/** The same command, said to have happened at `occurredAt`. */
function at<C extends ReportProgress | SubmitCompletion>(command: C, occurredAt: string): C {
  return { ...command, metadata: { ...command.metadata, occurredAt } };
}

describe('due dates are within the window 2000-01-01 .. 2100-12-31', () => {
  describe('AssignTask', () => {
    it.each([DATE_WINDOW.from, DATE_WINDOW.to])(
      'records a due date on the edge of the window (%s)',
      (dueDate) => {
        spec
          .given([])
          .when(assignTask({ dueDate }))
          .then([taskAssigned({ dueDate })]);
      },
    );

    it.each(['0001-01-01', '1999-12-31', '2101-01-01', '9999-12-31'])(
      'refuses the due date %s',
      (dueDate) => {
        spec.given([]).when(assignTask({ dueDate })).thenThrows('validation', 'invalid');
      },
    );
  });

  describe('RequestExtension', () => {
    it('refuses a requested due date after the window', () => {
      spec
        .given([taskAssigned()])
        .when(requestExtension('ext-1', LEAD, '9999-12-31'))
        .thenThrows('validation', 'invalid');
    });
  });
});

describe('occurredAt: back-dated reports stay within what can have happened', () => {
  describe('ReportProgress', () => {
    it('records progress back-dated to an earlier day', () => {
      spec
        .given([taskAssigned()])
        .when(at(reportProgress(LEAD), '2024-05-20T08:00:00+07:00'))
        .then([progressReported(LEAD)]);
    });

    it(`refuses progress back-dated before ${OCCURRED_AT_FLOOR}`, () => {
      spec
        .given([taskAssigned()])
        .when(at(reportProgress(LEAD), '1900-01-01T00:00:00Z'))
        .thenThrows('validation', 'invalid');
    });

    it('refuses progress dated after now (beyond a few minutes of clock skew)', () => {
      const tomorrow = new Date(Date.parse(NOW) + 24 * 3_600_000).toISOString();
      spec
        .given([taskAssigned()])
        .when(at(reportProgress(LEAD), tomorrow))
        .thenThrows('validation', 'invalid');
    });

    it('refuses an occurredAt that is not an instant', () => {
      spec
        .given([taskAssigned()])
        .when(at(reportProgress(LEAD), 'yesterday'))
        .thenThrows('validation', 'invalid');
    });
  });

  describe('SubmitCompletion', () => {
    it(`refuses a completion back-dated before ${OCCURRED_AT_FLOOR}`, () => {
      spec
        .given([taskAssigned()])
        .when(at(submitCompletion(LEAD), '1999-12-31T16:59:59Z'))
        .thenThrows('validation', 'invalid');
    });
  });
});
