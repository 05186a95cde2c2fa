import {
  SHIPPED_HOLIDAYS,
  WorkingCalendar,
  decideCalendar,
  evolveCalendar,
  hungKingsDay,
  initialCalendarState,
  lunarNewYear,
  publicHolidays,
  type AmendHolidays,
  type CalendarState,
} from './index.js';

describe('the Vietnamese lunar calendar (UTC+7)', () => {
  it.each([
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [2027, '2027-02-06'],
    [2028, '2028-01-26'],
    [2029, '2029-02-13'],
    // The new moon of 2 February 2030 is at 23:07 in Hà Nội, 00:07 on the 3rd in Beijing: Vietnam's
    // Tết is a day before China's (3 February).
    [2030, '2030-02-02'],
    // A year the Vietnamese new year falls a day before the Chinese one (18 February 2007).
    [2007, '2007-02-17'],
  ])('Tết %i falls on %s', (year, date) => {
    expect(lunarNewYear(year)).toBe(date);
  });

  it.each([
    [2024, '2024-04-18'],
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
  ])("Hùng Kings' day %i falls on %s", (year, date) => {
    expect(hungKingsDay(year)).toBe(date);
  });
});

describe('public holidays', () => {
  it('ships a table for 2024 to 2030', () => {
    expect(Object.keys(SHIPPED_HOLIDAYS).map(Number)).toEqual([2024, 2025, 2026, 2027, 2028, 2029, 2030]);
  });

  it('2025: Tết the day before and four after 29 January, Hùng Kings, 30/4, 1/5, 1–2 September', () => {
    expect(publicHolidays(2025).map((h) => h.date)).toEqual([
      '2025-01-01',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-02-01',
      '2025-02-03', // in lieu of Saturday 1 February
      '2025-04-07',
      '2025-04-30',
      '2025-05-01',
      '2025-09-01',
      '2025-09-02',
    ]);
  });

  it('names the days in Vietnamese', () => {
    expect(publicHolidays(2026).find((h) => h.date === '2026-02-17')?.name).toBe('Tết Nguyên Đán');
  });
});

describe('working days', () => {
  const calendar = new WorkingCalendar();

  it('skips weekends and holidays', () => {
    expect(calendar.isWorkingDay('2025-01-27')).toBe(true); // Monday before Tết
    expect(calendar.isWorkingDay('2025-01-29')).toBe(false); // Tết
    expect(calendar.isWorkingDay('2025-02-03')).toBe(false); // in lieu
    expect(calendar.isWorkingDay('2025-02-08')).toBe(false); // Saturday
    // Friday 24 January + 1 working day: Monday 27; + 2: Tuesday 4 February (Tết and the day in lieu skipped).
    expect(calendar.addWorkingDays('2025-01-24', 1)).toBe('2025-01-27');
    expect(calendar.addWorkingDays('2025-01-24', 2)).toBe('2025-02-04');
    expect(calendar.workingDaysBetween('2025-01-24', '2025-02-04')).toBe(2);
    expect(calendar.workingDaysBetween('2025-02-04', '2025-01-24')).toBe(0);
  });

  it('counts 7 working days over 30 April and 1 May 2025', () => {
    // Tue 29/4 + 7: Fri 2, Mon 5, Tue 6, Wed 7, Thu 8, Fri 9, Mon 12 May.
    expect(calendar.addWorkingDays('2025-04-29', 7)).toBe('2025-05-12');
  });

  it('follows the amendments an issuer recorded', () => {
    const amended = new WorkingCalendar([
      { action: 'add', date: '2025-05-02', name: 'Nghỉ hoán đổi' },
      { action: 'remove', date: '2025-09-01', name: null },
    ]);
    expect(amended.isWorkingDay('2025-05-02')).toBe(false);
    expect(amended.isWorkingDay('2025-09-01')).toBe(true);
    expect(amended.addWorkingDays('2025-04-29', 7)).toBe('2025-05-13');
  });
});

describe('amending the holiday calendar', () => {
  const issuer = { personId: 'p1', agencyCode: 'lc-ubnd-tinh', roles: ['issuer'] } as never;
  const officer = { personId: 'p2', agencyCode: 'lc-so-y-te', roles: ['officer'] } as never;
  const amend = (data: AmendHolidays['data'], actor = issuer): AmendHolidays => ({
    type: 'AmendHolidays',
    data,
    metadata: { actor, now: '2025-01-02T00:00:00Z' },
  });

  it('records a day added, and a second identical request changes nothing', () => {
    const events = decideCalendar(
      amend({
        action: 'add',
        date: '2025-05-02',
        name: 'Nghỉ hoán đổi',
        reason: 'Công văn hoán đổi ngày làm việc',
      }),
      initialCalendarState(),
    );
    expect(events).toEqual([
      {
        type: 'HolidayAmended',
        data: {
          action: 'add',
          date: '2025-05-02',
          name: 'Nghỉ hoán đổi',
          reason: 'Công văn hoán đổi ngày làm việc',
          byAgency: 'lc-ubnd-tinh',
        },
      },
    ]);
    const state: CalendarState = events.reduce(evolveCalendar, initialCalendarState());
    expect(decideCalendar(amend({ action: 'add', date: '2025-05-02', reason: 'lần nữa' }), state)).toEqual(
      [],
    );
    expect(new WorkingCalendar(state.amendments).isWorkingDay('2025-05-02')).toBe(false);
  });

  it('removes a holiday; removing a working day changes nothing', () => {
    expect(
      decideCalendar(amend({ action: 'remove', date: '2025-09-01', reason: 'đổi' }), initialCalendarState()),
    ).toHaveLength(1);
    expect(
      decideCalendar(amend({ action: 'remove', date: '2025-09-03', reason: 'đổi' }), initialCalendarState()),
    ).toEqual([]);
  });

  it('only an issuer amends it; bad input names the field', () => {
    expect(() =>
      decideCalendar(
        amend({ action: 'add', date: '2025-05-02', reason: 'x' }, officer),
        initialCalendarState(),
      ),
    ).toThrow(expect.objectContaining({ code: 'calendar.forbidden' }));
    expect(() =>
      decideCalendar(amend({ action: 'add', date: '2025-02-30', reason: 'x' }), initialCalendarState()),
    ).toThrow(expect.objectContaining({ code: 'validation', details: { field: 'date' } }));
    expect(() =>
      decideCalendar(amend({ action: 'move', date: '2025-05-02', reason: 'x' }), initialCalendarState()),
    ).toThrow(expect.objectContaining({ details: { field: 'action' } }));
  });
});
