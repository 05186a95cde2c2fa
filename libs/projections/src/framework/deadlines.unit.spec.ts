import {
  deadlineFlags,
  deadlineOf,
  deadlineWindow,
  InvalidProjectionQueryError,
  localDate,
} from './deadlines.js';

describe('deadlines in Asia/Ho_Chi_Minh', () => {
  it('takes the local calendar date, which turns at 17:00 UTC', () => {
    expect(localDate('2025-11-30T16:59:59.999Z')).toBe('2025-11-30');
    expect(localDate('2025-11-30T17:00:00.000Z')).toBe('2025-12-01');
    expect(localDate('2025-12-01T00:00:00+07:00')).toBe('2025-12-01');
  });

  it('makes a task due 2025-11-30 overdue from 2025-12-01T00:00 local time', () => {
    expect(deadlineOf('2025-11-30')).toBe('2025-11-30T17:00:00.000Z');
    expect(deadlineFlags('2025-11-30', deadlineWindow('2025-11-30T16:59:59.999Z')).overdue).toBe(false);
    expect(deadlineFlags('2025-11-30', deadlineWindow('2025-11-30T17:00:00.000Z')).overdue).toBe(true);
  });

  it('crosses month and year ends', () => {
    expect(deadlineOf('2025-12-31')).toBe('2025-12-31T17:00:00.000Z');
    expect(deadlineOf('2024-02-29')).toBe('2024-02-29T17:00:00.000Z');
  });

  describe('due within 7 days', () => {
    it('holds when the deadline comes no later than 7 days after asOf', () => {
      // Deadline of 2025-12-07: 2025-12-07T17:00Z; asOf + 7 days reaches it exactly here.
      const exactly = deadlineWindow('2025-11-30T17:00:00.000Z');
      expect(deadlineFlags('2025-12-07', exactly)).toEqual({ overdue: false, dueWithin7Days: true });
      expect(deadlineFlags('2025-12-08', exactly)).toEqual({ overdue: false, dueWithin7Days: false });
    });

    it('does not hold a millisecond earlier, when the deadline is 7 days and 1 ms away', () => {
      const before = deadlineWindow('2025-11-30T16:59:59.999Z');
      expect(deadlineFlags('2025-12-07', before)).toEqual({ overdue: false, dueWithin7Days: false });
      expect(deadlineFlags('2025-12-06', before)).toEqual({ overdue: false, dueWithin7Days: true });
    });

    it('includes a task due today and excludes an overdue one', () => {
      const window = deadlineWindow('2025-11-30T03:00:00.000Z');
      expect(deadlineFlags('2025-11-30', window)).toEqual({ overdue: false, dueWithin7Days: true });
      expect(deadlineFlags('2025-11-29', window)).toEqual({ overdue: true, dueWithin7Days: false });
    });
  });

  it('refuses an asOf that is not an instant', () => {
    expect(() => deadlineWindow('yesterday')).toThrow(InvalidProjectionQueryError);
  });

  it('accepts a Date', () => {
    expect(deadlineWindow(new Date('2025-11-30T17:00:00.000Z'))).toEqual({
      asOf: '2025-11-30T17:00:00.000Z',
      today: '2025-12-01',
      inSevenDays: '2025-12-08',
    });
  });
});
