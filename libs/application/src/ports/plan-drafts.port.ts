import type { PlanDraft, SerialisedPlanDraft } from '#libs/plan-intake';

export interface StoredDraft {
  readonly id: string;
  readonly contentHash: string;
  readonly draft: PlanDraft;
  readonly createdBy: string;
  /** The committee the uploader issues for (who else may read it); null for drafts stored before. */
  readonly committee: string | null;
  readonly createdAt: string;
  readonly confirmedAt: string | null;
}

/**
 * Drafts of imported plans, kept for review. Working documents, not facts: confirming one records
 * events through the command path. Adapter: PostgreSQL (libs/platform/src/commands/).
 */
export interface PlanDraftStore {
  /**
   * Stores a draft with its source text (a draft, or as the intake thread serialised it, with its
   * text); the answer is the stored record without the draft, which the caller already holds.
   */
  insert(
    id: string,
    draft: PlanDraft | SerialisedPlanDraft,
    createdBy: string,
    committee: string,
  ): Promise<Omit<StoredDraft, 'draft'>>;
  find(id: string): Promise<StoredDraft | null>;
  /** The first confirmation's time stays; a retried confirmation does not move it. */
  markConfirmed(id: string): Promise<void>;
}

/** Reads a document (text or .docx) into a draft; throws the reader's own errors for unreadable input. */
export interface PlanDocumentReader {
  draft(bytes: Uint8Array, fileName: string | null, options?: ReadOptions): Promise<PlanDraft>;
  /**
   * As draft(), serialised where it was made (its JSON compressed, its text compressed when
   * `withText`): for a caller that stores it and answers with it without holding its objects.
   */
  draftSerialised(
    bytes: Uint8Array,
    fileName: string | null,
    options: ReadOptions & { readonly withText: boolean },
  ): Promise<SerialisedPlanDraft>;
  /** A serialised draft's JSON (kept compressed), as UTF-8 a chunk at a time as it is read. */
  draftJson(draft: SerialisedPlanDraft): AsyncIterable<Uint8Array>;
}

export interface ReadOptions {
  /**
   * The caller is done with the bytes (an upload's body): the reader may take their memory over
   * rather than copy it, and they read as empty afterwards. Off by default.
   */
  readonly handOver?: boolean | undefined;
}
