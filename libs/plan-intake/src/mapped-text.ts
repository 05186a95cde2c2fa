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
    /** offsets[i] is the source offset of text[i]. */
    private readonly offsets: readonly number[],
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
    let text = '';
    const offsets: number[] = [];
    let pendingSpaceAt: number | null = null;
    const first = segments[0]?.start ?? 0;
    for (const { start, end } of segments) {
      if (start > first) pendingSpaceAt ??= start - 1;
      for (let i = start; i < end; i++) {
        const char = source[i] ?? '';
        if (char === '*') continue;
        if (/\s/u.test(char)) {
          pendingSpaceAt ??= i;
          continue;
        }
        if (pendingSpaceAt !== null && text.length > 0) {
          text += ' ';
          offsets.push(pendingSpaceAt);
        }
        pendingSpaceAt = null;
        text += char;
        offsets.push(i);
      }
    }
    return new MappedText(text, offsets, offsets[0] ?? first);
  }

  get length(): number {
    return this.text.length;
  }

  slice(from: number, to: number = this.text.length): MappedText {
    const start = Math.max(0, Math.min(from, this.text.length));
    const end = Math.max(start, Math.min(to, this.text.length));
    return new MappedText(
      this.text.slice(start, end),
      this.offsets.slice(start, end),
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
