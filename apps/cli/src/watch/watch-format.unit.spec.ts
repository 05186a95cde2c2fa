import type { CoordCloudEvent } from '#libs/fanout';
import { formatEventJson, formatEventLine } from './watch-format.js';

const envelope = (type: string, data: unknown): CoordCloudEvent =>
  ({
    specversion: '1.0',
    id: `e1:lc-so-y-te`,
    time: '2025-06-03T02:00:01.000Z',
    subject: 'task-7d1c',
    data,
    coordagency: 'lc-so-y-te',
    coordposition: '1234',
    coordeventtype: type,
    coordactoragency: 'lc-ubnd-tinh',
  }) as CoordCloudEvent;

describe('printing watched events', () => {
  it('shows an assignment on one line with its position, title and due date', () => {
    expect(
      formatEventLine(envelope('TaskAssigned', { title: 'Rà soát trẻ em', dueDate: '2025-11-30' })),
    ).toBe(
      '2025-06-03T02:00:01.000Z  #1234  TaskAssigned         task-7d1c  by lc-ubnd-tinh  "Rà soát trẻ em", due 2025-11-30',
    );
  });

  it('shows who hands a task to whom, and why', () => {
    expect(
      formatEventLine(
        envelope('HandoffRequested', { fromAgency: 'lc-so-gddt', toAgency: 'lc-so-y-te', reason: 'Y tế' }),
      ),
    ).toContain('HandoffRequested     task-7d1c  by lc-ubnd-tinh  lc-so-gddt -> lc-so-y-te, reason: Y tế');
  });

  it('prints the envelope as one line of JSON with --json', () => {
    const line = formatEventJson(envelope('TaskAcknowledged', { agencyCode: 'lc-so-y-te' }));
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({ coordposition: '1234', data: { agencyCode: 'lc-so-y-te' } });
  });
});
