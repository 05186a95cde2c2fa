export type PlanDocumentErrorCode =
  /** Nothing but whitespace. */
  | 'empty-document'
  /** Binary data, or bytes that are not valid UTF-8. */
  | 'not-text'
  /** A format we do not read (legacy .doc, PDF). */
  | 'unsupported-format'
  /** Looks like a .docx (a ZIP file) but its text could not be extracted. */
  | 'unreadable-docx'
  /** A .docx archive of more files than DOCX_LIMITS allows. */
  | 'docx-too-many-entries'
  /** A .docx that inflates past DOCX_LIMITS (all files, or its XML). */
  | 'docx-too-large'
  /** A .docx holding a file compressed past DOCX_LIMITS' ratio: a zip bomb. */
  | 'docx-compression-ratio'
  /** More text than PLAN_TEXT_LIMIT_CHARACTERS. */
  | 'document-too-long'
  /** Reading it took more time or memory than the reader is given (INTAKE_WORKER_LIMITS). */
  | 'document-too-complex'
  /** Text, but neither a plan nor a document about one (see `reasons`). */
  | 'not-a-plan';

/** The input cannot be treated as a plan document at all; nothing was parsed. */
export class PlanDocumentError extends Error {
  override readonly name = 'PlanDocumentError';

  constructor(
    readonly code: PlanDocumentErrorCode,
    message: string,
    options?: { cause?: unknown; reasons?: readonly string[] },
  ) {
    super(message, options);
    this.reasons = options?.reasons ?? [];
  }

  /** For 'not-a-plan': what the document lacks, one reason each. */
  readonly reasons: readonly string[];
}
