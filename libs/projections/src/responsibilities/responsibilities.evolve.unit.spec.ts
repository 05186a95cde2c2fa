import {
  acceptHandoff,
  acknowledge,
  assignTask,
  cancelTask,
  grantExtension,
  HEALTH,
  issuer,
  LEAD,
  newStream,
  officerOf,
  POLICE,
  reassign,
  REQUESTED,
  requestExtension,
  requestHandoff,
  SUPPORT,
  TASK_ID,
  PLAN_ID,
} from '../../../tasks/src/testing/task.fixtures.js';
import { changesOf, foldRows } from '../../test/support/task-changes.js';
import { evolveResponsibilities } from './responsibilities.evolve.js';

const START = '2024-06-03T02:00:00.000Z';
const hour = (n: number) => new Date(Date.parse(START) + n * 3_600_000).toISOString();

function rowsAfter(...commands: Parameters<ReturnType<typeof newStream>['handle']>[0][]) {
  const stream = newStream();
  for (const command of commands) stream.handle(command);
  return foldRows(evolveResponsibilities, changesOf(stream.events, { start: START }));
}

describe('responsibilities', () => {
  describe('when a task is assigned', () => {
    it('gives each assignee a row with its role, the task and the due date', () => {
      const rows = rowsAfter(assignTask());
      expect(rows).toEqual([
        {
          agencyCode: LEAD,
          taskId: TASK_ID,
          planId: PLAN_ID,
          role: 'lead',
          title: 'Tuyên truyền về bảo vệ trẻ em',
          dueDate: '2024-11-30',
          taskStatus: 'open',
          assignmentStatus: 'assigned',
          since: hour(0),
        },
        expect.objectContaining({ agencyCode: SUPPORT, role: 'support', since: hour(0) }),
        expect.objectContaining({ agencyCode: REQUESTED, role: 'requested', since: hour(0) }),
      ]);
    });
  });

  it('follows the assignee status', () => {
    const rows = rowsAfter(assignTask(), acknowledge(LEAD));
    expect(rows.find((r) => r.agencyCode === LEAD)?.assignmentStatus).toBe('acknowledged');
    expect(rows.find((r) => r.agencyCode === SUPPORT)?.assignmentStatus).toBe('assigned');
  });

  describe('when a handoff is accepted', () => {
    it('moves the row to the receiver, in the same role, from the moment it accepted', () => {
      const rows = rowsAfter(
        assignTask(),
        requestHandoff('h1', SUPPORT, HEALTH),
        acceptHandoff('h1', officerOf(HEALTH)),
      );
      expect(rows.map((r) => r.agencyCode)).toEqual([LEAD, HEALTH, REQUESTED]);
      expect(rows[1]).toMatchObject({ role: 'support', assignmentStatus: 'acknowledged', since: hour(2) });
    });

    it('keeps the row while the handoff is only requested', () => {
      const rows = rowsAfter(assignTask(), requestHandoff('h1', SUPPORT, HEALTH));
      expect(rows.map((r) => r.agencyCode)).toEqual([LEAD, SUPPORT, REQUESTED]);
    });
  });

  describe('when the issuer reassigns the lead', () => {
    it('moves the lead role to the new agency, not yet acknowledged', () => {
      const rows = rowsAfter(assignTask(), acknowledge(LEAD), reassign(LEAD, POLICE));
      expect(rows.find((r) => r.agencyCode === LEAD)).toBeUndefined();
      expect(rows.find((r) => r.agencyCode === POLICE)).toMatchObject({
        role: 'lead',
        assignmentStatus: 'assigned',
        since: hour(2),
      });
    });
  });

  it('moves the due date of every row when an extension is granted', () => {
    const rows = rowsAfter(
      assignTask(),
      requestExtension('e1', LEAD, '2024-12-31'),
      grantExtension('e1', 'Đồng ý', issuer),
    );
    expect(new Set(rows.map((r) => r.dueDate))).toEqual(new Set(['2024-12-31']));
  });

  describe('when the task is cancelled', () => {
    it('keeps the rows, marked cancelled', () => {
      const rows = rowsAfter(assignTask(), cancelTask());
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((r) => r.taskStatus))).toEqual(new Set(['cancelled']));
    });
  });
});
