import { TaskDecisionError, taskErrorKinds } from './task.errors.js';
import { taskEventTypes } from './task.events.js';
import {
  evolve,
  foldTask,
  initialState,
  leadAgency,
  pendingExtension,
  pendingHandoffs,
  responsibleAgency,
  taskStreamId,
} from './task.state.js';
import { isCalendarDate } from './task.validation.js';
import {
  LEAD,
  REQUESTED,
  SUPPORT,
  acknowledged,
  handoffRequested,
  HEALTH,
  taskAssigned,
  taskCompleted,
  taskReassigned,
} from './testing/task.fixtures.js';

describe('the task state', () => {
  it('starts with no task', () => {
    expect(initialState()).toEqual({ status: 'none' });
    expect(responsibleAgency(initialState())).toBeNull();
    expect(leadAgency(initialState())).toBeNull();
    expect(pendingHandoffs(initialState())).toEqual([]);
    expect(pendingExtension(initialState())).toBeNull();
  });

  it('ignores events before the task is assigned', () => {
    expect(evolve(initialState(), acknowledged(LEAD))).toEqual({ status: 'none' });
  });

  it('keeps every agency that holds or held an assignment or took part in a handoff, each once', () => {
    const state = foldTask([
      taskAssigned(),
      handoffRequested('h1', SUPPORT, HEALTH),
      taskReassigned(LEAD, 'CA-LC'),
      taskReassigned('CA-LC', 'STP-LC'),
    ]);
    expect(state.status !== 'none' && state.parties).toEqual([
      LEAD,
      SUPPORT,
      REQUESTED,
      HEALTH,
      'CA-LC',
      'STP-LC',
    ]);
  });

  it('ignores a second TaskAssigned', () => {
    const state = foldTask([taskAssigned()]);
    expect(evolve(state, taskAssigned({ title: 'Khác' }))).toBe(state);
  });

  it('does not change the state it is given', () => {
    const before = foldTask([taskAssigned()]);
    const copy = structuredClone(before);
    foldTask([acknowledged(LEAD), handoffRequested('h1', SUPPORT, HEALTH), taskCompleted()], before);
    expect(before).toEqual(copy);
  });

  describe('responsibleAgency', () => {
    it('is the lead', () => {
      expect(responsibleAgency(foldTask([taskAssigned()]))).toBe(LEAD);
    });

    it('is the sole assignee when there is no lead', () => {
      const state = foldTask([taskAssigned({ assignees: [{ agencyCode: SUPPORT, role: 'support' }] })]);
      expect(responsibleAgency(state)).toBe(SUPPORT);
      expect(leadAgency(state)).toBeNull();
    });

    it('is nobody when several agencies share the task without a lead', () => {
      const state = foldTask([
        taskAssigned({
          assignees: [
            { agencyCode: SUPPORT, role: 'support' },
            { agencyCode: REQUESTED, role: 'requested' },
          ],
        }),
      ]);
      expect(responsibleAgency(state)).toBeNull();
    });
  });

  it("names the stream 'task-' + id", () => {
    expect(taskStreamId('0001')).toBe('task-0001');
  });

  it('lists every event type once', () => {
    expect(new Set(taskEventTypes).size).toBe(taskEventTypes.length);
  });
});

describe('isCalendarDate', () => {
  it.each(['2024-11-30', '2024-02-29', '2000-02-29', '2030-12-31'])('accepts %s', (date) => {
    expect(isCalendarDate(date)).toBe(true);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2024-13-01',
    '2024-00-10',
    '2024-04-31',
    '2024-1-01',
    '30/11/2024',
    '2024-11-30T00:00:00Z',
    '',
  ])('refuses %s', (date) => {
    expect(isCalendarDate(date)).toBe(false);
  });
});

describe('TaskDecisionError', () => {
  it('carries a stable code, the kind it maps to and details', () => {
    const error = new TaskDecisionError('handoff.stale', 'Handoff h1 is declined', { handoffId: 'h1' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'TaskDecisionError',
      code: 'handoff.stale',
      kind: 'conflict',
      details: { handoffId: 'h1' },
    });
  });

  it('maps every code to an HTTP kind', () => {
    expect(taskErrorKinds).toEqual({
      'task.not-found': 'not-found',
      'task.already-exists': 'conflict',
      'task.forbidden': 'forbidden',
      'task.not-assignee': 'forbidden',
      'task.closed': 'conflict',
      'task.invalid-state': 'conflict',
      'task.invalid-target': 'conflict',
      'handoff.not-found': 'not-found',
      'handoff.stale': 'conflict',
      'handoff.pending': 'conflict',
      'handoff.already-exists': 'conflict',
      'handoff.invalid-target': 'conflict',
      'extension.pending': 'conflict',
      'extension.already-exists': 'conflict',
      'extension.not-later': 'invalid',
      'extension.none-pending': 'conflict',
      'extension.not-found': 'not-found',
      'completion.pending': 'conflict',
      'completion.none-submitted': 'conflict',
      validation: 'invalid',
    });
  });
});

describe('a responsibility passed by a reorganisation to a body already on the task', () => {
  it("becomes one assignment in the holder's place, with the stronger role and the holder's progress", () => {
    // LEAD (lead) passes to SUPPORT, which already supports and has acknowledged.
    const state = foldTask([
      taskAssigned(),
      acknowledged(SUPPORT),
      taskReassigned(LEAD, SUPPORT, 'responsibility passed to Sở GD&ĐT by decision N, effective 2025-07-01'),
    ]);
    if (state.status === 'none') throw new Error('no task');
    expect(state.assignees.map((a) => [a.agencyCode, a.role, a.status])).toEqual([
      [SUPPORT, 'lead', 'acknowledged'],
      [REQUESTED, 'requested', 'assigned'],
    ]);
    expect(responsibleAgency(state)).toBe(SUPPORT);
    expect(state.parties).toEqual(expect.arrayContaining([LEAD, SUPPORT]));
  });
});
