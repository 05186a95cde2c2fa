import type { TaskCommand } from '#libs/tasks';
import {
  acceptCompletion,
  acceptHandoff,
  acknowledge,
  assignTask,
  grantExtension,
  HEALTH,
  ISSUER,
  LEAD,
  newStream,
  officerOf,
  PLAN_ID,
  REQUESTED,
  requestExtension,
  requestHandoff,
  submitCompletion,
  SUPPORT,
  TASK_ID,
} from '../../../tasks/src/testing/task.fixtures.js';
import { changesOf, foldRows } from '../../test/support/task-changes.js';
import { evolveTaskRows } from './tasks.evolve.js';

const START = '2024-06-03T02:00:00.000Z';
const hour = (n: number) => new Date(Date.parse(START) + n * 3_600_000).toISOString();

function rowsAfter(...commands: TaskCommand[]) {
  const stream = newStream();
  for (const command of commands) stream.handle(command);
  return foldRows(evolveTaskRows, changesOf(stream.events, { start: START }));
}

describe('the tasks table', () => {
  it('holds one row per task with what the assignment said', () => {
    expect(rowsAfter(assignTask())).toEqual([
      {
        taskId: TASK_ID,
        planId: PLAN_ID,
        title: 'Tuyên truyền về bảo vệ trẻ em',
        duty: 'Chủ trì, phối hợp tổ chức tuyên truyền, phổ biến pháp luật về trẻ em.',
        sourceClause: { section: 'V.1', start: 1200, end: 1480 },
        kind: 'duty',
        reportYear: null,
        dueDate: '2024-11-30',
        status: 'open',
        issuerAgencyCode: ISSUER,
        responsibleAgency: LEAD,
        assignees: [
          { agencyCode: LEAD, role: 'lead', status: 'assigned' },
          { agencyCode: SUPPORT, role: 'support', status: 'assigned' },
          { agencyCode: REQUESTED, role: 'requested', status: 'assigned' },
        ],
        handoffs: [],
        extensions: [],
        assignedAt: hour(0),
        updatedAt: hour(0),
        streamVersion: 1,
      },
    ]);
  });

  it('keeps when it was assigned and moves its last update, version and due date', () => {
    const [row] = rowsAfter(
      assignTask(),
      acknowledge(LEAD),
      requestExtension('e1', LEAD, '2024-12-31'),
      grantExtension('e1'),
    );
    expect(row).toMatchObject({
      assignedAt: hour(0),
      updatedAt: hour(3),
      streamVersion: 4,
      dueDate: '2024-12-31',
    });
    expect(row?.extensions).toEqual([
      expect.objectContaining({ extensionId: 'e1', requestedDueDate: '2024-12-31', status: 'granted' }),
    ]);
  });

  it('shows the new holder after a handoff and the handoff in its history', () => {
    const [row] = rowsAfter(
      assignTask(),
      requestHandoff('h1', SUPPORT, HEALTH),
      acceptHandoff('h1', officerOf(HEALTH)),
    );
    expect(row?.assignees[1]).toEqual({ agencyCode: HEALTH, role: 'support', status: 'acknowledged' });
    expect(row?.handoffs).toEqual([expect.objectContaining({ handoffId: 'h1', status: 'accepted' })]);
  });

  it('is completed when the lead completion is accepted', () => {
    const [row] = rowsAfter(assignTask(), submitCompletion(LEAD), acceptCompletion(LEAD));
    expect(row?.status).toBe('completed');
    expect(row?.responsibleAgency).toBe(LEAD);
  });
});
