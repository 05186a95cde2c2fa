import { language } from './i18n';

const TIME_ZONE = 'Asia/Ho_Chi_Minh';

// Made once: an Intl.DateTimeFormat costs far more to build than to use, and a page may format
// a thousand dates in one render.
const ENGLISH_DATE = new Intl.DateTimeFormat('en-GB', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const VIETNAM_INSTANT = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A calendar date (YYYY-MM-DD): dd/mm/yyyy in Vietnamese, "30 Nov 2025" in English. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '';
  const [year, month, day] = date.split('-');
  if (language() === 'vi') return `${day}/${month}/${year}`;
  return ENGLISH_DATE.format(new Date(`${date}T00:00:00Z`));
}

/** An instant, in Vietnam's time: dd/mm/yyyy HH:mm in Vietnamese. */
export function formatInstant(instant: string): string {
  const parts = VIETNAM_INSTANT.formatToParts(new Date(instant));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  return `${formatDate(date)} ${part('hour')}:${part('minute')}`;
}

/** Text typed by a person, as the API stores it: Unicode NFC. */
export const nfc = (text: string): string => text.normalize('NFC');
