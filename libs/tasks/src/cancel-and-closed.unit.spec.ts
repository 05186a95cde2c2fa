import type { TaskCommand, TaskCommandType } from './task.commands.js';
import { decide } from './task.decide.js';
import type { TaskEvent } from './task.events.js';
import {
  HEALTH,
  LEAD,
  REQUESTED,
  SUPPORT,
  acceptCompletion,
  acceptHandoff,
  acknowledge,
  assignTask,
  cancelTask,
  completionAccepted,
  completionSubmitted,
  declineHandoff,
  denyExtension,
  extensionRequested,
  focalPointIssuer,
  otherIssuer,
  grantExtension,
  handoffRequested,
  officerOf,
  reassign,
  reportProgress,
  requestExtension,
  requestHandoff,
  returnCompletion,
  spec,
  submitCompletion,
  taskAssigned,
  taskCancelled,
  taskCompleted,
  withdrawHandoff,
} from './testing/task.fixtures.js';
import { foldTask, pendingExtension, pendingHandoffs } from './task.state.js';

describe('CancelTask', () => {
  describe('when the issuer cancels an open task', () => {
    it('records the cancellation with its reason', () => {
      const state = spec
        .given([taskAssigned()])
        .when(cancelTask('Trùng nhiệm vụ'))
        .then([taskCancelled('Trùng nhiệm vụ')]);
      expect(state.status).toBe('cancelled');
    });

    it('lapses pending handoffs and extension requests', () => {
      const state = spec
        .given([
          taskAssigned(),
          handoffRequested('h1', LEAD, HEALTH),
          extensionRequested('e1', SUPPORT, '2024-12-15'),
        ])
        .when(cancelTask())
        .then([taskCancelled()]);
      expect(pendingHandoffs(state)).toEqual([]);
      expect(pendingExtension(state)).toBeNull();
      expect(state.status !== 'none' && state.handoffs[0]?.status).toBe('lapsed');
      expect(state.status !== 'none' && state.extensions[0]?.status).toBe('lapsed');
    });

    it('refuses a focal-point issuer whose own agency holds the task', () => {
      spec
        .given([taskAssigned()])
        .when(cancelTask('x', focalPointIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the actor is an issuer of another committee', () => {
    it('refuses it as forbidden, before telling whether the task is still open', () => {
      spec
        .given([taskAssigned()])
        .when(cancelTask('x', otherIssuer))
        .thenThrows('task.forbidden', 'forbidden');
      spec
        .given([taskAssigned(), taskCancelled()])
        .when(cancelTask('x', otherIssuer))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the actor is not an issuer', () => {
    it('refuses the lead officer', () => {
      spec
        .given([taskAssigned()])
        .when(cancelTask('x', officerOf(LEAD)))
        .thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when no reason is given', () => {
    it('refuses it as invalid', () => {
      spec.given([taskAssigned()]).when(cancelTask(' ')).thenThrows('validation');
    });
  });

  describe('when the task does not exist', () => {
    it('refuses it as not found', () => {
      spec.given([]).when(cancelTask()).thenThrows('task.not-found');
    });
  });
});

/**
 * One valid command of every type (other than AssignTask) against a task with a pending handoff
 * from SUPPORT, a pending extension, and a submitted lead completion. Typed by command type so a
 * new command cannot be left out.
 */
const everyCommand: Record<Exclude<TaskCommandType, 'AssignTask'>, TaskCommand> = {
  AcknowledgeTask: acknowledge(REQUESTED),
  ReportProgress: reportProgress(LEAD),
  RequestHandoff: requestHandoff('h2', REQUESTED, 'TC-LC'),
  AcceptHandoff: acceptHandoff('h1', officerOf(HEALTH)),
  DeclineHandoff: declineHandoff('h1', officerOf(HEALTH)),
  WithdrawHandoff: withdrawHandoff('h1', officerOf(SUPPORT)),
  ReassignTask: reassign(SUPPORT, 'STTTT-LC'),
  RequestExtension: requestExtension('e2', LEAD, '2025-01-15'),
  GrantExtension: grantExtension('e1'),
  DenyExtension: denyExtension('e1'),
  SubmitCompletion: submitCompletion(REQUESTED),
  AcceptCompletion: acceptCompletion(LEAD),
  ReturnCompletion: returnCompletion(LEAD),
  CancelTask: cancelTask(),
};
const busy = [
  taskAssigned(),
  handoffRequested('h1', SUPPORT, HEALTH),
  extensionRequested('e1', LEAD, '2024-12-31'),
  completionSubmitted(LEAD),
];
const withoutConflicts: Partial<Record<keyof typeof everyCommand, readonly TaskEvent[]>> = {
  // Refused on the busy task for its own reason (one extension at a time): drop what blocks it.
  RequestExtension: [taskAssigned(), handoffRequested('h1', SUPPORT, HEALTH), completionSubmitted(LEAD)],
};

describe('every command', () => {
  describe.each(Object.entries(everyCommand))('%s', (type, command) => {
    const history = withoutConflicts[type as keyof typeof everyCommand] ?? busy;

    it('is accepted on the open task (so the refusals below are about closing)', () => {
      expect(decide(command, foldTask(history)).length).toBeGreaterThan(0);
    });

    describe('when the task was cancelled', () => {
      it("refuses it as 'task.closed'", () => {
        spec
          .given([...history, taskCancelled()])
          .when(command)
          .thenThrows('task.closed', 'conflict');
      });
    });

    describe('when the task was completed', () => {
      it("refuses it as 'task.closed'", () => {
        spec
          .given([...history, completionAccepted(LEAD), taskCompleted(LEAD)])
          .when(command)
          .thenThrows('task.closed', 'conflict');
      });
    });

    describe('when the task does not exist', () => {
      it("refuses it as 'task.not-found'", () => {
        spec.given([]).when(command).thenThrows('task.not-found', 'not-found');
      });
    });
  });

  describe('AssignTask on a closed task', () => {
    it('changes nothing when it repeats the assignment', () => {
      spec.given([taskAssigned(), taskCancelled()]).when(assignTask()).thenNothing();
    });

    it('refuses a different assignment as already existing', () => {
      spec
        .given([taskAssigned(), taskCancelled()])
        .when(assignTask({ title: 'Khác' }))
        .thenThrows('task.already-exists');
    });
  });
});
