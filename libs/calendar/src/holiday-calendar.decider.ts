import { DecisionError, inputChecks, type Actor, type DecisionErrorKind } from '#libs/shared-kernel';
import { publicHolidays, type HolidayAmendment } from './public-holidays.js';

/**
 * The national holiday calendar as a stream: the shipped table is the default, and an issuer
 * records each change the government decides (a day added, e.g. a swapped Tết day, or removed).
 * One stream for the country: holidays are national.
 */

export const HOLIDAY_CALENDAR_STREAM = 'holiday-calendar';

export const calendarErrorKinds = {
  /** The actor is not an issuer. */
  'calendar.forbidden': 'forbidden',
  /** Malformed input; `details.field` says which. */
  validation: 'invalid',
} as const satisfies Record<string, DecisionErrorKind>;

export class CalendarDecisionError extends DecisionError<keyof typeof calendarErrorKinds> {
  override readonly name = 'CalendarDecisionError';

  constructor(
    code: keyof typeof calendarErrorKinds,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(calendarErrorKinds, code, message, details);
  }
}

export interface HolidayAmendedData extends HolidayAmendment {
  readonly reason: string;
  readonly byAgency: string;
}

export type AmendHolidays = {
  readonly type: 'AmendHolidays';
  readonly data: {
    readonly action: unknown;
    readonly date: unknown;
    readonly name?: unknown;
    readonly reason: unknown;
  };
  readonly metadata: { readonly actor: Actor; readonly now: string };
};

export type HolidayAmended = { readonly type: 'HolidayAmended'; readonly data: HolidayAmendedData };
export type CalendarEvent = HolidayAmended;
export const calendarEventTypes = ['HolidayAmended'] as const;

export interface CalendarState {
  readonly amendments: readonly HolidayAmendedData[];
}

export const initialCalendarState = (): CalendarState => ({ amendments: [] });

export function evolveCalendar(state: CalendarState, event: CalendarEvent): CalendarState {
  return event.type === 'HolidayAmended' ? { amendments: [...state.amendments, event.data] } : state;
}

function invalid(field: string, message: string): never {
  throw new CalendarDecisionError('validation', `${field}: ${message}`, { field });
}

const { requiredText, optionalText, requiredOneOf, dateInWindow } = inputChecks(invalid);

/** Adds or removes one day off; [] when the calendar already says so. */
export function decideCalendar(command: AmendHolidays, state: CalendarState): CalendarEvent[] {
  const { data, metadata } = command;
  if (!metadata.actor.roles.includes('issuer')) {
    throw new CalendarDecisionError('calendar.forbidden', 'Only an issuer may amend the holiday calendar');
  }
  const action = requiredOneOf(data.action, ['add', 'remove'] as const, 'action');
  const date = dateInWindow(data.date, 'date');
  const name = optionalText(data.name, 'name');
  const reason = requiredText(data.reason, 'reason');
  const year = Number(date.slice(0, 4));
  const isHoliday = publicHolidays(year, state.amendments).some((h) => h.date === date);
  if ((action === 'add') === isHoliday) return [];
  return [
    {
      type: 'HolidayAmended',
      data: {
        action,
        date,
        name: action === 'add' ? (name ?? 'Ngày nghỉ') : name,
        reason,
        byAgency: metadata.actor.agencyCode,
      },
    },
  ];
}
