import { foldForSearch } from '#libs/shared-kernel';
import { readBasis } from './citations.js';
import type { Block, Outline } from './outline.js';
import type { IssuerLevel, PartialDate, PlanIssuer, PlanMetadata, PlanWarning, Span } from './types.js';
import { isPossibleDate } from './vietnamese.js';
import { warn } from './warnings.js';

export function readMetadata(outline: Outline, warnings: PlanWarning[]): PlanMetadata {
  const planHeading = outline.preamble.findIndex(isPlanHeading);
  const letterhead =
    planHeading === -1 ? outline.preamble.slice(0, 8) : outline.preamble.slice(0, planHeading);

  const number = readPlanNumber(letterhead, warnings);
  const placeAndDate = readPlaceAndDate(letterhead, warnings);
  const title =
    planHeading === -1
      ? number?.typeCode.startsWith('KH')
        ? titleInCapitals(letterhead)
        : null
      : readTitle(outline.preamble, planHeading);
  if (planHeading !== -1 && title === null) {
    warn(warnings, 'no-title', 'No title was found after "KẾ HOẠCH".', outline.preamble[planHeading]?.span);
  }
  if (planHeading === -1 && outline.sections.length === 0 && number === null) {
    warn(
      warnings,
      'no-plan-structure',
      'This does not look like a plan: no "Số: .../KH-...", no "KẾ HOẠCH" heading and no numbered sections.',
    );
  }
  const issuer = readIssuer(outline.preamble, letterhead, placeAndDate?.place ?? null);
  if (issuer === null) {
    warn(
      warnings,
      'no-issuer',
      "The issuing People's Committee was not found in the letterhead or the preamble.",
    );
  }
  const basisBlocks = planHeading === -1 ? outline.preamble : outline.preamble.slice(planHeading + 1);
  const basis = readBasis(basisBlocks, warnings);
  if (basis.length === 0) {
    warn(
      warnings,
      'no-basis',
      'No cited document ("Căn cứ", "Thực hiện" ... số ...) was found before the first section.',
    );
  }

  return {
    number: number?.number ?? null,
    documentTypeCode: number?.typeCode ?? null,
    numberSpan: number?.span ?? null,
    issuer,
    place: placeAndDate?.place ?? null,
    date: placeAndDate?.date ?? null,
    dateSpan: placeAndDate?.span ?? null,
    title: title?.text ?? null,
    titleSpan: title?.span ?? null,
    basis,
  };
}

/** The "KẾ HOẠCH" line in capitals, above the title. */
function isPlanHeading(block: Block): boolean {
  return block.text === block.text.toLocaleUpperCase('vi') && foldForSearch(block.text) === 'ke hoach';
}

interface PlanNumber {
  readonly number: string | null;
  readonly typeCode: string;
  readonly span: Span;
}

/** "Số: 1601/KH-UBND", or "Số: /KH-UBND" in a draft (the number is blank). */
function readPlanNumber(letterhead: readonly Block[], warnings: PlanWarning[]): PlanNumber | null {
  for (const block of letterhead) {
    const match = /(?:^|\s)Số\s*:?\s*(\d*)\s*\/\s*([\p{Lu}\d]+(?:[-–][\p{L}\d]+)*)/u.exec(block.text);
    if (!match?.[2]) continue;
    const span = block.spanOf(match.index, match.index + match[0].length);
    const number = match[1] === '' || match[1] === undefined ? null : match[1];
    if (number === null) {
      warn(warnings, 'blank-plan-number', `The plan number is blank ("${match[0].trim()}"): a draft?`, span);
    }
    return { number, typeCode: match[2].replace(/–/gu, '-'), span };
  }
  warn(warnings, 'no-plan-number', 'No plan number ("Số: .../KH-...") was found.');
  return null;
}

interface PlaceAndDate {
  readonly place: string | null;
  readonly date: PartialDate;
  readonly span: Span;
}

const BLANK = String.raw`[\s.…_]*`;
const DATE_LINE = new RegExp(
  String.raw`^(.*?),?\s*ngày${BLANK}(\d{1,2})?${BLANK}tháng${BLANK}(\d{1,2})?${BLANK}năm${BLANK}(\d{4})?`,
  'iu',
);

/** "Lai Châu, ngày 15 tháng 6 năm 2024"; blank parts of a draft stay null. */
function readPlaceAndDate(letterhead: readonly Block[], warnings: PlanWarning[]): PlaceAndDate | null {
  for (const block of letterhead) {
    const match = DATE_LINE.exec(block.text);
    if (!match || block.text.length > 100) continue;
    const date: PartialDate = {
      year: optionalNumber(match[4]),
      month: optionalNumber(match[3]),
      day: optionalNumber(match[2]),
    };
    const span = block.spanOf(0, match[0].length);
    if (!isPossibleDate(date.day, date.month, date.year)) {
      warn(warnings, 'invalid-date', `The plan date "${match[0]}" is not a real day.`, span);
    } else if (date.year === null || date.month === null || date.day === null) {
      warn(
        warnings,
        'incomplete-date',
        `The plan date leaves ${blankParts(date)} blank: "${match[0]}".`,
        span,
      );
    }
    return { place: placeName(match[1] ?? ''), date, span };
  }
  warn(warnings, 'no-date', 'No date line ("<place>, ngày ... tháng ... năm ...") was found.');
  return null;
}

function optionalNumber(text: string | undefined): number | null {
  return text === undefined || text === '' ? null : Number(text);
}

function blankParts(date: PartialDate): string {
  const blanks = [
    date.day === null ? 'the day' : null,
    date.month === null ? 'the month' : null,
    date.year === null ? 'the year' : null,
  ].filter((part) => part !== null);
  return blanks.join(' and ');
}

/** "TP. Lạng Sơn" -> "Lạng Sơn". */
function placeName(text: string): string | null {
  const place = text
    .replace(/^(?:TP\.|Tp\.|TX\.|Tx\.|Thành phố|thành phố|Thị xã|thị xã|Tỉnh|tỉnh)\s*/u, '')
    .trim();
  return place === '' ? null : place;
}

/**
 * A web copy that drops the "KẾ HOẠCH" line keeps the title in capitals after the date line
 * ("THỰC HIỆN CHƯƠNG TRÌNH ... GIAI ĐOẠN 2021-2030"): the first such line after the number.
 */
function titleInCapitals(letterhead: readonly Block[]): { text: string; span: Span } | null {
  const afterDate = letterhead.findIndex((block) => DATE_LINE.test(block.text));
  for (const block of letterhead.slice(afterDate + 1)) {
    const letters = block.text.replace(/[^\p{L}]/gu, '');
    if (letters.length < 20 || block.text !== block.text.toLocaleUpperCase('vi')) continue;
    if (/^(?:CỘNG HÒA|CỘNG HOÀ|ĐỘC LẬP|ỦY BAN|UỶ BAN)/u.test(block.text)) continue;
    return { text: block.text, span: block.span };
  }
  return null;
}

/** The first block after "KẾ HOẠCH" (a title broken over lines was already joined into one block). */
function readTitle(preamble: readonly Block[], planHeading: number): { text: string; span: Span } | null {
  const block = preamble[planHeading + 1];
  return block ? { text: block.text, span: block.span } : null;
}

const LEVEL_WORDS: Readonly<Record<string, IssuerLevel>> = {
  tỉnh: 'province',
  'thành phố': 'city',
  huyện: 'district',
  quận: 'district',
  'thị xã': 'town',
  xã: 'commune',
  phường: 'ward',
};
const LEVEL = '(tỉnh|thành phố|huyện|quận|thị xã|xã|phường)';

function readIssuer(
  preamble: readonly Block[],
  letterhead: readonly Block[],
  place: string | null,
): PlanIssuer | null {
  return issuerFromLetterhead(letterhead) ?? issuerFromBody(preamble, place);
}

/** "ỦY BAN NHÂN DÂN" / "TỈNH LAI CHÂU" above the number (one line or two). */
function issuerFromLetterhead(letterhead: readonly Block[]): PlanIssuer | null {
  for (const [i, block] of letterhead.entries()) {
    if (block.text !== block.text.toLocaleUpperCase('vi')) continue;
    const committee = /^(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND)\s*(.*)$/u.exec(block.text);
    if (!committee) continue;
    const next = letterhead[i + 1];
    const rest = committee[1] === '' && next ? next.text : (committee[1] ?? '');
    const area = new RegExp(`^${LEVEL}\\s+(.+)$`, 'u').exec(rest.toLocaleLowerCase('vi'));
    if (!area?.[1] || !area[2]) continue;
    const end = committee[1] === '' && next ? next.span.end : block.span.end;
    return {
      name: `Ủy ban nhân dân ${area[1]} ${capitalizeWords(area[2])}`,
      level: LEVEL_WORDS[area[1]] ?? null,
      derivedFrom: 'header',
      span: { start: block.span.start, end },
    };
  }
  return null;
}

/** "Ủy ban nhân dân tỉnh ban hành Kế hoạch", "UBND thành phố Lạng Sơn xây dựng Kế hoạch". */
function issuerFromBody(preamble: readonly Block[], place: string | null): PlanIssuer | null {
  const pattern = new RegExp(
    `(Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\\s+${LEVEL}((?:\\s+\\p{Lu}\\p{L}*)*)\\s+(?:ban hành|xây dựng|triển khai)\\s+(?:Kế hoạch|kế hoạch)`,
    'u',
  );
  for (const block of preamble) {
    const match = pattern.exec(block.text);
    if (!match?.[1] || !match[2]) continue;
    const placeWords = (match[3] ?? '').trim();
    const written = `${match[1]} ${match[2]}${placeWords ? ` ${placeWords}` : ''}`;
    const name = placeWords === '' && place !== null ? `${written} ${place}` : written;
    return {
      name,
      level: LEVEL_WORDS[match[2]] ?? null,
      derivedFrom: 'body',
      span: block.spanOf(match.index, match.index + written.length),
    };
  }
  return null;
}

function capitalizeWords(text: string): string {
  return text
    .split(' ')
    .map((word) => word.charAt(0).toLocaleUpperCase('vi') + word.slice(1))
    .join(' ');
}
