import { foldForSearch } from '#libs/shared-kernel';
import { contentBlocks, type Outline } from './outline.js';
import type {
  DocumentOrigin,
  PartialDate,
  PlanIssuer,
  PlanMetadata,
  ResponsibleParty,
  Span,
} from './types.js';
import { isPossibleDate } from './vietnamese.js';

export interface DocumentKind {
  readonly origin: DocumentOrigin;
  readonly reasons: readonly string[];
}

/**
 * Whether the text is a plan, a document about a plan (a news report, an official letter asking for
 * or announcing one), or neither. A plan carries itself: a "KẾ HOẠCH" heading, a plan number
 * ("Số: 869/KH-UBND") or an implementation section with parties. A document about a plan has none
 * of these but names one ("ban hành Kế hoạch số 78/KH-UBND", "xây dựng Kế hoạch ...").
 */
export function documentKind(
  outline: Outline,
  metadata: PlanMetadata,
  parties: readonly ResponsibleParty[],
  planHeadingFound: boolean,
): DocumentKind {
  const ownCode = metadata.documentTypeCode ?? '';
  const planReasons = [
    planHeadingFound ? 'a "KẾ HOẠCH" heading' : null,
    /^KH\b/u.test(ownCode) ? `a plan number (${metadata.number ?? ''}/${ownCode})` : null,
    parties.length > 0 ? `${parties.length} numbered parties in an implementation section` : null,
  ].filter((reason): reason is string => reason !== null);
  if (planReasons.length > 0) return { origin: 'plan', reasons: [`it has ${planReasons.join(', ')}`] };

  const missing = [
    'no "KẾ HOẠCH" heading',
    ownCode === ''
      ? 'no plan number ("Số: .../KH-...")'
      : `its own number is not a plan's (${metadata.number ?? ''}/${ownCode})`,
    'no implementation section with numbered parties',
  ];
  const text = contentBlocks(outline)
    .map((block) => block.text)
    .join('\n');
  const mentionsPlan = /(?:^|[^\p{L}])(?:kế hoạch|KẾ HOẠCH)(?:\s+số)?\s+\d+\s*\/\s*KH\b/iu.test(text)
    ? 'it names a plan by its number'
    : /(?:ban hành|xây dựng|triển khai|phê duyệt|ký)\s+(?:\p{L}+\s+){0,3}kế hoạch/iu.test(text)
      ? 'it speaks of a plan being issued or carried out'
      : null;
  if (mentionsPlan) return { origin: 'secondary-source', reasons: [...missing, mentionsPlan] };
  return { origin: 'not-a-plan', reasons: [...missing, 'it names no plan'] };
}

/** What a document about a plan says of it: "ngày 05/5/2022, UBND tỉnh ban hành Kế hoạch số 78/KH-UBND về ...". */
export interface MentionedPlan {
  readonly number: string | null;
  readonly documentTypeCode: string | null;
  readonly numberSpan: Span | null;
  readonly date: PartialDate | null;
  readonly dateSpan: Span | null;
  readonly issuer: PlanIssuer | null;
  readonly title: string | null;
  readonly titleSpan: Span | null;
}

const NUMBERED_PLAN = /(?:Kế hoạch|kế hoạch|KẾ HOẠCH)(?:\s+số)?\s+(\d+)\s*\/\s*(KH(?:[-–][\p{L}\d]+)*)/u;
const UNNUMBERED_PLAN = /(?:ban hành|xây dựng|ký)\s+(?:\p{L}+\s+){0,2}(?:Kế hoạch|kế hoạch)/u;
const NUMERIC_DATE = /ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})/u;
const WORDED_DATE = /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/u;
const COMMITTEE =
  /(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+(tỉnh|thành phố|TP\.?|huyện|quận|thị xã|xã|phường)((?:\s+\p{Lu}\p{L}*)*)/u;
const LEVELS: Readonly<Record<string, PlanIssuer['level']>> = {
  tỉnh: 'province',
  'thành phố': 'city',
  TP: 'city',
  'TP.': 'city',
  huyện: 'district',
  quận: 'district',
  'thị xã': 'town',
  xã: 'commune',
  phường: 'ward',
};

/** The first sentence that names a plan, read for the plan's number, date, issuer and subject. */
export function readMentionedPlan(outline: Outline): MentionedPlan | null {
  for (const block of contentBlocks(outline)) {
    const match = NUMBERED_PLAN.exec(block.text) ?? UNNUMBERED_PLAN.exec(block.text);
    if (!match) continue;
    const sentenceStart = Math.max(0, block.text.lastIndexOf('. ', match.index) + 1);
    const sentenceEndAt = block.text.slice(match.index).search(/[.;](?:\s|$)/u);
    const sentenceEnd = sentenceEndAt === -1 ? block.text.length : match.index + sentenceEndAt;
    const sentence = block.text.slice(sentenceStart, sentenceEnd);
    const offset = sentenceStart;
    const numbered = match[1] !== undefined;

    const dateMatch = NUMERIC_DATE.exec(sentence) ?? WORDED_DATE.exec(sentence);
    const [day, month, year] = dateMatch ? [dateMatch[1], dateMatch[2], dateMatch[3]].map(Number) : [];
    const date =
      day !== undefined && month !== undefined && year !== undefined && isPossibleDate(day, month, year)
        ? { day, month, year }
        : null;

    const committee = COMMITTEE.exec(sentence);
    const issuer: PlanIssuer | null = committee
      ? {
          name: committee[0].trim(),
          level: LEVELS[committee[1] ?? ''] ?? null,
          derivedFrom: 'body',
          span: block.spanOf(offset + committee.index, offset + committee.index + committee[0].trim().length),
        }
      : null;

    const subjectStart = match.index + match[0].length;
    const subject = block.text
      .slice(subjectStart, sentenceEnd)
      .replace(
        /^\s*(?:ngày\s+\S+(?:\s+tháng\s+\d+\s+năm\s+\d{4})?\s*)?(?:của\s+[^,]*?\s+)?(?:về việc|về|nhằm)?\s*/u,
        '',
      )
      .trim();
    const subjectAt = subject === '' ? -1 : block.text.indexOf(subject, subjectStart);
    return {
      number: numbered ? (match[1] ?? null) : null,
      documentTypeCode: numbered ? (match[2] ?? '').replace(/–/gu, '-') : null,
      numberSpan: numbered ? block.spanOf(match.index, match.index + match[0].length) : null,
      date,
      dateSpan: dateMatch
        ? block.spanOf(offset + dateMatch.index, offset + dateMatch.index + dateMatch[0].length)
        : null,
      issuer,
      title: subject === '' ? null : subject,
      titleSpan: subjectAt === -1 ? null : block.spanOf(subjectAt, subjectAt + subject.length),
    };
  }
  return null;
}

/** Whether a block's text folds to "ke hoach" in capitals: the heading above a plan's title. */
export function hasPlanHeading(outline: Outline): boolean {
  return outline.preamble.some(
    (block) => block.text === block.text.toLocaleUpperCase('vi') && foldForSearch(block.text) === 'ke hoach',
  );
}
