import {
  DEFAULT_DEADLINE_POLICY,
  daysLate,
  deadlineInstant,
  deadlineTimers,
  retimedForCalendar,
  validDeadlinePolicy,
} from './deadline-timers.js';
import { deadlineEventFor } from './deadline.events.js';
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

describe('a plan of its own deadline policy', () => {
  const refuse = (field: string, message: string): never => {
    throw new Error(`${field}: ${message}`);
  };

  it('defaults what it leaves out, and keeps what it gives', () => {
    expect(validDeadlinePolicy({}, refuse)).toEqual(DEFAULT_DEADLINE_POLICY);
    const policy = validDeadlinePolicy(
      {
        reminderDaysBefore: [10, 3],
        escalations: [
          { daysOverdue: 5, to: 'lead', counting: 'working-days' },
          { daysOverdue: 20, to: 'issuer', counting: 'days' },
        ],
      },
      refuse,
    );
    expect(policy).toEqual({
      reminderDaysBefore: [10, 3],
      escalations: [
        { daysOverdue: 5, to: 'lead', counting: 'working-days' },
        { daysOverdue: 20, to: 'issuer' },
      ],
    });
    // Its timers: reminders 10 and 3 days before; escalations after 5 working days, then 20 days.
    expect(deadlineTimers(task, policy).map((t) => [t.kind, t.fireAt, t.counting])).toEqual([
      ['reminder', '2025-11-20T17:00:00.000Z', null],
      ['reminder', '2025-11-27T17:00:00.000Z', null],
      ['lapse', '2025-11-30T17:00:00.000Z', null],
      ['escalation', deadlineInstant('2025-12-05'), 'working-days'],
      ['escalation', '2025-12-20T17:00:00.000Z', null],
    ]);
  });

  it.each([
    [{ reminderDaysBefore: [7, 7] }, 'reminderDaysBefore.1: 7 is listed twice'],
    [{ reminderDaysBefore: [0] }, 'reminderDaysBefore.0: must be a whole number of days from 1 to 366'],
    [{ reminderDaysBefore: 7 }, 'reminderDaysBefore: must be a list of days'],
    [
      {
        escalations: [
          { daysOverdue: 14, to: 'lead' },
          { daysOverdue: 7, to: 'issuer' },
        ],
      },
      'escalations.1.daysOverdue: must be later than the step before',
    ],
    [{ escalations: [{ daysOverdue: 7, to: 'director' }] }, "escalations.0.to: must be 'lead' or 'issuer'"],
    [
      { escalations: [{ daysOverdue: 7, to: 'lead', counting: 'hours' }] },
      "escalations.0.counting: must be 'days' or 'working-days'",
    ],
  ])('refuses %j', (given, message) => {
    expect(() => validDeadlinePolicy(given, refuse)).toThrow(message);
  });
});

describe('a holiday amendment moves the timers counted in working days', () => {
  const policy = {
    reminderDaysBefore: [1],
    escalations: [{ daysOverdue: 3, to: 'lead' as const, counting: 'working-days' as const }],
  };
  const due = { taskId: 't-1', planId: 'p-1', dueDate: '2025-01-24' };

  it('moves a working-day escalation past a day off added, and leaves calendar-day moments alone', () => {
    const [reminder, lapse, escalation] = deadlineTimers(due, policy);
    const amended = new WorkingCalendar([{ action: 'add', date: '2025-02-04', name: 'Nghỉ thêm' }]);
    expect(retimedForCalendar(escalation!, amended)).toBe(deadlineInstant('2025-02-06'));
    expect(retimedForCalendar(reminder!, amended)).toBeNull();
    expect(retimedForCalendar(lapse!, amended)).toBeNull();
    // An amendment that does not touch its days leaves it where it was.
    const elsewhere = new WorkingCalendar([{ action: 'add', date: '2025-03-03', name: 'Nghỉ thêm' }]);
    expect(retimedForCalendar(escalation!, elsewhere)).toBeNull();
    // A day off removed brings it earlier: with 31 January a working day, the third is 4 February.
    const removed = new WorkingCalendar([{ action: 'remove', date: '2025-01-31', name: null }]);
    expect(retimedForCalendar(escalation!, removed)).toBe(deadlineInstant('2025-02-04'));
  });
});

describe("a party's yearly report that lapses", () => {
  const report = { taskId: 'r-1', planId: 'p-1', dueDate: '2025-11-15' };
  const snapshot = {
    title: 'Báo cáo kết quả thực hiện Kế hoạch năm 2025',
    issuerAgencyCode: 'UBND-LC',
    responsibleAgency: 'SYT-LC',
    leadAgency: 'SYT-LC',
    openAgencies: ['SYT-LC'],
    sourceClause: { section: 'VI', start: 0, end: 10 },
    reportsTo: 'SLDTBXH-LC',
  };
  const [, lapse, first, second] = deadlineTimers(report, {
    reminderDaysBefore: [1],
    escalations: [
      { daysOverdue: 7, to: 'lead' },
      { daysOverdue: 14, to: 'issuer' },
    ],
  });

  it('tells the focal agency, and is escalated to it first, then to the committee', () => {
    expect(deadlineEventFor(lapse!, snapshot).data.notify).toEqual(['SYT-LC', 'SLDTBXH-LC', 'UBND-LC']);
    expect(deadlineEventFor(first!, snapshot).data).toMatchObject({
      escalatedTo: 'focal-agency',
      escalatedToAgency: 'SLDTBXH-LC',
    });
    expect(deadlineEventFor(second!, snapshot).data).toMatchObject({
      escalatedTo: 'issuer',
      escalatedToAgency: 'UBND-LC',
    });
    // Any other task escalates to its lead.
    const { reportsTo: _none, ...duty } = snapshot;
    expect(deadlineEventFor(first!, duty).data).toMatchObject({
      escalatedTo: 'lead',
      escalatedToAgency: 'SYT-LC',
    });
  });
});
