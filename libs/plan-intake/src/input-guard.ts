import { PlanDocumentError } from './errors.js';

/** Above this share of non-text characters, the input is taken for binary data. */
const MAX_NON_TEXT_SHARE = 0.05;

/**
 * Rejects what cannot be a plan document at all. Text that is merely not a plan passes: the parser
 * answers it with warnings.
 */
export function assertLooksLikeText(text: string, fileName?: string): void {
  const source = fileName ? `"${fileName}"` : 'The document';
  if (text.trim() === '') {
    throw new PlanDocumentError('empty-document', `${source} is empty: there is no text to read.`);
  }
  if (text.includes('\u0000')) {
    throw new PlanDocumentError(
      'not-text',
      `${source} contains NUL bytes: it looks like binary data, not text.`,
    );
  }
  const nonText = countNonTextCharacters(text);
  if (nonText / text.length > MAX_NON_TEXT_SHARE) {
    const percent = Math.round((nonText / text.length) * 100);
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
