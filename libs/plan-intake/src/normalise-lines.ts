/**
 * Repairs the layout of a plan's text before it is read, without copying it: each paragraph is a
 * range of the source, so every span still points into the text as received.
 *
 * - Text extracted from a PDF is hard-wrapped: a sentence runs over several lines, and a line may
 *   start with a capital ("Sở Y tế", "UBND") or a digit ("15/11) báo cáo") in mid-sentence. When
 *   most long lines stop without ending a sentence, the text is taken as hard-wrapped, and a long
 *   line that does not end a sentence is joined with the next one unless that one opens a new item.
 * - A web copy flattens the letterhead table into "Số: 138/KH-UBND | Hà Nội, ngày ...": a "|" ends
 *   a cell as a line break would.
 * - Page furniture of extracted text ("Trang 3/12", "- 3 -", "3/12", a lone page number in
 *   hard-wrapped text) is skipped.
 * - A title set in capitals over several lines ("KẾ HOẠCH" / "THỰC HIỆN ... TRÊN ĐỊA" / "BÀN TỈNH")
 *   is one paragraph.
 * - A line that starts with a lowercase letter continues the previous one, as before.
 */

export interface LineRange {
  /** Source offsets of the paragraph, trimmed: [start, end). */
  start: number;
  end: number;
  /** The stretches of source it is made of: one per line, or fewer when lines follow each other. */
  readonly segments: { start: number; end: number }[];
  /** The last line's text, cleaned (no "*", whitespace collapsed). */
  last: string;
  /** The first line's text, cleaned. */
  readonly first: string;
}

const CELL_OR_LINE_BREAK = new Set([0x0a, 0x0d, 0x0c, 0x7c, 0x2028, 0x2029]);

/**
 * Every non-blank line (or table cell) of the source, trimmed; "---" rules dropped. Made one at a
 * time as they are read: held all at once, with their paragraphs, the lines of a 9 MB plan (31,000)
 * were ~13 MB that lived through the outline's making, long enough to be moved to the old
 * generation and stay there as garbage through the parse (the intake thread's peak, docs/adr/0039).
 */
export function* sourceLines(text: string): Generator<LineRange> {
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !CELL_OR_LINE_BREAK.has(text.charCodeAt(i))) continue;
    let from = start;
    let to = i;
    while (from < to && isSpace(text.charCodeAt(from))) from++;
    while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
    start = i + 1;
    if (from === to) continue;
    const cleaned = clean(text.slice(from, to));
    if (cleaned === '' || isSeparatorLine(cleaned)) continue;
    yield { start: from, end: to, segments: [{ start: from, end: to }], first: cleaned, last: cleaned };
  }
}

/**
 * Joins the lines of one paragraph (see the rules above), `width` being the lines' hardWrapWidth.
 * A paragraph is given once the line after it starts another: the lines are read once, in order,
 * and neither they nor the paragraphs are held.
 */
export function* joinBrokenLines(lines: Iterable<LineRange>, width: number | null): Generator<LineRange> {
  let previous: LineRange | undefined;
  let count = 0;
  let titleAt = -1;
  let lastKeptEnd = -1;
  for (const line of lines) {
    if (isPageFurniture(line.first, width !== null)) {
      lastKeptEnd = -1;
      continue;
    }
    const isTitleLine = count - 1 === titleAt;
    if (previous && continues(previous, line.first, width, isTitleLine)) {
      previous.end = line.end;
      previous.last = line.first;
      const last = previous.segments[previous.segments.length - 1];
      // Consecutive lines make one stretch; a skipped page number in between starts another.
      if (last && last.end === lastKeptEnd) last.end = line.end;
      else previous.segments.push({ start: line.start, end: line.end });
      lastKeptEnd = line.end;
      continue;
    }
    if (previous) {
      if (isPlanHeadingLine(previous.first)) titleAt = count;
      yield previous;
    }
    previous = { ...line, segments: [...line.segments] };
    count++;
    lastKeptEnd = line.end;
  }
  if (previous) yield previous;
}

function continues(previous: LineRange, line: string, width: number | null, isTitleLine: boolean): boolean {
  if (/^\p{Ll}/u.test(line)) return !previous.last.endsWith(':');
  if (isTitleLine && isCapitals(previous.last) && isCapitals(line)) {
    return !endsSentence(previous.last) && !ROMAN_ITEM.test(line);
  }
  if (opensItem(line)) return false;
  // A web copy wraps the letterhead's cells: "ỦY" / "BAN NHÂN DÂN", "Nghệ" / "An, ngày ...", "Số:" / "25/KH-UBND".
  if (/^\p{L}+$/u.test(previous.last) && previous.first === previous.last && !isPlanHeadingLine(line))
    return true;
  if (/^Số\s*:$/u.test(previous.last)) return true;
  // No paragraph ends on "ngày", "và", "của" ...: "(trước ngày" / "15/11) báo cáo ...".
  if (DANGLING_WORD.test(previous.last)) return true;
  if (width === null || previous.last.length < 0.6 * width || endsSentence(previous.last)) return false;
  // A party heading is short; it goes on only when its name is visibly cut ("... và" / "Xã hội").
  if (NUMBERED_ITEM.test(previous.first) && previous.first === previous.last) {
    return /(?:\s(?:và|với|của|các|cho|tại|về|trên|thuộc)|[-–,])$/u.test(previous.last);
  }
  return true;
}

/**
 * The width a hard-wrapped text is set to (the 90th percentile of its long lines' lengths), or
 * null when most long lines end a sentence: one paragraph a line, as a word processor writes it.
 */
export function hardWrapWidth(lines: Iterable<LineRange>): number | null {
  // Each line's cleaned length, and whether it ends a sentence: numbers, not the lines themselves.
  const lengths: number[] = [];
  const ends: boolean[] = [];
  for (const line of lines) {
    lengths.push(line.first.length);
    ends.push(endsSentence(line.first));
  }
  const sorted = lengths.filter((length) => length >= 30).sort((a, b) => a - b);
  if (sorted.length < 8) return null;
  const width = sorted[Math.floor(sorted.length * 0.9)] ?? 0;
  let long = 0;
  let open = 0;
  lengths.forEach((length, i) => {
    if (length < 0.7 * width) return;
    long++;
    if (!ends[i]) open++;
  });
  return long > 0 && open / long >= 0.35 ? width : null;
}

const DANGLING_WORD =
  /(?:^|[\s(])(?:ngày|tháng|năm|trước|sau|số|và|của|với|các|những|tại|theo|về|cho|là|để|từ|đến|trong|trên)$/u;
const NUMBERED_ITEM = /^\d{1,3}(?:\.\d{1,3})*\s*[.)](?!\d)/u;
const ROMAN_ITEM = /^[IVXL]{1,6}\s*[.)]\s/u;

/** A bullet, a numbered or lettered item, a Roman section, or a line that always opens a paragraph. */
function opensItem(line: string): boolean {
  return (
    /^[-+•–—]\s?/u.test(line) ||
    NUMBERED_ITEM.test(line) ||
    /^[a-zđ]\s*[.)]\s/u.test(line) ||
    ROMAN_ITEM.test(line) ||
    /^(?:Nơi nhận|Căn cứ|Thực hiện|Trên cơ sở|Trên đây|TM\.|KT\.|Q\.)(?=[\s:]|$)/u.test(line)
  );
}

function endsSentence(line: string): boolean {
  return /[.;:!?…]$/u.test(line);
}

function isCapitals(line: string): boolean {
  return /\p{Lu}/u.test(line) && line === line.toLocaleUpperCase('vi');
}

function isPlanHeadingLine(line: string): boolean {
  return /^K[ẾE]\s*HO[ẠA]CH$/u.test(line);
}

/** "Trang 3", "Trang 3/12", "- 3 -", "3/12"; a lone number only in hard-wrapped text. */
function isPageFurniture(line: string, hardWrapped: boolean): boolean {
  if (/^(?:Trang|TRANG|Page)\s*\d{1,4}(?:\s*(?:\/|of|trên)\s*\d{1,4})?$/u.test(line)) return true;
  if (/^[-–—]\s*\d{1,4}\s*[-–—]$/u.test(line)) return true;
  const ofPages = /^(\d{1,4})\s*\/\s*(\d{1,4})$/u.exec(line);
  if (ofPages && Number(ofPages[1]) <= Number(ofPages[2])) return true;
  return hardWrapped && /^\d{1,4}$/u.test(line);
}

/** "-----" or "___" under a title. */
function isSeparatorLine(cleaned: string): boolean {
  if (!/^[-_=.…–—]/u.test(cleaned)) return false;
  return /^[-_=.…–—]{3,}$/u.test(cleaned.replace(/\s/g, ''));
}

function clean(line: string): string {
  const unstarred = line.includes('*') ? line.replace(/\*/g, '') : line;
  return /\s\s|[^\S ]/u.test(unstarred) ? unstarred.replace(/\s+/gu, ' ').trim() : unstarred.trim();
}

function isSpace(code: number): boolean {
  return (
    code === 0x20 || code === 0x09 || code === 0x0b || code === 0xa0 || code === 0xfeff || code === 0x3000
  );
}
