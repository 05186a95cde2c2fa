import { foldForSearch } from '#libs/shared-kernel';
import { MappedText } from './mapped-text.js';
import type { Span } from './types.js';

/** A paragraph of the document: one line, or several when a sentence was broken over lines. */
export interface Block {
  readonly mapped: MappedText;
  /** Cleaned text: no markdown markers, whitespace collapsed. */
  readonly text: string;
  readonly span: Span;
}

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
  const blocks = splitIntoBlocks(text);
  const distributionStart = blocks.findIndex((block) => isDistributionList(block));
  const content = distributionStart === -1 ? blocks : blocks.slice(0, distributionStart);

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
 * Splits the text into non-blank lines, then joins a line to the previous one when it starts with a
 * lowercase letter: in the source documents that is a sentence broken mid-way ("bảo đảm môi" /
 * "trường an toàn"), never a new paragraph.
 */
function splitIntoBlocks(text: string): Block[] {
  const ranges: { start: number; end: number; cleaned: string }[] = [];
  for (const line of nonBlankLines(text)) {
    const cleaned = MappedText.fromSource(text, line.start, line.end).text;
    if (cleaned === '' || isSeparatorLine(cleaned)) continue;
    const previous = ranges[ranges.length - 1];
    if (previous && startsMidSentence(cleaned) && !previous.cleaned.endsWith(':')) {
      previous.end = line.end;
      previous.cleaned = cleaned;
      continue;
    }
    ranges.push({ ...line, cleaned });
  }
  return ranges.map((range) => {
    const mapped = MappedText.fromSource(text, range.start, range.end);
    return { mapped, text: mapped.text, span: mapped.span };
  });
}

function nonBlankLines(text: string): { start: number; end: number }[] {
  const lines: { start: number; end: number }[] = [];
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    const leading = line.length - line.trimStart().length;
    const trimmedEnd = start + line.trimEnd().length;
    if (start + leading < trimmedEnd) lines.push({ start: start + leading, end: trimmedEnd });
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

/** "-----" or "___" under a title. */
function isSeparatorLine(cleaned: string): boolean {
  return /^[-_=.…–—]{3,}$/u.test(cleaned.replace(/\s/g, ''));
}

function startsMidSentence(cleaned: string): boolean {
  return /^\p{Ll}/u.test(cleaned);
}

function isDistributionList(block: Block): boolean {
  return /^noi nhan\b/.test(foldForSearch(block.text));
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

/** "1. Sở Y tế", "2) ...": a one- or two-digit number, not a sub-number such as "2.1.". */
export function numberedHeading(text: string): NumberedHeading | null {
  const match = /^(\d{1,2})\s*[.)](?![\d])\s*/u.exec(text);
  if (!match?.[1] || match[0].length === text.length) return null;
  return { number: Number(match[1]), restStart: match[0].length };
}
