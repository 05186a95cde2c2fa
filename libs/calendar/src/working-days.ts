import { addDays, isWeekend, publicHolidays, type HolidayAmendment } from './public-holidays.js';

/**
 * Working days in Vietnam: Monday to Friday, less the public holidays and days in lieu of the year,
 * with the amendments an issuer recorded. Dates are 'YYYY-MM-DD' (Asia/Ho_Chi_Minh).
 */
export class WorkingCalendar {
  private readonly years = new Map<number, ReadonlySet<string>>();

  constructor(private readonly amendments: readonly HolidayAmendment[] = []) {}

  isHoliday(date: string): boolean {
    const year = Number(date.slice(0, 4));
    let days = this.years.get(year);
    if (!days) {
      days = new Set(publicHolidays(year, this.amendments).map((h) => h.date));
      this.years.set(year, days);
    }
    return days.has(date);
  }

  isWorkingDay(date: string): boolean {
    return !isWeekend(date) && !this.isHoliday(date);
  }

  /** The date `n` working days after `date` (n >= 1; `date` itself not counted). */
  addWorkingDays(date: string, n: number): string {
    let day = date;
    for (let counted = 0; counted < n;) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) counted += 1;
    }
    return day;
  }

  /** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (this.isWorkingDay(day)) count += 1;
    return count;
  }
}
