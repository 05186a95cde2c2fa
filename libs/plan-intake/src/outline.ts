import { foldForSearch } from '#libs/shared-kernel';
import { MappedText } from './mapped-text.js';
import { hardWrapWidth, joinBrokenLines, sourceLines } from './normalise-lines.js';

/**
 * A paragraph of the document: one line, or several when a sentence was broken over lines. Its
 * `text` is cleaned (no markdown markers, whitespace collapsed) and maps back to the source (`span`,
 * `spanOf`). The view itself, with no wrapper and no span object of its own: a 9 MB plan has 31,000
 * paragraphs, and those two objects for each were ~2.7 MB of the parse's peak (docs/adr/0039).
 */
export type Block = MappedText;

/** A top-level section such as "V. TỔ CHỨC THỰC HIỆN". */
export interface Section {
  readonly numeral: string;
  readonly title: string;
  readonly heading: Block;
  readonly body: readonly Block[];
}

export interface Outline {
  /** Blocks before the first section: letterhead, number, date, title, basis. */
  readonly preamble: readonly Block[];
  readonly sections: readonly Section[];
  /** Blocks after the last section up to the distribution list ("Trên đây là Kế hoạch ..."). */
  readonly closing: readonly Block[];
}

export function buildOutline(text: string): Outline {
  const content = blocksBeforeDistributionList(text);

  const closingStart = content.findIndex((block, i) => i > 0 && isClosing(block));
  const sectioned = closingStart === -1 ? content : content.slice(0, closingStart);
  const closing = closingStart === -1 ? [] : content.slice(closingStart);

  const headingPositions = sectioned.flatMap((block, i) => (romanHeading(block.text) ? [i] : []));
  const firstHeading = headingPositions[0];
  const preamble = firstHeading === undefined ? sectioned : sectioned.slice(0, firstHeading);
  const sections = headingPositions.map((position, k): Section => {
    const heading = sectioned[position] as Block;
    const next = headingPositions[k + 1] ?? sectioned.length;
    const { numeral, title } = romanHeading(heading.text) as RomanHeading;
    return { numeral, title, heading, body: sectioned.slice(position + 1, next) };
  });
  return { preamble, sections, closing };
}

/** The blocks of the whole document up to the distribution list ("Nơi nhận:"). */
export function contentBlocks(outline: Outline): Block[] {
  return [
    ...outline.preamble,
    ...outline.sections.flatMap((s) => [s.heading, ...s.body]),
    ...outline.closing,
  ];
}

/**
 * Splits the text into paragraphs, up to the distribution list ("Nơi nhận:"). Each paragraph keeps the source offsets of its characters, so
 * repairing the layout never breaks a span. The repairs (see normalise-lines.ts): hard-wrapped lines
 * of extracted PDF text joined back into sentences, flattened table rows ("Số: 138/KH-UBND | Hà Nội,
 * ngày ...") split into cells, page numbers skipped, a title broken over capitalised lines joined.
 * A line starting with a lowercase letter always continues the previous one: in the source documents
 * that is a sentence broken mid-way ("bảo đảm môi" / "trường an toàn"), never a new paragraph.
 */
function blocksBeforeDistributionList(text: string): Block[] {
  const blocks: Block[] = [];
  // The lines are read twice (their widths first), rather than held (normalise-lines.ts).
  for (const range of joinBrokenLines(sourceLines(text), hardWrapWidth(sourceLines(text)))) {
    const block = MappedText.fromSegments(text, range.segments);
    // Nothing after it is read: an annex of figures after it (30,000 lines of a 9 MB plan) is not
    // made into blocks only to be dropped (~10 MB of them while they were made).
    if (isDistributionList(block)) break;
    blocks.push(block);
  }
  return blocks;
}

function isDistributionList(block: Block): boolean {
  // Only the start of the block matters: folding every paragraph of a 9 MB plan costs seconds.
  return /^n/iu.test(block.text) && /^noi nhan\b/.test(foldForSearch(block.text.slice(0, 12)));
}

/** "Trên đây là Kế hoạch ...", or the signature block ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"). */
function isClosing(block: Block): boolean {
  return /^Trên đây là(?=\s|$)/iu.test(block.text) || /^(?:TM|KT|Q)\.\s*\p{Lu}/u.test(block.text);
}

export interface RomanHeading {
  readonly numeral: string;
  readonly title: string;
}

const ROMAN_HEADING = /^([IVXL]{1,6})\s*[.)]\s*(\S.*?)\s*:?$/u;
const ROMAN_NUMERAL = /^(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})$/;

/**
 * "V. TỔ CHỨC THỰC HIỆN": a Roman numeral and a title, in capitals as plans write them, or a short
 * line that does not end like a sentence ("V. Tổ chức thực hiện").
 */
export function romanHeading(text: string): RomanHeading | null {
  const match = ROMAN_HEADING.exec(text);
  const numeral = match?.[1];
  const title = match?.[2];
  if (!numeral || !title || !ROMAN_NUMERAL.test(numeral) || !/^\p{Lu}/u.test(title)) return null;
  const isCapitals = title === title.toLocaleUpperCase('vi');
  const isShortLine = title.length <= 80 && !/[.;,]$/u.test(title);
  return (isCapitals && title.length <= 200) || isShortLine ? { numeral, title } : null;
}

export interface NumberedHeading {
  readonly number: number;
  /** Where the text after "1." starts, in the block's cleaned text. */
  readonly restStart: number;
}

/**
 * "1. Sở Y tế", "2) ...", "150. ...", "1200. ...": a number of up to four digits, not a sub-number
 * such as "2.1.". (A four-digit one is a party only where it follows the one before: a line may
 * open with a year, "2025. ...".)
 */
export function numberedHeading(text: string): NumberedHeading | null {
  const match = /^(\d{1,4})\s*[.)](?![\d])\s*/u.exec(text);
  if (!match?.[1] || match[0].length === text.length) return null;
  return { number: Number(match[1]), restStart: match[0].length };
}
