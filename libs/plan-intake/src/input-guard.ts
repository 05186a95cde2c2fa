import { PlanDocumentError } from './errors.js';

/** Above this share of non-text characters, the input is taken for binary data. */
const MAX_NON_TEXT_SHARE = 0.05;

/**
 * Rejects what cannot be a plan document at all. Text that is merely not a plan passes: the parser
 * answers it with warnings.
 */
export function assertLooksLikeText(text: string, fileName?: string): void {
  assertTextCounts(textCounts(text), fileName);
}

/** What assertLooksLikeText looks at, counted over a text read a piece at a time (addTextCounts). */
export interface TextCounts {
  length: number;
  /** Some character is not white space (what `trim` removes). */
  hasText: boolean;
  hasNul: boolean;
  nonText: number;
}

export function textCounts(text: string): TextCounts {
  return addTextCounts({ length: 0, hasText: false, hasNul: false, nonText: 0 }, text);
}

/** The counts of a text followed by `piece`. */
export function addTextCounts(counts: TextCounts, piece: string): TextCounts {
  counts.length += piece.length;
  counts.hasText ||= piece.trim() !== '';
  counts.hasNul ||= piece.includes('\u0000');
  counts.nonText += countNonTextCharacters(piece);
  return counts;
}

/** assertLooksLikeText, from the counts of the text. */
export function assertTextCounts(counts: TextCounts, fileName?: string): void {
  const source = fileName ? `"${fileName}"` : 'The document';
  if (!counts.hasText) {
    throw new PlanDocumentError('empty-document', `${source} is empty: there is no text to read.`);
  }
  if (counts.hasNul) {
    throw new PlanDocumentError(
      'not-text',
      `${source} contains NUL bytes: it looks like binary data, not text.`,
    );
  }
  const { nonText, length } = counts;
  if (nonText / length > MAX_NON_TEXT_SHARE) {
    const percent = Math.round((nonText / length) * 100);
    throw new PlanDocumentError(
      'not-text',
      `${source} looks like binary data, not text: ${percent}% of its characters are control or replacement characters.`,
    );
  }
}

/**
 * Characters that do not occur in a typed document: C0 and C1 controls (tab, line breaks, vertical
 * tab and form feed excepted) and U+FFFD, which a lenient decoder leaves where bytes were not text.
 */
function countNonTextCharacters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isControl = (code < 0x20 && (code < 0x09 || code > 0x0d)) || (code >= 0x7f && code <= 0x9f);
    if (isControl || code === 0xfffd) count++;
  }
  return count;
}
