import type { PlanIndicator } from '#libs/shared-kernel';
import type { Actor } from '#libs/shared-kernel';

/**
 * Value types shared by task commands, events and state.
 *
 * Conventions:
 * - Dates ('YYYY-MM-DD') are calendar dates in Asia/Ho_Chi_Minh; the decider treats them as opaque
 *   strings and compares them lexically (which is chronological for this format).
 * - Free text (titles, duties, reasons, reports) is trimmed and stored in Unicode NFC.
 * - In events, an absent optional value is an explicit `null` (JSON has no `undefined`).
 */

/**
 * chủ trì (lead), phối hợp (support), đề nghị (requested: the body is not subordinate). The one
 * list: the decider validates against it and the HTTP DTOs declare it as their enum.
 */
export const assigneeRoles = ['lead', 'support', 'requested'] as const;
export type AssigneeRole = (typeof assigneeRoles)[number];

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
export const taskKinds = ['duty', 'report'] as const;
export type TaskKind = (typeof taskKinds)[number];

/** An indicator value as a command supplies it. */
export interface IndicatorValue {
  readonly indicator: string;
  readonly value: number;
  readonly unit?: string;
}

/** What a progress report's values are checked against: one of the plan's indicators. */
export type PlanIndicatorRef = Pick<PlanIndicator, 'indicatorId' | 'unit'>;

/** An indicator value as recorded in an event. */
export interface ReportedIndicatorValue {
  readonly indicator: string;
  readonly value: number;
  readonly unit: string | null;
}

// Who sends a command (Actor, its roles and the committee an issuer decides for) is shared by
// every decider.
export { issuingAgencyOf, type Actor, type ActorRole } from '#libs/shared-kernel';

export interface CommandMetadata {
  readonly actor: Actor;
  /** When the command was decided, an ISO instant. Becomes the events' `occurredAt` in the store. */
  readonly now: string;
  /**
   * When it happened in the world, if the caller says earlier than `now` (an assignment entered
   * after the fact, progress and completion reports): becomes the events' `occurredAt` instead;
   * checked against OCCURRED_AT_FLOOR and now, and a report against when the task was assigned.
   */
  readonly occurredAt?: string | undefined;
}
