import { Injectable } from '@nestjs/common';
import {
  PlanIntake,
  requireIssuer as requireIssuerRole,
  type ConfirmResult,
  type DraftCorrections,
  type ImportedDraftJson,
  type ImportedDraftView,
  type PlanDraftView,
} from '#libs/application';
import {
  PlanDocumentError,
  PlanIntakeBusyError,
  type PlanDocumentErrorCode,
  type PlanDraft,
} from '#libs/plan-intake';
import { problemType, ProblemError, type Principal } from '#libs/platform';
import { actorOf } from '../commands/actor.js';
import { documentTooLarge, PLAN_DOCUMENT_LIMIT_BYTES } from './plan-upload.js';

export type { ConfirmResult, DraftCorrections, PlanDraftView } from '#libs/application';

/**
 * The answer to an import: the draft without the document's text (a 9 MB plan would come back
 * whole), with its length; GET /plans/drafts/{id} has the text the spans point into.
 */
export type ImportedDraft = ImportedDraftView;

/**
 * The HTTP side of plan intake: the process itself (drafting, the confirmation planner and the
 * commands it runs) is libs/application's PlanIntake. This adds what HTTP needs: the principal
 * as the deciders' actor, the 10 MB limit, and problem+json for an unreadable document.
 */
@Injectable()
export class PlanIntakeService {
  constructor(private readonly intake: PlanIntake) {}

  /** Reads and drafts a document without storing anything; throws 413/422 problems. */
  draftDocument(bytes: Uint8Array, fileName: string | null): Promise<PlanDraft> {
    return readable(bytes, () => this.intake.draftDocument(bytes, fileName));
  }

  /** Imports a document and answers as the import answers (the seeder); throws 413/422 problems. */
  importDocument(bytes: Uint8Array, fileName: string | null, principal: Principal): Promise<ImportedDraft> {
    return readable(bytes, async () => {
      const { sourceText, ...imported } = await this.intake.importDocument(
        bytes,
        fileName,
        actorOf(principal),
      );
      return { ...imported, sourceTextLength: sourceText.length };
    });
  }

  /**
   * The import's answer already serialised (ImportedDraftJson): the draft's JSON and its text stay
   * the bytes the intake thread made, which this thread stores and writes out as they are.
   */
  importDocumentAsJson(
    bytes: Uint8Array,
    fileName: string | null,
    principal: Principal,
    options: { readonly dryRun?: boolean | undefined; readonly handOver?: boolean | undefined } = {},
  ): Promise<ImportedDraftJson> {
    return readable(bytes, () =>
      this.intake.importDocumentAsJson(bytes, fileName, actorOf(principal), options),
    );
  }

  getDraft(draftId: string, principal: Principal): Promise<PlanDraftView> {
    return this.intake.getDraft(draftId, actorOf(principal));
  }

  confirmDraft(draftId: string, corrections: DraftCorrections, principal: Principal): Promise<ConfirmResult> {
    return this.intake.confirmDraft(draftId, corrections, actorOf(principal));
  }
}

/** 403 unless the caller holds the issuer role. */
export function requireIssuer(principal: Principal, what: string): void {
  requireIssuerRole(actorOf(principal), what);
}

/** Over a size limit: 413; every other unreadable document: 422. */
const DOCUMENT_ERROR_STATUS: Partial<Record<PlanDocumentErrorCode, number>> = {
  'docx-too-large': 413,
  'document-too-long': 413,
};

async function readable<T>(bytes: Uint8Array, run: () => Promise<T>): Promise<T> {
  if (bytes.length > PLAN_DOCUMENT_LIMIT_BYTES) throw documentTooLarge();
  try {
    return await run();
  } catch (error) {
    if (error instanceof PlanDocumentError) {
      const status = DOCUMENT_ERROR_STATUS[error.code] ?? 422;
      throw new ProblemError({
        type: problemType(error.code),
        title:
          status === 413
            ? 'The document is too large'
            : error.code === 'not-a-plan'
              ? 'The document is not a plan'
              : 'The document cannot be read as a plan',
        status,
        code: error.code,
        detail: error.message,
        ...(error.reasons.length > 0 ? { reasons: error.reasons } : {}),
      });
    }
    if (error instanceof PlanIntakeBusyError) {
      throw new ProblemError({
        type: problemType('intake-busy'),
        title: 'Temporarily unavailable',
        status: 503,
        code: 'intake-busy',
        detail: error.message,
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    throw error;
  }
}
