import type { TaskCommand } from '#libs/tasks';
import {
  acceptCompletion,
  acknowledge,
  assignTask,
  cancelTask,
  LEAD,
  newStream,
  REQUESTED,
  reportProgress,
  returnCompletion,
  submitCompletion,
  SUPPORT,
  PLAN_ID,
  TASK_ID,
} from '../../../tasks/src/testing/task.fixtures.js';
import { changesOf, foldRows } from '../../test/support/task-changes.js';
import { evolvePlanProgress } from './plan-progress.evolve.js';

function statesAfter(...commands: TaskCommand[]): Record<string, string> {
  const stream = newStream();
  for (const command of commands) stream.handle(command);
  const rows = foldRows(evolvePlanProgress, changesOf(stream.events));
  return Object.fromEntries(rows.map((row) => [row.agencyCode, row.state]));
}

describe('plan progress', () => {
  it('has one row per agency and task with role, due date and task status', () => {
    const stream = newStream();
    stream.handle(assignTask());
    expect(foldRows(evolvePlanProgress, changesOf(stream.events))[0]).toEqual({
      planId: PLAN_ID,
      agencyCode: LEAD,
      taskId: TASK_ID,
      role: 'lead',
      dueDate: '2024-11-30',
      taskStatus: 'open',
      state: 'not-acknowledged',
    });
  });

  it('follows each agency through its own progress', () => {
    expect(
      statesAfter(
        assignTask(),
        acknowledge(LEAD),
        reportProgress(SUPPORT),
        submitCompletion(REQUESTED),
        returnCompletion(REQUESTED),
      ),
    ).toEqual({ [LEAD]: 'acknowledged', [SUPPORT]: 'in-progress', [REQUESTED]: 'completion-returned' });
  });

  it('counts every agency as completed once the task is', () => {
    expect(statesAfter(assignTask(), submitCompletion(LEAD), acceptCompletion(LEAD))).toEqual({
      [LEAD]: 'completed',
      [SUPPORT]: 'completed',
      [REQUESTED]: 'completed',
    });
  });

  it('counts an accepted support completion as completed while the task is open', () => {
    expect(statesAfter(assignTask(), submitCompletion(SUPPORT), acceptCompletion(SUPPORT))[SUPPORT]).toBe(
      'completed',
    );
  });

  it('counts every agency as cancelled once the task is', () => {
    expect(new Set(Object.values(statesAfter(assignTask(), cancelTask())))).toEqual(new Set(['cancelled']));
  });
});
