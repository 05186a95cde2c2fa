import { foldForSearch } from '#libs/shared-kernel';
import type { MappedText } from './mapped-text.js';
import { contentBlocks, type Block, type Outline } from './outline.js';
import type { NamedMention, PlanWarning, ReportingDuty, ReportingFrequency } from './types.js';
import { isPossibleDate } from './vietnamese.js';
import { warn } from './warnings.js';

/** "trước ngày 01/12" or "trước ngày 01 tháng 12", with no year: a deadline that comes back. */
const RECURRING_DEADLINE =
  /trước\s+ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})(?!\s*[/.-]\s*\d)|trước\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?!\s+năm)/giu;

const RECIPIENT =
  /(?:báo cáo|gửi|về)\s+((?:UBND|Ủy ban|Uỷ ban|HĐND|Hội đồng|Sở|Phòng|Ban|Bộ|Văn phòng|Chủ tịch|Thường trực)\s.*?)(?=\s+(?:về|để|qua|trước|theo|định kỳ|trong|chậm nhất)\s|\s*[,;.(]|$)/u;

const THROUGH =
  /(?:^|[\s(])(?:thông\s+)?qua\s+((?:sở|phòng|văn phòng|ban|trung tâm|ubnd|ủy ban|uỷ ban|cơ quan|bộ)\s.*?)(?=\s*\)|\s*[,;.]|\s+để\s|$)/iu;

const FREQUENCIES: readonly (readonly [RegExp, ReportingFrequency])[] = [
  [/hang nam|dinh ky nam|moi nam|bao cao nam/, 'yearly'],
  [/6 thang|sau thang|nua nam/, 'half-yearly'],
  [/hang quy|dinh ky quy|moi quy/, 'quarterly'],
  [/hang thang|dinh ky thang|moi thang/, 'monthly'],
];

type Candidate = Omit<ReportingDuty, 'throughPartyOrdinal'>;

/**
 * The plan's periodic reporting duty: the sentence that says to report before a day of the year
 * ("Định kỳ hàng năm (trước ngày 01/12) báo cáo UBND tỉnh ... (qua Sở ...)"). A section about
 * reporting ("CHẾ ĐỘ THÔNG TIN BÁO CÁO") is searched first, then the rest of the document.
 */
export function readReportingDuty(outline: Outline, warnings: PlanWarning[]): Candidate | null {
  const candidates = [...reportingSectionBlocks(outline), ...contentBlocks(outline)].flatMap((block) =>
    deadlinesIn(block),
  );
  const chosen = candidates[0];
  if (!chosen) {
    warn(
      warnings,
      'no-reporting-duty',
      'No periodic reporting duty ("báo cáo ... trước ngày dd/mm") was found.',
    );
    return null;
  }
  const distinct = new Set(candidates.map((c) => `${c.before.day}/${c.before.month}`));
  if (distinct.size > 1) {
    warn(
      warnings,
      'several-reporting-deadlines',
      `Several reporting deadlines: ${[...distinct].join(', ')}.`,
    );
  }
  if (chosen.frequency === null) {
    warn(warnings, 'reporting-frequency-unknown', 'The reporting duty does not say how often.', chosen.span);
  }
  if (chosen.recipient === null) {
    warn(
      warnings,
      'reporting-recipient-unknown',
      'The reporting duty does not name a recipient.',
      chosen.span,
    );
  }
  return chosen;
}

function reportingSectionBlocks(outline: Outline): Block[] {
  return outline.sections
    .filter((section) => foldForSearch(section.title).includes('bao cao'))
    .flatMap((section) => section.body);
}

function deadlinesIn(block: Block): Candidate[] {
  const candidates: Candidate[] = [];
  for (const match of block.text.matchAll(RECURRING_DEADLINE)) {
    const day = Number(match[1] ?? match[3]);
    const month = Number(match[2] ?? match[4]);
    const sentence = sentenceAround(block, match.index);
    if (!foldForSearch(sentence.text).includes('bao cao') || !isPossibleDate(day, month, null)) continue;
    candidates.push({
      frequency: frequencyOf(sentence.text),
      before: { day, month },
      recipient: mention(sentence, RECIPIENT),
      through: mention(sentence, THROUGH),
      text: sentence.text,
      span: sentence.span,
    });
  }
  return candidates;
}

/** The sentence holding text[at]: from the previous ". X" to the next "." (or "./." closing a plan). */
function sentenceAround(mapped: MappedText, at: number): MappedText {
  const before = mapped.text.slice(0, at);
  const starts = [...before.matchAll(/[.!?]\s+(?=\p{Lu})/gu)];
  const lastStart = starts[starts.length - 1];
  const start = lastStart ? lastStart.index + lastStart[0].length : 0;
  const end = /(?:\.\/\.|[.!?])(?=\s|$)/u.exec(mapped.text.slice(at));
  return mapped.slice(start, end ? at + end.index + end[0].length : mapped.length);
}

function frequencyOf(sentence: string): ReportingFrequency | null {
  const folded = foldForSearch(sentence);
  return FREQUENCIES.find(([pattern]) => pattern.test(folded))?.[1] ?? null;
}

function mention(sentence: MappedText, pattern: RegExp): NamedMention | null {
  const match = pattern.exec(sentence.text);
  const name = match?.[1];
  if (!match || !name) return null;
  const start = match.index + match[0].indexOf(name);
  const view = sentence.slice(start, start + name.length).trim();
  return { name: view.text, span: view.span };
}
