/**
 * The structured extract of a plan document (Kế hoạch). It is a draft for an issuer to review:
 * nothing here is recorded until a person confirms it.
 *
 * Every span is a pair of character offsets [start, end) into `PlanExtract.text`, the NFC form of the
 * input, so a reviewer can highlight the clause a value came from.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A date as written; parts left blank in a draft ("ngày   tháng   năm 2024") stay null. */
export interface PartialDate {
  readonly year: number | null;
  readonly month: number | null;
  readonly day: number | null;
}

export type IssuerLevel = 'province' | 'city' | 'district' | 'town' | 'commune' | 'ward';

export interface PlanIssuer {
  /** As written, completed with the place when the text only says "Ủy ban nhân dân tỉnh". */
  readonly name: string;
  readonly level: IssuerLevel | null;
  /** 'header': the letterhead above "Số:"; 'body': a sentence such as "UBND tỉnh ban hành Kế hoạch". */
  readonly derivedFrom: 'header' | 'body';
  readonly span: Span;
}

export type CitedDocumentKind =
  | 'Chỉ thị'
  | 'Nghị quyết'
  | 'Nghị định'
  | 'Quyết định'
  | 'Kế hoạch'
  | 'Chương trình hành động'
  | 'Chương trình'
  | 'Công văn'
  | 'Văn bản'
  | 'Thông báo'
  | 'Thông tư'
  | 'Hướng dẫn'
  | 'Kết luận'
  | 'Luật';

/** A document the plan gives as its basis ("Căn cứ", "Thực hiện", "Trên cơ sở"). */
export interface CitedDocument {
  readonly kind: CitedDocumentKind;
  /** "28-CT/TW", "121/2020/QH14"; null for a law cited by name only ("Luật Trẻ em"). */
  readonly number: string | null;
  /** The law's name when the citation is a law ("Luật Trẻ em"); null otherwise. */
  readonly name: string | null;
  /** ISO date "2023-12-25" when the text gives a full date. */
  readonly date: string | null;
  /** The issuing body when stated ("Bộ Chính trị", "UBND tỉnh Lạng Sơn"). */
  readonly issuedBy: string | null;
  /** The most complete mention of this document in the preamble. */
  readonly span: Span;
}

export interface PlanMetadata {
  /** "1601" from "Số: 1601/KH-UBND"; null when the number is left blank ("Số: /KH-UBND"). */
  readonly number: string | null;
  /** "KH-UBND". */
  readonly documentTypeCode: string | null;
  readonly numberSpan: Span | null;
  readonly issuer: PlanIssuer | null;
  /** "Lai Châu" (a "TP." or "Thành phố" prefix is removed). */
  readonly place: string | null;
  readonly date: PartialDate | null;
  readonly dateSpan: Span | null;
  /** The line(s) after "KẾ HOẠCH". */
  readonly title: string | null;
  readonly titleSpan: Span | null;
  readonly basis: readonly CitedDocument[];
}

/** "dưới 15%" is a ceiling, "trên 99,1%" a floor; null when the plan just says "đạt 98%". */
export type TargetComparator = 'below' | 'above' | 'at-least' | 'at-most';

export interface IndicatorTarget {
  readonly year: number;
  /** 84.3 for "84,3%". */
  readonly value: number;
  readonly unit: '%';
  readonly comparator: TargetComparator | null;
  /** The clause stating the target, cleaned ("84,3% xã, phường, thị trấn phù hợp với trẻ em"). */
  readonly indicator: string;
  /** Item label as written, e.g. "(1)", or null. */
  readonly item: string | null;
  readonly span: Span;
}

export interface Objective {
  /** The heading the paragraph sits under ("Mục tiêu chung", "Mục đích"). */
  readonly heading: string;
  readonly text: string;
  readonly span: Span;
}

export type PlanPeriodSource =
  'title-range' | 'title-year' | 'plan-year-to-last-target' | 'plan-year' | 'last-target-year' | 'none';

export interface PlanPeriod {
  readonly fromYear: number | null;
  readonly toYear: number | null;
  readonly derivedFrom: PlanPeriodSource;
  /** One sentence a reviewer can read, e.g. "plan year 2024 to last target year 2030". */
  readonly explanation: string;
}

export interface PartyName {
  /** As written in the heading, e.g. "Ủy ban Mặt trận Tổ quốc". */
  readonly name: string;
  /** Stands for several agencies at once ("UBND các huyện, thành phố"); the issuer must expand it. */
  readonly isGroup: boolean;
  readonly span: Span;
}

export type PartyRole = 'lead' | 'support' | 'requested';

export interface Duty {
  /** Cleaned: markdown markers and bullets removed, lines broken mid-sentence joined. */
  readonly text: string;
  /** The duty text says the party leads ("chủ trì") this piece of work. */
  readonly leads: boolean;
  readonly span: Span;
  /** A one-off deadline written in the duty ("hoàn thành trước ngày 30/9/2025"); absent if none. */
  readonly deadline?: DutyDeadline;
  /** Bodies the duty names to work with ("phối hợp với Công an tỉnh, Sở Y tế"); absent if none. */
  readonly namedSupport?: readonly PartyName[];
}

export interface DutyDeadline {
  /** ISO date, as written in the duty. */
  readonly date: string;
  /** The clause that says it ("trước ngày 30/9/2025"). */
  readonly span: Span;
}

/** One numbered entry of the implementation section ("TỔ CHỨC THỰC HIỆN"). */
export interface ResponsibleParty {
  readonly ordinal: number;
  /** "V.1": section numeral and ordinal. */
  readonly sectionRef: string;
  /** The heading after the ordinal, as written (markdown markers removed). */
  readonly heading: string;
  readonly headingSpan: Span;
  readonly names: readonly PartyName[];
  /** At least one of the names stands for several agencies. */
  readonly isGroup: boolean;
  /**
   * 'lead': leads ("chủ trì") and consolidates the plan's report; 'requested': the plan asks
   * ("Đề nghị") rather than orders; 'support': everyone else.
   */
  readonly role: PartyRole;
  /** Consolidates the periodic report (it "tổng hợp" the results, or reports are sent through it). */
  readonly consolidatesReport: boolean;
  readonly duties: readonly Duty[];
  readonly span: Span;
}

export type ReportingFrequency = 'yearly' | 'half-yearly' | 'quarterly' | 'monthly';

export interface NamedMention {
  readonly name: string;
  readonly span: Span;
}

export interface ReportingDuty {
  readonly frequency: ReportingFrequency | null;
  /** "trước ngày 01/12" gives { day: 1, month: 12 }: the report is due before that day. */
  readonly before: { readonly day: number; readonly month: number };
  /** "UBND tỉnh". */
  readonly recipient: NamedMention | null;
  /** "Sở Lao động - Thương binh và Xã hội" from "(qua Sở Lao động - Thương binh và Xã hội)". */
  readonly through: NamedMention | null;
  /** Ordinal of the implementation party the report goes through, when it can be matched. */
  readonly throughPartyOrdinal: number | null;
  /** The whole sentence, cleaned. */
  readonly text: string;
  readonly span: Span;
}

export interface PlanSection {
  /** Roman numeral as written: "V". */
  readonly numeral: string;
  readonly title: string;
  readonly span: Span;
}

export type PlanWarningCode =
  | 'no-plan-structure'
  | 'no-plan-number'
  | 'blank-plan-number'
  | 'no-date'
  | 'incomplete-date'
  | 'invalid-date'
  | 'no-issuer'
  | 'no-title'
  | 'no-basis'
  | 'no-targets'
  | 'target-without-year'
  | 'no-implementation-section'
  | 'no-parties'
  | 'party-numbering-gap'
  | 'party-without-duties'
  | 'no-lead-party'
  | 'several-lead-parties'
  | 'no-reporting-duty'
  | 'reporting-frequency-unknown'
  | 'reporting-recipient-unknown'
  | 'several-reporting-deadlines'
  | 'closing-year-mismatch'
  | 'document-kind'
  | 'duty-deadline-invalid';

export type DocumentOrigin = 'plan' | 'secondary-source' | 'not-a-plan';

export interface PlanWarning {
  readonly code: PlanWarningCode;
  readonly message: string;
  readonly span?: Span;
}

export interface PlanExtract {
  /** The input in NFC; every span points into this string. */
  readonly text: string;
  /** The plan itself, a document about a plan (news, a letter), or neither. */
  readonly origin: DocumentOrigin;
  /** Why the document was taken for what `origin` says. */
  readonly originReasons: readonly string[];
  readonly metadata: PlanMetadata;
  readonly sections: readonly PlanSection[];
  readonly objectives: readonly Objective[];
  readonly targets: readonly IndicatorTarget[];
  readonly period: PlanPeriod;
  /** Roman numeral of the implementation section, e.g. "V"; null when none was found. */
  readonly implementationSection: string | null;
  readonly parties: readonly ResponsibleParty[];
  readonly reporting: ReportingDuty | null;
  readonly warnings: readonly PlanWarning[];
}
