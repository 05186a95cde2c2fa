import { DATE_WINDOW, OCCURRED_AT_FLOOR } from '#libs/shared-kernel';
import type { AssignTask, ReportProgress, SubmitCompletion } from './task.commands.js';
import { decide } from './task.decide.js';
import { foldStoredTaskEvents } from './task.state.js';
import {
  LEAD,
  NOW,
  acknowledge,
  acknowledged,
  assignTask,
  completionSubmitted,
  happenedAt,
  timedSpec,
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

describe('occurredAt: nothing is dated before the task was assigned', () => {
  /** The assignment took effect on 1 June 2024, 09:00 in Hà Nội. */
  const ASSIGNED_AT = '2024-06-01T09:00:00+07:00';
  const assigned = () => happenedAt(taskAssigned(), ASSIGNED_AT);

  it('keeps when the assignment took effect in the task state', () => {
    const state = timedSpec
      .given([assigned()])
      .when(acknowledge(LEAD))
      .then([acknowledged(LEAD)]);
    expect(state).toMatchObject({ status: 'open', assignedAt: ASSIGNED_AT });
  });

  it('records progress dated at the very instant of the assignment', () => {
    timedSpec
      .given([assigned()])
      .when(at(reportProgress(LEAD), '2024-06-01T02:00:00Z'))
      .then([progressReported(LEAD)]);
  });

  it('refuses progress dated before the assignment, at /occurredAt', () => {
    timedSpec
      .given([assigned()])
      .when(at(reportProgress(LEAD), '2024-05-20T08:00:00+07:00'))
      .thenThrows('validation', 'invalid');
    const state = timedSpec
      .given([assigned()])
      .when(acknowledge(LEAD))
      .then([acknowledged(LEAD)]);
    expect(() => decide(at(reportProgress(LEAD), '2024-06-01T08:59:59+07:00'), state)).toThrow(
      expect.objectContaining({ details: { field: 'occurredAt' } }),
    );
  });

  it('refuses a completion dated before the assignment', () => {
    timedSpec
      .given([assigned(), acknowledged(LEAD)])
      .when(at(submitCompletion(LEAD), '2024-05-31T23:59:59+07:00'))
      .thenThrows('validation', 'invalid');
  });

  it('records a completion dated after the assignment', () => {
    timedSpec
      .given([assigned(), acknowledged(LEAD)])
      .when(at(submitCompletion(LEAD), '2024-06-02T08:00:00+07:00'))
      .then([completionSubmitted(LEAD)]);
  });

  it('checks nothing more on a task folded without the times of its events', () => {
    spec
      .given([taskAssigned()])
      .when(at(reportProgress(LEAD), '2024-05-20T08:00:00+07:00'))
      .then([progressReported(LEAD)]);
  });

  it('folds stored events with their metadata: the TaskAssigned occurredAt is the assignment time', () => {
    const stored = [{ ...taskAssigned(), metadata: { occurredAt: ASSIGNED_AT } }];
    expect(foldStoredTaskEvents(stored)).toMatchObject({ assignedAt: ASSIGNED_AT });
  });
});

describe('AssignTask back-dated (a task entered after the fact)', () => {
  const backDated = (occurredAt: string, planIssuedOn: string | null = '2024-05-15'): AssignTask => {
    const command = assignTask({ planIssuedOn });
    return { ...command, metadata: { ...command.metadata, occurredAt } };
  };

  it('records an assignment dated on the day its plan was issued, or later', () => {
    spec.given([]).when(backDated('2024-05-15T00:00:00+07:00')).then([taskAssigned()]);
  });

  it('refuses an assignment dated before its plan was issued, at /occurredAt', () => {
    expect(() => decide(backDated('2024-05-14T23:59:59+07:00'), { status: 'none' })).toThrow(
      expect.objectContaining({ code: 'validation', details: { field: 'occurredAt' } }),
    );
  });

  it('refuses an assignment dated in the future or before the floor, whatever the plan', () => {
    const tomorrow = new Date(Date.parse(NOW) + 24 * 3_600_000).toISOString();
    spec.given([]).when(backDated(tomorrow, null)).thenThrows('validation', 'invalid');
    spec.given([]).when(backDated('1999-01-01T00:00:00Z', null)).thenThrows('validation', 'invalid');
  });
});
