import type { TaskCommand } from '#libs/tasks';
import {
  acceptHandoff,
  acknowledge,
  assignTask,
  cancelTask,
  HEALTH,
  ISSUER,
  LEAD,
  newStream,
  officerOf,
  POLICE,
  reassign,
  REQUESTED,
  reportProgress,
  requestHandoff,
  SUPPORT,
  TASK_ID,
  PLAN_ID,
} from '../../../tasks/src/testing/task.fixtures.js';
import { changesOf } from '../../test/support/task-changes.js';
import { trailEntry } from './task-trail.evolve.js';

const START = '2024-06-03T02:00:00.000Z';

function trailOf(...commands: TaskCommand[]) {
  const stream = newStream();
  for (const command of commands) stream.handle(command);
  return changesOf(stream.events, { start: START, actor: { personId: 'p-x', agencyCode: 'X' } }).map(
    trailEntry,
  );
}

describe('the task trail', () => {
  it('records the assignment with who acted, when, every agency concerned and the responsible agency', () => {
    const [entry] = trailOf(assignTask());
    expect(entry).toEqual({
      globalPosition: '1',
      eventId: '00000000-0000-4000-8000-000000000001',
      taskId: TASK_ID,
      planId: PLAN_ID,
      streamVersion: 1,
      type: 'TaskAssigned',
      actorPersonId: 'p-x',
      actorAgencyCode: 'X',
      agencyCode: null,
      toAgencyCode: null,
      concernedAgencies: [LEAD, SUPPORT, REQUESTED, ISSUER],
      occurredAt: START,
      recordedAt: '2024-06-03T02:00:01.000Z',
      reason: null,
      summary: `Assigned to ${LEAD} (lead), ${SUPPORT} (support), ${REQUESTED} (requested), due 2024-11-30`,
      responsibleAgency: LEAD,
      data: expect.objectContaining({ taskId: TASK_ID, dueDate: '2024-11-30' }),
    });
  });

  it('names the agency an acknowledgement or a progress report is about', () => {
    const [, ack, progress] = trailOf(
      assignTask(),
      acknowledge(SUPPORT),
      reportProgress(SUPPORT, 'Đã tổ chức 3 buổi'),
    );
    expect(ack).toMatchObject({
      type: 'TaskAcknowledged',
      agencyCode: SUPPORT,
      summary: `${SUPPORT} acknowledged the task`,
    });
    expect(progress).toMatchObject({
      agencyCode: SUPPORT,
      summary: `${SUPPORT} reported progress: Đã tổ chức 3 buổi`,
      concernedAgencies: [SUPPORT, LEAD, ISSUER],
    });
  });

  it('records a handoff with sender, receiver and reason', () => {
    const [, requested, accepted] = trailOf(
      assignTask(),
      requestHandoff('h1', SUPPORT, HEALTH, 'Thuộc chức năng ngành y tế'),
      acceptHandoff('h1', officerOf(HEALTH)),
    );
    expect(requested).toMatchObject({
      type: 'HandoffRequested',
      agencyCode: SUPPORT,
      toAgencyCode: HEALTH,
      reason: 'Thuộc chức năng ngành y tế',
      responsibleAgency: LEAD,
    });
    expect(accepted).toMatchObject({
      type: 'HandoffAccepted',
      reason: 'Đồng ý tiếp nhận',
      summary: `${HEALTH} took over the support role from ${SUPPORT}`,
    });
  });

  it('shows the responsible agency after the event: a reassigned lead is the new one', () => {
    const [, reassigned] = trailOf(assignTask(), reassign(LEAD, POLICE, 'Điều chỉnh phân công'));
    expect(reassigned).toMatchObject({
      type: 'TaskReassigned',
      agencyCode: LEAD,
      toAgencyCode: POLICE,
      reason: 'Điều chỉnh phân công',
      responsibleAgency: POLICE,
      concernedAgencies: [LEAD, POLICE, ISSUER],
    });
  });

  it('records a cancellation with its reason', () => {
    const [, cancelled] = trailOf(assignTask(), cancelTask('Trùng nhiệm vụ khác'));
    expect(cancelled).toMatchObject({
      type: 'TaskCancelled',
      agencyCode: null,
      reason: 'Trùng nhiệm vụ khác',
      summary: `${ISSUER} cancelled the task`,
      concernedAgencies: [LEAD, SUPPORT, REQUESTED, ISSUER],
    });
  });
});
