import { foldForSearch, toNfc } from '#libs/shared-kernel';

/** What a plan's label is made of: its document's facts and its committee's short name. */
export interface PlanLabelSource {
  readonly title: string;
  readonly number: string | null;
  readonly issuedOn: string | null;
  readonly period: { readonly fromYear: number };
}

/** At most this many words of the title go into a label. */
const TITLE_WORDS = 6;

// Openings that say the plan carries something out, not what it is about ("Thực hiện", "Triển
// khai thực hiện", "Về việc"): dropped so the label starts with what the plan implements.
const OPENING = /^(?:(?:về việc|triển khai|thực hiện|tổ chức|kế hoạch)[\s,]+)+/iu;
// Where a title's name of its subject ends: the date or author of the act it implements, or a
// comma before the next act ("Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị, ...").
const SUBJECT_END = /\s(?:ngày|của|về|năm|giai đoạn|trên địa bàn)\s|[,;:]/iu;

/**
 * The words of a plan's title that name it: "Thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ
 * Chính trị ..." -> "Chỉ thị 28-CT/TW". Pure and deterministic: the same title, the same words.
 */
export function planTitleWords(title: string): string {
  const text = toNfc(title).replace(/\s+/g, ' ').trim();
  const subject = text.replace(OPENING, '');
  const end = subject.search(SUBJECT_END);
  const head = (end > 0 ? subject.slice(0, end) : subject).replace(/\s+số\s+/giu, ' ').trim();
  const words = (head || text).split(' ').filter((word) => word.length > 0);
  return words.slice(0, TITLE_WORDS).join(' ');
}

/**
 * A plan's label for people: its committee, its number when the signed copy gave one (else the
 * words of its title that name it), and its year (issued, else the first of its period):
 * "UBND tỉnh Lai Châu · Chỉ thị 28-CT/TW · 2024", "UBND tỉnh Lai Châu · 1601/KH-UBND · 2024".
 * Pure: the same plan and committee name give the same label.
 */
export function planLabel(plan: PlanLabelSource, issuerName: string): string {
  const year = plan.issuedOn ? plan.issuedOn.slice(0, 4) : String(plan.period.fromYear);
  const name = plan.number ? toNfc(plan.number).trim() : planTitleWords(plan.title);
  return [toNfc(issuerName).trim(), name, year].join(' · ');
}

/** Whether `query` occurs in any of `texts`, ignoring case and diacritics (NFC or NFD alike). */
export function matchesSearch(query: string, texts: readonly (string | null)[]): boolean {
  const needle = foldForSearch(toNfc(query));
  if (needle.length === 0) return true;
  return texts.some((text) => text !== null && foldForSearch(toNfc(text)).includes(needle));
}
