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
    /** offsets[i] is the source offset of text[i]; slices share it (subarray), never copy it. */
    private readonly offsets: Int32Array,
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
    // One entry per kept character, plus a space between stretches.
    let capacity = segments.length;
    for (const { start, end } of segments) capacity += end - start;
    const offsets = new Int32Array(capacity);
    // The text is built from runs of the source (slices), not character by character: a 9 MB plan
    // would otherwise leave millions of one-character strings to collect.
    const parts: string[] = [];
    let length = 0;
    let pendingSpaceAt: number | null = null;
    const first = segments[0]?.start ?? 0;
    for (const { start, end } of segments) {
      if (start > first) pendingSpaceAt ??= start - 1;
      let runStart = -1;
      for (let i = start; i <= end; i++) {
        const char = i < end ? (source[i] ?? '') : '';
        const skipped = i === end || char === '*' || isWhitespace(char);
        if (skipped) {
          if (runStart !== -1) parts.push(source.slice(runStart, i));
          runStart = -1;
          if (i < end && char !== '*') pendingSpaceAt ??= i;
          continue;
        }
        if (pendingSpaceAt !== null && length > 0) {
          parts.push(' ');
          offsets[length++] = pendingSpaceAt;
        }
        pendingSpaceAt = null;
        if (runStart === -1) runStart = i;
        offsets[length++] = i;
      }
    }
    const used = offsets.subarray(0, length);
    return new MappedText(parts.join(''), used, used[0] ?? first);
  }

  get length(): number {
    return this.text.length;
  }

  slice(from: number, to: number = this.text.length): MappedText {
    const start = Math.max(0, Math.min(from, this.text.length));
    const end = Math.max(start, Math.min(to, this.text.length));
    return new MappedText(
      this.text.slice(start, end),
      this.offsets.subarray(start, end),
      this.offsets[start] ?? this.sourceEnd(),
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
      const at = this.offsets[from] ?? this.sourceEnd();
      return { start: at, end: at };
    }
    return { start: this.offsets[from] ?? this.anchor, end: (this.offsets[to - 1] ?? this.anchor) + 1 };
  }

  get span(): Span {
    return this.spanOf();
  }

  private trimSpaces(): MappedText {
    const start = this.text.length - this.text.trimStart().length;
    const end = this.text.trimEnd().length;
    if (start === 0 && end === this.text.length) return this;
    return this.slice(start, end);
  }

  private sourceEnd(): number {
    const last = this.offsets[this.offsets.length - 1];
    return last === undefined ? this.anchor : last + 1;
  }
}

/** `/\s/u.test(char)`, quick for the ASCII characters that make up most of a plan's layout. */
function isWhitespace(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  return code > 0x7f && /\s/u.test(char);
}
