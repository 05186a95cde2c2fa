import {
  acceptCompletion,
  acceptHandoff,
  acknowledge,
  assignTask,
  cancelTask,
  declineHandoff,
  withdrawHandoff,
  denyExtension,
  HEALTH,
  LEAD,
  newStream,
  officerOf,
  REQUESTED,
  reportProgress,
  requestExtension,
  requestHandoff,
  returnCompletion,
  submitCompletion,
  SUPPORT,
  TASK_ID,
  PLAN_ID,
} from '../../../tasks/src/testing/task.fixtures.js';
import type { TaskCommand } from '#libs/tasks';
import { changesOf, foldRows } from '../../test/support/task-changes.js';
import { OUTSTANDING_STATES } from './outstanding-states.js';
import { evolveOutstandingTasks } from './outstanding-tasks.evolve.js';

function rowsAfter(...commands: TaskCommand[]) {
  const stream = newStream();
  for (const command of commands) stream.handle(command);
  return foldRows(evolveOutstandingTasks, changesOf(stream.events));
}

function statesAfter(...commands: TaskCommand[]): Record<string, string> {
  return Object.fromEntries(rowsAfter(...commands).map((row) => [row.agencyCode, row.state]));
}

describe('outstanding tasks', () => {
  it('lists a new task for every assignee, not acknowledged, with its due date and role', () => {
    expect(rowsAfter(assignTask())).toEqual([
      {
        agencyCode: LEAD,
        taskId: TASK_ID,
        planId: PLAN_ID,
        title: 'Tuyên truyền về bảo vệ trẻ em',
        role: 'lead',
        dueDate: '2024-11-30',
        state: 'not-acknowledged',
        stateRank: OUTSTANDING_STATES.indexOf('not-acknowledged'),
      },
      expect.objectContaining({ agencyCode: SUPPORT, role: 'support', state: 'not-acknowledged' }),
      expect.objectContaining({ agencyCode: REQUESTED, role: 'requested', state: 'not-acknowledged' }),
    ]);
  });

  it('counts an acknowledged task as in progress, and one with progress reported', () => {
    expect(statesAfter(assignTask(), acknowledge(LEAD), reportProgress(SUPPORT))).toEqual({
      [LEAD]: 'in-progress',
      [SUPPORT]: 'in-progress',
      [REQUESTED]: 'not-acknowledged',
    });
  });

  describe('while a handoff is pending', () => {
    it('shows it to the sender as handoff-pending', () => {
      expect(statesAfter(assignTask(), requestHandoff('h1', SUPPORT, HEALTH))[SUPPORT]).toBe(
        'handoff-pending',
      );
    });

    it('shows it to the receiver as handoff-offered, with the role offered, until it answers', () => {
      const rows = rowsAfter(assignTask(), requestHandoff('h1', SUPPORT, HEALTH));
      expect(rows.find((row) => row.agencyCode === HEALTH)).toMatchObject({
        role: 'support',
        state: 'handoff-offered',
        dueDate: '2024-11-30',
      });
      expect(
        statesAfter(
          assignTask(),
          requestHandoff('h1', SUPPORT, HEALTH),
          declineHandoff('h1', officerOf(HEALTH)),
        ),
      ).not.toHaveProperty(HEALTH);
      expect(
        statesAfter(
          assignTask(),
          requestHandoff('h1', SUPPORT, HEALTH),
          withdrawHandoff('h1', officerOf(SUPPORT)),
        ),
      ).not.toHaveProperty(HEALTH);
      expect(rowsAfter(assignTask(), requestHandoff('h1', SUPPORT, HEALTH), cancelTask())).toEqual([]);
    });

    it('gives the task to the receiver once accepted, in progress, and takes it from the sender', () => {
      const states = statesAfter(
        assignTask(),
        requestHandoff('h1', SUPPORT, HEALTH),
        acceptHandoff('h1', officerOf(HEALTH)),
      );
      expect(states[SUPPORT]).toBeUndefined();
      expect(states[HEALTH]).toBe('in-progress');
    });
  });

  describe('extensions', () => {
    it('shows a pending request to the agency that asked', () => {
      expect(statesAfter(assignTask(), requestExtension('e1', LEAD, '2024-12-31'))[LEAD]).toBe(
        'extension-pending',
      );
    });

    it('returns to the agency status once the request is decided', () => {
      const states = statesAfter(
        assignTask(),
        requestExtension('e1', LEAD, '2024-12-31'),
        denyExtension('e1'),
      );
      expect(states[LEAD]).toBe('not-acknowledged');
    });
  });

  describe('completion', () => {
    it('shows a submitted completion, then a returned one', () => {
      expect(statesAfter(assignTask(), submitCompletion(SUPPORT))[SUPPORT]).toBe('completion-submitted');
      expect(statesAfter(assignTask(), submitCompletion(SUPPORT), returnCompletion(SUPPORT))[SUPPORT]).toBe(
        'completion-returned',
      );
    });

    it('drops an assignee whose completion was accepted while the task stays open', () => {
      const states = statesAfter(assignTask(), submitCompletion(SUPPORT), acceptCompletion(SUPPORT));
      expect(Object.keys(states)).toEqual([LEAD, REQUESTED]);
    });

    it('drops every row when the task is completed', () => {
      expect(rowsAfter(assignTask(), submitCompletion(LEAD), acceptCompletion(LEAD))).toEqual([]);
    });
  });

  it('drops every row when the task is cancelled', () => {
    expect(rowsAfter(assignTask(), acknowledge(LEAD), cancelTask())).toEqual([]);
  });
});
