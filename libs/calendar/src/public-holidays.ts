import { hungKingsDay, lunarNewYear } from './vietnamese-lunar.js';

/**
 * Vietnam's public holidays (Labour Code 2019, art. 112): 1 January; Tết, 5 days; Hùng Kings'
 * day (10/3 lunar); 30 April; 1 May; National Day 2 September and a day before or after it. A
 * holiday on a weekend gives the next working day off (nghỉ bù). The exact Tết days and the day
 * beside 2 September are set by the government each year: the table takes the customary choice,
 * and an issuer amends a year at run time (HolidayAmendment) when the government decides otherwise.
 */

export interface PublicHoliday {
  /** 'YYYY-MM-DD'. */
  readonly date: string;
  /** Vietnamese, NFC ('Tết Nguyên Đán'). */
  readonly name: string;
}

/** The years the shipped table covers; other years are computed the same way on request. */
export const SHIPPED_HOLIDAY_YEARS = { from: 2024, to: 2030 } as const;

const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 Sunday .. 6 Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export const isWeekend = (date: string): boolean => weekday(date) === 0 || weekday(date) === 6;

/** The day off beside 2 September: the Monday before a Tuesday, the Friday before a Saturday, else the day after. */
function dayBesideNationalDay(year: number): string {
  const national = `${year}-09-02`;
  return weekday(national) === 2 || weekday(national) === 6 ? addDays(national, -1) : addDays(national, 1);
}

/** The statutory holidays of a year, before any day off in lieu and any amendment. */
export function statutoryHolidays(year: number): PublicHoliday[] {
  const tet = lunarNewYear(year);
  return [
    { date: `${year}-01-01`, name: 'Tết Dương lịch' },
    // Customary: the last day of the lunar year and the first four days of the new one.
    ...[-1, 0, 1, 2, 3].map((offset) => ({ date: addDays(tet, offset), name: 'Tết Nguyên Đán' })),
    { date: hungKingsDay(year), name: 'Giỗ Tổ Hùng Vương' },
    { date: `${year}-04-30`, name: 'Ngày Chiến thắng' },
    { date: `${year}-05-01`, name: 'Ngày Quốc tế Lao động' },
    { date: `${year}-09-02`, name: 'Quốc khánh' },
    { date: dayBesideNationalDay(year), name: 'Quốc khánh' },
  ];
}

/** A holiday added to or removed from a year at run time (the event's data). */
export interface HolidayAmendment {
  readonly action: 'add' | 'remove';
  readonly date: string;
  readonly name: string | null;
}

/**
 * The days off of a year: the statutory holidays with the amendments applied in order, then a
 * working day off in lieu of each holiday falling on a weekend (the next day neither weekend nor holiday).
 */
export function publicHolidays(year: number, amendments: readonly HolidayAmendment[] = []): PublicHoliday[] {
  const days = new Map<string, string>();
  for (const h of statutoryHolidays(year)) if (!days.has(h.date)) days.set(h.date, h.name);
  for (const a of amendments) {
    if (a.date.slice(0, 4) !== String(year)) continue;
    if (a.action === 'add') days.set(a.date, a.name ?? 'Ngày nghỉ');
    else days.delete(a.date);
  }
  const inLieu: PublicHoliday[] = [];
  for (const [date, name] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isWeekend(date)) continue;
    let next = addDays(date, 1);
    while (isWeekend(next) || days.has(next) || inLieu.some((h) => h.date === next)) next = addDays(next, 1);
    inLieu.push({ date: next, name: `Nghỉ bù ${name}` });
  }
  return [...[...days].map(([date, name]) => ({ date, name })), ...inLieu].sort((a, b) =>
    a.date.localeCompare(b.date),
  );
}

/** The shipped table: the days off of 2024–2030 as computed, no amendment. */
export const SHIPPED_HOLIDAYS: Readonly<Record<number, readonly PublicHoliday[]>> = Object.fromEntries(
  Array.from({ length: SHIPPED_HOLIDAY_YEARS.to - SHIPPED_HOLIDAY_YEARS.from + 1 }, (_, i) => {
    const year = SHIPPED_HOLIDAY_YEARS.from + i;
    return [year, publicHolidays(year)];
  }),
);
