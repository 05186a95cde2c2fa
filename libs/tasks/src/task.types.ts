/**
 * Value types shared by task commands, events and state.
 *
 * Conventions:
 * - Dates ('YYYY-MM-DD') are calendar dates in Asia/Ho_Chi_Minh; the decider treats them as opaque
 *   strings and compares them lexically (which is chronological for this format).
 * - Free text (titles, duties, reasons, reports) is trimmed and stored in Unicode NFC.
 * - In events, an absent optional value is an explicit `null` (JSON has no `undefined`).
 */

/** chủ trì (lead), phối hợp (support), đề nghị (requested: the body is not subordinate). */
export type AssigneeRole = 'lead' | 'support' | 'requested';

export interface Assignee {
  readonly agencyCode: string;
  readonly role: AssigneeRole;
}

/** Where in the plan document the duty comes from: a section label and a character span. */
export interface SourceClause {
  readonly section: string;
  readonly start: number;
  readonly end: number;
}

/** 'duty': a piece of work; 'report': a periodic report owed for `reportYear`. */
export type TaskKind = 'duty' | 'report';

/** An indicator value as a command supplies it. */
export interface IndicatorValue {
  readonly indicator: string;
  readonly value: number;
  readonly unit?: string;
}

/** An indicator value as recorded in an event. */
export interface ReportedIndicatorValue {
  readonly indicator: string;
  readonly value: number;
  readonly unit: string | null;
}

export type ActorRole = 'officer' | 'issuer';

/**
 * Who sends a command. Everyone acts only for their own agency. An issuer is the only one who may
 * assign, reassign, decide on extensions and completions, and cancel, and only on the tasks of the
 * committee they decide for.
 */
export interface Actor {
  readonly personId: string;
  readonly agencyCode: string;
  readonly roles: readonly ActorRole[];
  /** For an issuer: the committee they decide for, when not `agencyCode` (a focal point). */
  readonly issuesFor?: string | undefined;
}

/** The agency whose tasks an issuer decides on: the committee they decide for, or their own. */
export const issuingAgencyOf = (actor: Actor): string => actor.issuesFor ?? actor.agencyCode;

export interface CommandMetadata {
  readonly actor: Actor;
  /** When the command was decided, an ISO instant. Becomes the events' `occurredAt` in the store. */
  readonly now: string;
}
