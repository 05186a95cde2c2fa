import { foldForSearch } from '#libs/shared-kernel';

/** "84,3" -> 84.3 (Vietnamese writes a decimal comma); "99.1" is read the same way. */
export function parseVietnameseDecimal(text: string): number {
  return Number(text.replace(',', '.'));
}

/** Whether day/month/year name a real calendar day; a null part is not checked. */
export function isPossibleDate(day: number | null, month: number | null, year: number | null): boolean {
  if (month !== null && (month < 1 || month > 12)) return false;
  if (day === null) return true;
  return day >= 1 && day <= daysInMonth(month, year);
}

function daysInMonth(month: number | null, year: number | null): number {
  if (month === null) return 31;
  if (month === 2) return year === null || isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** "2023-12-25"; null when the parts do not make a real day. */
export function toIsoDate(day: number, month: number, year: number): string | null {
  if (!isPossibleDate(day, month, year)) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A key to compare two ways of writing the same body: diacritics and case ignored, en dash read as
 * a hyphen, and the usual abbreviations of the Labour department folded into one ("Sở LĐ-TB&XH",
 * "Sở Lao động – Thương binh và Xã hội" and "sở Lao động - Thương binh và Xã hội" give one key).
 */
export function bodyKey(name: string): string {
  return foldForSearch(name.replace(/[–—]/gu, '-'))
    .replace(/\s*-\s*/g, '-')
    .replace(/lao dong-thuong binh va xa hoi/g, 'ldtbxh')
    .replace(/ld-?tb\s*(?:&|va)?\s*xh/g, 'ldtbxh');
}

/** True when one name is the other with more words after it ("phòng LĐTBXH" / "Phòng LĐTBXH thành phố"). */
export function namesSameBody(a: string, b: string): boolean {
  const keyA = bodyKey(a);
  const keyB = bodyKey(b);
  if (keyA === '' || keyB === '') return false;
  return keyA === keyB || keyA.startsWith(`${keyB} `) || keyB.startsWith(`${keyA} `);
}
