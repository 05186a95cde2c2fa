export type PlanDocumentErrorCode =
  /** Nothing but whitespace. */
  | 'empty-document'
  /** Binary data, or bytes that are not valid UTF-8. */
  | 'not-text'
  /** A format we do not read (legacy .doc, PDF). */
  | 'unsupported-format'
  /** Looks like a .docx (a ZIP file) but its text could not be extracted. */
  | 'unreadable-docx';

/** The input cannot be treated as a plan document at all; nothing was parsed. */
export class PlanDocumentError extends Error {
  override readonly name = 'PlanDocumentError';

  constructor(
    readonly code: PlanDocumentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
