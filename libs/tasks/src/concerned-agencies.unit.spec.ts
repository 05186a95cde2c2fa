import { concernedAgencies } from './concerned-agencies.js';
import type { TaskEvent } from './task.events.js';
import { foldTask, initialState } from './task.state.js';
import {
  HEALTH,
  ISSUER,
  JUSTICE,
  LEAD,
  POLICE,
  REQUESTED,
  SUPPORT,
  acknowledged,
  completionAccepted,
  completionReturned,
  completionSubmitted,
  extensionDenied,
  extensionGranted,
  extensionRequested,
  handoffAccepted,
  handoffDeclined,
  handoffRequested,
  handoffSuperseded,
  handoffWithdrawn,
  progressReported,
  taskAssigned,
  taskCancelled,
  taskCompleted,
  taskReassigned,
} from './testing/task.fixtures.js';

const assigned = taskAssigned();
const concerned = (history: readonly TaskEvent[], event: TaskEvent) =>
  concernedAgencies(foldTask(history), event);

describe('concernedAgencies', () => {
  it('names every assignee, then the issuer, for an assignment', () => {
    expect(concernedAgencies(initialState(), assigned)).toEqual([LEAD, SUPPORT, REQUESTED, ISSUER]);
  });

  it('does not repeat the issuer when it also holds an assignment', () => {
    const selfAssigned = taskAssigned({
      assignees: [
        { agencyCode: ISSUER, role: 'lead' },
        { agencyCode: SUPPORT, role: 'support' },
      ],
    });
    expect(concernedAgencies(initialState(), selfAssigned)).toEqual([ISSUER, SUPPORT]);
  });

  it.each([
    ['an acknowledgement', acknowledged(SUPPORT)],
    ['a progress report', progressReported(SUPPORT)],
    ['an extension request', extensionRequested('e1', SUPPORT, '2024-12-15')],
    ['a submitted completion', completionSubmitted(SUPPORT)],
  ])('names the assignee, the lead and the issuer for %s', (_, event) => {
    expect(concerned([assigned], event)).toEqual([SUPPORT, LEAD, ISSUER]);
  });

  it('names the lead once when the event is about the lead', () => {
    expect(concerned([assigned], acknowledged(LEAD))).toEqual([LEAD, ISSUER]);
  });

  it('names the requester, the lead and the issuer for a denied extension', () => {
    const history = [assigned, extensionRequested('e1', SUPPORT, '2024-12-15')];
    expect(concerned(history, extensionDenied('e1', SUPPORT, '2024-12-15'))).toEqual([SUPPORT, LEAD, ISSUER]);
  });

  it('names every assignee for a granted extension, since the due date moves for all', () => {
    const history = [assigned, extensionRequested('e1', SUPPORT, '2024-12-15')];
    expect(concerned(history, extensionGranted('e1', SUPPORT, '2024-12-15'))).toEqual([
      SUPPORT,
      LEAD,
      REQUESTED,
      ISSUER,
    ]);
  });

  it.each([
    ['accepted', completionAccepted(REQUESTED)],
    ['returned', completionReturned(REQUESTED)],
  ])('names the assignee, the lead and the issuer for a completion %s', (_, event) => {
    expect(concerned([assigned, completionSubmitted(REQUESTED)], event)).toEqual([REQUESTED, LEAD, ISSUER]);
  });

  describe('for handoffs', () => {
    const requested = [assigned, handoffRequested('h1', SUPPORT, HEALTH)];

    it('names the sender, the receiver, the lead and the issuer for a request', () => {
      expect(concerned([assigned], handoffRequested('h1', SUPPORT, HEALTH))).toEqual([
        SUPPORT,
        HEALTH,
        LEAD,
        ISSUER,
      ]);
    });

    it.each([
      ['accepted', handoffAccepted('h1', SUPPORT, HEALTH)],
      ['declined', handoffDeclined('h1', SUPPORT, HEALTH)],
      ['withdrawn', handoffWithdrawn('h1', SUPPORT, HEALTH)],
      ['superseded', handoffSuperseded('h1', SUPPORT, HEALTH)],
    ])('names the same agencies when it is %s', (_, event) => {
      expect(concerned(requested, event)).toEqual([SUPPORT, HEALTH, LEAD, ISSUER]);
    });

    it('names the outgoing lead (the responsible agency before the event) when the lead hands off', () => {
      const leadRequested = [assigned, handoffRequested('h1', LEAD, HEALTH)];
      expect(concerned(leadRequested, handoffAccepted('h1', LEAD, HEALTH))).toEqual([LEAD, HEALTH, ISSUER]);
    });
  });

  it('names both the previous and the new holder for a reassignment', () => {
    expect(concerned([assigned], taskReassigned(SUPPORT, POLICE))).toEqual([SUPPORT, POLICE, LEAD, ISSUER]);
  });

  it.each([
    ['cancelled', taskCancelled()],
    ['completed', taskCompleted(LEAD)],
  ])('names every assignee and the receivers of lapsing handoffs when the task is %s', (_, event) => {
    const history = [assigned, handoffRequested('h1', SUPPORT, JUSTICE)];
    expect(concerned(history, event)).toEqual([LEAD, SUPPORT, REQUESTED, JUSTICE, ISSUER]);
  });

  it('names only the agencies in the event when the task is unknown', () => {
    expect(concernedAgencies(initialState(), handoffRequested('h1', SUPPORT, HEALTH))).toEqual([
      SUPPORT,
      HEALTH,
    ]);
  });
});
