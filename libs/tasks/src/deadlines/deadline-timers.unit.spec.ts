import { daysLate, deadlineInstant, deadlineTimers } from './deadline-timers.js';
import { WorkingCalendar } from '#libs/calendar';

const task = { taskId: 't1', planId: 'p1', dueDate: '2025-11-30' };

describe('deadline timers', () => {
  it('lapse at the end of the due date in Asia/Ho_Chi_Minh', () => {
    expect(deadlineInstant('2025-11-30')).toBe('2025-11-30T17:00:00.000Z');
    expect(deadlineInstant('2025-12-31')).toBe('2025-12-31T17:00:00.000Z');
  });

  it('remind 7 and 1 days before, lapse, escalate after 7 days to the lead and 14 to the committee', () => {
    expect(deadlineTimers(task).map((t) => [t.timerId, t.fireAt, t.escalateTo])).toEqual([
      ['t1/2025-11-30/reminder-7', '2025-11-23T17:00:00.000Z', null],
      ['t1/2025-11-30/reminder-1', '2025-11-29T17:00:00.000Z', null],
      ['t1/2025-11-30/lapse', '2025-11-30T17:00:00.000Z', null],
      ['t1/2025-11-30/escalation-1', '2025-12-07T17:00:00.000Z', 'lead'],
      ['t1/2025-11-30/escalation-2', '2025-12-14T17:00:00.000Z', 'issuer'],
    ]);
  });

  it('leave out the moments that had passed when the task was assigned or extended', () => {
    expect(deadlineTimers(task, undefined, '2025-11-25T00:00:00Z').map((t) => t.kind)).toEqual([
      'reminder',
      'lapse',
      'escalation',
      'escalation',
    ]);
    expect(deadlineTimers(task, undefined, '2026-01-01T00:00:00Z')).toEqual([]);
  });

  it('count days late from the deadline', () => {
    expect(daysLate('2025-11-30', '2025-11-30T16:59:59Z')).toBe(0);
    expect(daysLate('2025-11-30', '2025-11-30T17:00:01Z')).toBe(1);
    expect(daysLate('2025-11-30', '2025-12-20T17:00:00Z')).toBe(20);
  });
});

describe('escalation counted in working days', () => {
  const task = { taskId: 't-1', planId: 'p-1', dueDate: '2025-01-24' };
  const policy = {
    reminderDaysBefore: [],
    escalations: [{ daysOverdue: 3, to: 'lead' as const, counting: 'working-days' as const }],
  };

  it('skips the weekend, Tết and the day in lieu: due Friday 24 January 2025, 3 working days late on 5 February', () => {
    const escalation = deadlineTimers(task, policy).find((t) => t.kind === 'escalation');
    // Working days after the 24th: Mon 27, then (Tết 28/1–1/2 and 3/2 in lieu) Tue 4, Wed 5.
    expect(escalation?.fireAt).toBe(deadlineInstant('2025-02-05'));
    expect(escalation?.days).toBe(3);
  });

  it('follows a calendar amended at run time', () => {
    const amended = new WorkingCalendar([{ action: 'add', date: '2025-02-04', name: 'Nghỉ thêm' }]);
    const escalation = deadlineTimers(task, policy, null, amended).find((t) => t.kind === 'escalation');
    expect(escalation?.fireAt).toBe(deadlineInstant('2025-02-06'));
  });

  it('calendar days by default', () => {
    const escalation = deadlineTimers(task, {
      reminderDaysBefore: [],
      escalations: [{ daysOverdue: 3, to: 'lead' }],
    }).find((t) => t.kind === 'escalation');
    expect(escalation?.fireAt).toBe(deadlineInstant('2025-01-27'));
  });
});
