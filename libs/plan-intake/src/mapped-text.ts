import type { Span } from './types.js';

/**
 * A cleaned view of a stretch of the source text that remembers where every character came from.
 *
 * Cleaning drops markdown emphasis markers ("**", "*") and turns every run of whitespace, line
 * breaks included, into one space. So a clause broken over two lines reads as one sentence, and any
 * piece of the cleaned text can still be turned back into a span of the source.
 */
export class MappedText {
  private constructor(
    readonly text: string,
    /** Where every character came from, shared by the view and its slices (see Runs). */
    private readonly runs: Runs,
    /** Index of text[0] in the text of the view the runs were made for. */
    private readonly base: number,
    /** Where an empty view sits in the source. */
    private readonly anchor: number,
  ) {}

  static fromSource(source: string, start: number, end: number): MappedText {
    return MappedText.fromSegments(source, [{ start, end }]);
  }

  /**
   * The cleaned view of several stretches of the source read as one (a paragraph whose lines are
   * interrupted by a page number): what lies between two stretches is skipped, read as a space.
   */
  static fromSegments(source: string, segments: readonly { start: number; end: number }[]): MappedText {
    // The text is built from runs of the source (slices), not character by character: a 9 MB plan
    // would otherwise leave millions of one-character strings to collect. The runs are kept as
    // offsets ([from, to), or SPACE), made into strings only when they are joined: a slice a word
    // was ~100 MB of short strings to collect for a 9 MB plan, most of them never joined.
    const parts: number[] = [];
    const runs = new RunsBuilder();
    let length = 0;
    let pendingSpaceAt: number | null = null;
    // Every space of the text is a " " of the source (not a line break, a tab or a run of spaces).
    let spacesAsWritten = true;
    const first = segments[0]?.start ?? 0;
    for (const { start, end } of segments) {
      if (start > first) pendingSpaceAt ??= start - 1;
      let runStart = -1;
      for (let i = start; i <= end; i++) {
        // Read as a code: a character as a string is a new string for each one outside Latin-1
        // (~200 MB of them for a 9 MB plan in Vietnamese, that the parse then had to collect).
        const code = i < end ? source.charCodeAt(i) : -1;
        const skipped = i === end || code === STAR || isWhitespaceCode(code);
        if (skipped) {
          if (runStart !== -1) parts.push(runStart, i);
          runStart = -1;
          if (i < end && code !== STAR) pendingSpaceAt ??= i;
          continue;
        }
        if (pendingSpaceAt !== null && length > 0) {
          if (source.charCodeAt(pendingSpaceAt) !== 0x20) spacesAsWritten = false;
          parts.push(SPACE, SPACE);
          runs.add(length++, pendingSpaceAt);
        }
        pendingSpaceAt = null;
        if (runStart === -1) runStart = i;
        runs.add(length++, i);
      }
    }
    const built = runs.build(length);
    // A text that is one stretch of the source as written (most lines of a canonical text are) is a
    // slice of it, which V8 keeps as a view rather than a copy: joined, the paragraphs of a 9 MB plan
    // were a second copy of it (~14 MB).
    const start = sourceOf(built, 0);
    const text =
      parts.length === 2
        ? source.slice(parts[0], parts[1])
        : spacesAsWritten && typeof built === 'number'
          ? source.slice(built, built + length)
          : joinParts(source, parts);
    return new MappedText(text, built, 0, start ?? first);
  }

  get length(): number {
    return this.text.length;
  }

  slice(from: number, to: number = this.text.length): MappedText {
    const start = Math.max(0, Math.min(from, this.text.length));
    const end = Math.max(start, Math.min(to, this.text.length));
    return new MappedText(
      this.text.slice(start, end),
      this.runs,
      this.base + start,
      this.sourceAt(start) ?? this.sourceEnd(),
    );
  }

  /** Removes surrounding spaces and, when given, trailing punctuation (a pattern anchored with $). */
  trim(trailingPunctuation?: RegExp): MappedText {
    const view = this.trimSpaces();
    const match = trailingPunctuation?.exec(view.text);
    return match ? view.slice(0, match.index).trimSpaces() : view;
  }

  /** Drops a prefix matched by `pattern` (which must be anchored with ^). */
  withoutPrefix(pattern: RegExp): MappedText {
    const match = pattern.exec(this.text);
    return match ? this.slice(match[0].length).trimSpaces() : this;
  }

  /** The source span of text[from, to). */
  spanOf(from = 0, to: number = this.text.length): Span {
    if (to <= from) {
      const at = this.sourceAt(from) ?? this.sourceEnd();
      return { start: at, end: at };
    }
    return { start: this.sourceAt(from) ?? this.anchor, end: (this.sourceAt(to - 1) ?? this.anchor) + 1 };
  }

  get span(): Span {
    return this.spanOf();
  }

  /** The source offset of text[index]; undefined outside the view. */
  private sourceAt(index: number): number | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.text.length) return undefined;
    return sourceOf(this.runs, this.base + index);
  }

  private trimSpaces(): MappedText {
    const start = this.text.length - this.text.trimStart().length;
    const end = this.text.trimEnd().length;
    if (start === 0 && end === this.text.length) return this;
    return this.slice(start, end);
  }

  private sourceEnd(): number {
    const last = this.sourceAt(this.text.length - 1);
    return last === undefined ? this.anchor : last + 1;
  }
}

/**
 * Where the characters of a cleaned text come from: the source offset of its first character when
 * it is one run (most paragraphs of a canonical text: a line as written), else SourceRuns. One run
 * as a number rather than an object of its own: ~1.4 MB of the outline of a plan of 31,000
 * paragraphs, held through its parse (docs/adr/0039).
 */
type Runs = SourceRuns | number;

/**
 * The source offset of text[index]. One run checks no bounds: MappedText.sourceAt asks only for
 * indexes within its view, which lies within the text the runs were made for.
 */
function sourceOf(runs: Runs, index: number): number | undefined {
  return typeof runs === 'number' ? runs + index : runs.sourceAt(index);
}

/**
 * The source offsets of a cleaned text as runs of characters that follow each other in the source
 * (a word, a phrase with single spaces): a few numbers a run instead of one per character, which
 * for a 9 MB plan was 4 bytes a character, more than the text itself.
 */
class SourceRuns {
  constructor(
    /** Text index where each run starts, ascending. */
    private readonly textStarts: readonly number[],
    /** Source offset of each run's first character. */
    private readonly sourceStarts: readonly number[],
    private readonly length: number,
  ) {}

  sourceAt(index: number): number | undefined {
    if (index < 0 || index >= this.length) return undefined;
    const textStarts = this.textStarts;
    let low = 0;
    let high = textStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((textStarts[middle] as number) <= index) low = middle;
      else high = middle - 1;
    }
    return (this.sourceStarts[low] as number) + index - (textStarts[low] as number);
  }
}

class RunsBuilder {
  private readonly textStarts: number[] = [];
  private readonly sourceStarts: number[] = [];
  private lastText = -2;
  private lastSource = -2;

  /** text[index] comes from source[offset]; indexes are added in order. */
  add(index: number, offset: number): void {
    if (!(index === this.lastText + 1 && offset === this.lastSource + 1)) {
      this.textStarts.push(index);
      this.sourceStarts.push(offset);
    }
    this.lastText = index;
    this.lastSource = offset;
  }

  build(length: number): Runs {
    // One run (most paragraphs of a canonical text: a line as written) is its source offset alone:
    // two arrays of one number each were ~110 bytes a paragraph, 3.5 MB of the outline of a plan of
    // 31,000 paragraphs, held through its parse (docs/adr/0039).
    const [first] = this.sourceStarts;
    if (this.textStarts.length === 1 && first !== undefined) return first;
    // Arrays of small integers: most paragraphs have a run or two, and a typed array costs a
    // buffer of its own each. Copied to their length: an array grown by push keeps room for 16 more
    // (~250 bytes a paragraph, 7 MB of a plan of 31,000 paragraphs).
    return new SourceRuns(this.textStarts.slice(), this.sourceStarts.slice(), length);
  }
}

const STAR = 0x2a;
/** A part of a cleaned text that is one space. */
const SPACE = -1;

/** The cleaned text of `parts`: pairs of source offsets [from, to), or SPACE twice. */
function joinParts(source: string, parts: readonly number[]): string {
  const strings: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const from = parts[i] as number;
    strings.push(from === SPACE ? ' ' : source.slice(from, parts[i + 1]));
  }
  return strings.join('');
}

/** `/\s/u.test(char)` of a UTF-16 code unit, quick for the ASCII that makes up most of a plan's layout. */
function isWhitespaceCode(code: number): boolean {
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  return code > 0x7f && /\s/u.test(String.fromCharCode(code));
}
