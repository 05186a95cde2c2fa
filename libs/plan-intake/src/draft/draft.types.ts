import type {
  CitedDocument,
  IndicatorTarget,
  IssuerLevel,
  PartialDate,
  PartyRole,
  PlanPeriod,
  PlanWarningCode,
  ReportingFrequency,
  Span,
} from '../types.js';

/**
 * A reviewable draft of a plan: what issuing it would record (the plan, then one task per party
 * and one report task per agency and year), with everything the reviewer must look at. Pure data,
 * JSON-safe, NFC. Nothing in it is recorded until an issuer confirms it.
 */
export interface PlanDraft {
  /** Derived from the content hash: the same document always gives the same plan id. */
  readonly planId: string;
  /**
   * 'plan': the plan itself. 'secondary-source': a news report or an official letter about a plan;
   * the draft holds what it says of the plan (its number, date, issuer, period, the activities and
   * agencies it names), never the document's own number as a citation.
   */
  readonly origin: DraftOrigin;
  /** "sha256:<hex>" of the canonical text (see canonicalPlanText). */
  readonly contentHash: string;
  readonly source: DraftSource;
  /** The jurisdiction the plan binds ('lai-chau', 'lang-son-city'); null when it could not be told. */
  readonly jurisdiction: string | null;
  readonly plan: DraftPlan;
  readonly indicators: readonly IndicatorTarget[];
  readonly tasks: readonly DraftTask[];
  readonly warnings: readonly DraftWarning[];
  readonly summary: DraftSummary;
  /**
   * Every task whose due date, lead or party was inferred rather than read, or that cannot be
   * assigned as drafted, with why: what the reviewer must look at before confirming.
   */
  readonly needsReview: readonly ReviewItem[];
  /** The text every span points into (NFC, canonical form). */
  readonly sourceText: string;
}

export type DraftOrigin = 'plan' | 'secondary-source';

export type ReviewReason =
  | DraftTaskIssue
  /** The plan's last day, not a date written for this duty. */
  | 'due-date-inferred'
  /** A group leads: its first agency was made the lead. */
  | 'lead-inferred'
  /** The duty names bodies to work with that could not be made assignees of the task. */
  | 'support-named-in-duty'
  /** The duty names a body the directory does not know. */
  | 'unknown-support';

export interface ReviewItem {
  readonly taskId: string;
  readonly title: string;
  readonly reasons: readonly ReviewReason[];
}

/** A body a duty names to work with ("phối hợp với Công an tỉnh"). */
export interface NamedSupport {
  readonly name: string;
  /** The directory's agency (or group) for it; null when unknown or ambiguous. */
  readonly agencyCode: string | null;
  readonly agencyName: string | null;
  readonly span: Span;
}

export interface DraftSource {
  readonly fileName: string | null;
  readonly mediaType: string | null;
}

export interface DraftIssuer {
  /** As written ("Ủy ban nhân dân tỉnh Lai Châu"). */
  readonly name: string;
  readonly level: IssuerLevel | null;
  /** The directory's code for it, or null when it could not be resolved to one agency. */
  readonly agencyCode: string | null;
  readonly agencyName: string | null;
  readonly span: Span;
}

export interface DraftReporting {
  readonly frequency: ReportingFrequency | null;
  /** "trước ngày 01/12" gives { day: 1, month: 12 }. */
  readonly before: { readonly day: number; readonly month: number };
  /** As written ("UBND tỉnh"), and the agency it resolves to. */
  readonly recipient: string | null;
  readonly recipientAgencyCode: string | null;
  /** The body reports go through ("qua Sở ..."), and the agency that consolidates them. */
  readonly through: string | null;
  readonly consolidatingAgencyCode: string | null;
  /**
   * Days the consolidating agency has between the parties' reports and its own consolidated one,
   * due by the plan's date: the parties' reports fall due this many days earlier (default 15).
   */
  readonly consolidationLeadDays: number;
  readonly text: string;
  readonly span: Span;
}

export interface DraftPlan {
  /** "1601" from "Số: 1601/KH-UBND"; null when left blank. */
  readonly number: string | null;
  /** "KH-UBND". */
  readonly documentTypeCode: string | null;
  /** "KH": the document type abbreviation recorded with the plan. */
  readonly documentType: string | null;
  readonly numberSpan: Span | null;
  readonly issuer: DraftIssuer | null;
  readonly place: string | null;
  /** Date parts as written; blank parts are null. */
  readonly date: PartialDate | null;
  /** "2024-06-12" when the date is complete, else null. */
  readonly issuedOn: string | null;
  readonly dateSpan: Span | null;
  readonly title: string | null;
  readonly titleSpan: Span | null;
  readonly period: PlanPeriod;
  readonly basis: readonly CitedDocument[];
  /** Roman numeral of "TỔ CHỨC THỰC HIỆN", e.g. "V". */
  readonly implementationSection: string | null;
  readonly reporting: DraftReporting | null;
}

export interface DraftAssignee {
  readonly agencyCode: string;
  readonly role: PartyRole;
  readonly agencyName: string;
  /**
   * For an agency a duty names to work with ("phối hợp với Công an tỉnh"): the clause of that duty,
   * its source. Absent for the party's own agencies (the task's source clause).
   */
  readonly namedInDuty?: Span;
}

export interface DraftCandidate {
  readonly code: string;
  readonly name: string;
  /** 0..1, higher is closer. */
  readonly score: number;
  /** A group of agencies rather than one agency. */
  readonly isGroup: boolean;
}

/** A name of a party the directory could not turn into agencies. */
export interface UnresolvedName {
  readonly name: string;
  readonly reason: 'ambiguous' | 'not-found';
  readonly span: Span;
  readonly candidates: readonly DraftCandidate[];
}

/** What keeps a task from being assigned as drafted; a correction or exclusion is needed. */
export type DraftTaskIssue = 'unresolved-agency' | 'no-assignees' | 'no-due-date' | 'no-duty';

export interface DraftSourceClause {
  /** "V.1" for a party, the section numeral ("VI") or "closing" for the reporting duty. */
  readonly section: string;
  readonly start: number;
  readonly end: number;
}

export interface DraftTask {
  /** Derived from the plan id and the party (or agency and year): stable across imports. */
  readonly taskId: string;
  readonly kind: 'duty' | 'report';
  readonly title: string;
  /**
   * What is to be done. A duty task's is made from its duties' texts each time it is read (a getter,
   * enumerable, so JSON and spreads see a string): read it once where it is used many times.
   */
  readonly duty: string;
  readonly sourceClause: DraftSourceClause;
  /** 'YYYY-MM-DD' (Asia/Ho_Chi_Minh); null when the plan period is unknown. */
  readonly dueDate: string | null;
  /**
   * 'read': written in the text (a deadline in the duty, the reporting day); 'inferred': the last
   * day of the plan period, for a duty that names no date of its own; null without a due date.
   */
  readonly dueDateSource: 'read' | 'inferred' | null;
  /** Where a read due date is written. */
  readonly dueDateSpan: Span | null;
  /** Bodies the duties name to work with; the known ones are support assignees (`namedInDuty`). */
  readonly namedSupport: readonly NamedSupport[];
  readonly assignees: readonly DraftAssignee[];
  /** The year a report task reports on; null for duties. */
  readonly reportYear: number | null;
  /** The party ordinal a duty comes from; null for report tasks. */
  readonly partyOrdinal: number | null;
  /** A report task of the agency that consolidates everyone's reports. */
  readonly consolidated: boolean;
  /** A party's report task: the agency it reports to, which consolidates it; else null. */
  readonly reportsTo: string | null;
  readonly unresolved: readonly UnresolvedName[];
  readonly issues: readonly DraftTaskIssue[];
}

export type DraftWarningCode =
  | PlanWarningCode
  | 'unknown-agency'
  | 'ambiguous-agency'
  | 'no-issuer-agency'
  | 'no-jurisdiction'
  | 'unknown-jurisdiction'
  | 'no-period'
  | 'several-leads-in-party'
  | 'no-consolidating-agency'
  | 'reporting-frequency-unsupported'
  | 'secondary-source'
  | 'unknown-support-agency';

export interface DraftWarning {
  readonly code: DraftWarningCode;
  readonly message: string;
  readonly span?: Span;
  /** The party ("V.13") the warning is about, if any. */
  readonly sectionRef?: string;
  /** The name the warning is about, for unknown agencies. */
  readonly name?: string;
  readonly candidates?: readonly DraftCandidate[];
}

export interface DraftSummary {
  readonly dutyTasks: number;
  readonly reportTasks: number;
  /** Distinct agencies assigned anything. */
  readonly agencies: number;
  /** Tasks that need a correction (or to be excluded) before the draft can be confirmed. */
  readonly tasksNeedingReview: number;
}

export interface BuildPlanDraftOptions {
  /** "sha256:<hex>" of the canonical text; planContentHash(text) computes it. */
  readonly contentHash: string;
  /** Overrides the jurisdiction inferred from the issuer and the place. */
  readonly jurisdiction?: string | undefined;
  readonly fileName?: string | null | undefined;
  readonly mediaType?: string | null | undefined;
}
