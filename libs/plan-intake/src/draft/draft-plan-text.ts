import type { AgencyDirectory } from '#libs/agencies';
import { PlanDocumentError } from '../errors.js';
import { parsePlanDocument } from '../parse-plan-document.js';
import { buildPlanDraft, type PlanDraftStream, streamPlanDraft } from './build-plan-draft.js';
import type { BuildPlanDraftOptions, PlanDraft } from './draft.types.js';
import { canonicalPlanText, planContentHash } from './plan-identity.js';

export interface DraftPlanTextOptions {
  readonly fileName?: string | null | undefined;
  readonly mediaType?: string | null | undefined;
  readonly jurisdiction?: string | undefined;
  /**
   * Called between the parse and the building of the draft, when the parse's outline of the text
   * is garbage (the intake thread collects it there: ~10 MB for 2,300 parties, not held with the
   * draft being built).
   */
  readonly afterParsing?: (() => void) | undefined;
}

/**
 * The whole pure pipeline from a document's text to a draft: canonical text, content hash,
 * parse, build. Throws PlanDocumentError when the text cannot be a plan at all, and `not-a-plan`
 * (with its reasons) when it is text that is neither a plan nor a document about one.
 */
export function draftPlanText(
  text: string,
  directory: AgencyDirectory,
  options: DraftPlanTextOptions = {},
): PlanDraft {
  const { extract, build } = parsedPlanText(text, options);
  return buildPlanDraft(extract, directory, build);
}

/**
 * draftPlanText a task at a time (PlanDraftStream), for a caller that writes each task as it is
 * built: neither the tasks nor the parties they are built from are all held (each party is let go
 * once its tasks are built). The same draft, field for field.
 */
export function streamPlanText(
  text: string,
  directory: AgencyDirectory,
  options: DraftPlanTextOptions = {},
): PlanDraftStream {
  const { extract, build } = parsedPlanText(text, options);
  return streamPlanDraft(
    // Its own list of the parties, emptied as they are built (the extract's is left as it is).
    { ...extract, parties: [...extract.parties] },
    directory,
    { ...build, releaseParties: true },
  );
}

function parsedPlanText(text: string, options: DraftPlanTextOptions) {
  const canonical = canonicalPlanText(text);
  // The original text is checked too: canonicalisation must not hide that it is empty or binary.
  const extract = parsePlanDocument(canonical === '' ? text : canonical);
  if (extract.origin === 'not-a-plan') {
    throw new PlanDocumentError(
      'not-a-plan',
      `This document is not a plan, nor a report or letter about one: ${extract.originReasons.join('; ')}.`,
      { reasons: extract.originReasons },
    );
  }
  const contentHash = planContentHash(extract.text);
  options.afterParsing?.();
  const build: BuildPlanDraftOptions = {
    contentHash,
    fileName: options.fileName,
    mediaType: options.mediaType,
    jurisdiction: options.jurisdiction,
  };
  return { extract, build };
}
