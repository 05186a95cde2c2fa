import {
  DecisionError,
  inputChecks,
  issuingAgencyOf,
  vietnamDateAt,
  type Actor,
  type DecisionErrorKind,
} from '#libs/shared-kernel';

/**
 * Who heads an agency, and since when. Heads of agencies answer personally for cases not handled
 * in time, so an inspector asks "who headed this agency when that deadline lapsed?": each
 * appointment is recorded as an event on the agency's stream, in the order it took effect.
 *
 * Pure: the caller passes the agency's chain of superiors (from the directory) and the time.
 */

/** Who records a head: the Actor every decider shares. */
export type AgencyActor = Actor;

export interface AgencyCommandMetadata {
  readonly actor: AgencyActor;
  /** When the command was decided, an ISO instant. */
  readonly now: string;
}

export type RecordAgencyHead = {
  readonly type: 'RecordAgencyHead';
  readonly data: {
    readonly agencyCode: string;
    /**
     * The agency and its administrative superiors in the directory, nearest first (a Sở, then
     * the provincial People's Committee). Its head is recorded by the issuer of one of them.
     */
    readonly answersTo: readonly string[];
    readonly personName: string;
    /** e.g. 'Giám đốc', 'Chủ tịch', 'Trưởng phòng'. */
    readonly title: string;
    /** The date the appointment took effect, 'YYYY-MM-DD' in Asia/Ho_Chi_Minh. */
    readonly since: string;
    /** The decision it rests on, e.g. 'Quyết định số 1234/QĐ-UBND'. */
    readonly reason: string;
  };
  readonly metadata: AgencyCommandMetadata;
};

export interface AgencyHeadTerm {
  readonly personName: string;
  readonly title: string;
  readonly since: string;
  readonly reason: string;
  /** The agency the recording person acted for. */
  readonly byAgency: string;
}

export type AgencyHeadRecorded = {
  readonly type: 'AgencyHeadRecorded';
  readonly data: AgencyHeadTerm & { readonly agencyCode: string };
};

export type AgencyCommand = RecordAgencyHead;
export type AgencyEvent = AgencyHeadRecorded;
export const agencyEventTypes = ['AgencyHeadRecorded'] as const satisfies readonly AgencyEvent['type'][];

/** The heads an agency has had, oldest first; a term lasts until the next one begins. */
export interface AgencyState {
  readonly heads: readonly AgencyHeadTerm[];
}

export const initialState = (): AgencyState => ({ heads: [] });

export const agencyStreamId = (agencyCode: string): string => `agency-${agencyCode}`;

/** Every refusal, with the kind the HTTP layer maps it to. Codes are public API: only add. */
export const agencyErrorKinds = {
  /** Not an issuer, or not an issuer of the agency or of a committee above it. */
  'agency.forbidden': 'forbidden',
  /** Another head is recorded from the same date, or a later one already took effect. */
  'agency.head-conflict': 'conflict',
  /** Malformed input; `details.field` says which. */
  validation: 'invalid',
} as const satisfies Record<string, DecisionErrorKind>;

export type AgencyErrorCode = keyof typeof agencyErrorKinds;

export class AgencyDecisionError extends DecisionError<AgencyErrorCode> {
  override readonly name = 'AgencyDecisionError';

  constructor(code: AgencyErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(agencyErrorKinds, code, message, details);
  }
}

export function decide(command: AgencyCommand, state: AgencyState): AgencyEvent[] {
  switch (command.type) {
    case 'RecordAgencyHead':
      return recordHead(command, state);
    default: {
      const _exhaustive: never = command.type;
      throw new AgencyDecisionError('validation', `Unknown command ${String(_exhaustive)}`);
    }
  }
}

export function evolve(state: AgencyState, event: AgencyEvent): AgencyState {
  switch (event.type) {
    case 'AgencyHeadRecorded': {
      const { agencyCode: _agency, ...term } = event.data;
      return { heads: [...state.heads, term] };
    }
    default: {
      const _exhaustive: never = event.type;
      return state;
    }
  }
}

/** The head in office on `date` ('YYYY-MM-DD'), or null before the first recorded term. */
export function headOn(state: AgencyState, date: string): AgencyHeadTerm | null {
  let current: AgencyHeadTerm | null = null;
  for (const term of state.heads) if (term.since <= date) current = term;
  return current;
}

function recordHead({ data, metadata }: RecordAgencyHead, state: AgencyState): AgencyEvent[] {
  const { actor } = metadata;
  if (!actor.roles.includes('issuer')) {
    throw new AgencyDecisionError('agency.forbidden', 'Only an issuer may record the head of an agency');
  }
  const committee = issuingAgencyOf(actor);
  if (!data.answersTo.includes(committee)) {
    throw new AgencyDecisionError(
      'agency.forbidden',
      `${actor.personId} may record heads only of ${committee} and the agencies under it`,
      { agencyCode: data.agencyCode },
    );
  }
  const term: AgencyHeadTerm = {
    personName: text(data.personName, 'personName'),
    title: text(data.title, 'title'),
    since: calendarDate(data.since, 'since'),
    reason: text(data.reason, 'reason'),
    byAgency: actor.agencyCode,
  };
  if (term.since > vietnamDateAt(Date.parse(metadata.now))) invalid('since', 'must not be after today');

  const sameDay = state.heads.find((head) => head.since === term.since);
  if (sameDay) {
    if (sameDay.personName === term.personName && sameDay.title === term.title) return [];
    throw new AgencyDecisionError(
      'agency.head-conflict',
      `${sameDay.personName} is already recorded as head from ${term.since}`,
      { since: term.since },
    );
  }
  const latest = state.heads.at(-1);
  if (latest && latest.since > term.since) {
    throw new AgencyDecisionError(
      'agency.head-conflict',
      `A later head (${latest.personName}, from ${latest.since}) is already recorded; terms are recorded in order`,
      { since: latest.since },
    );
  }
  return [{ type: 'AgencyHeadRecorded', data: { agencyCode: data.agencyCode, ...term } }];
}

// --- Input checks --------------------------------------------------------------------------------

function invalid(field: string, message: string): never {
  throw new AgencyDecisionError('validation', `${field}: ${message}`, { field });
}

const { requiredText: text, requiredDate: calendarDate } = inputChecks(invalid);
