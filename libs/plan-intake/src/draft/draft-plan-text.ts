import type { AgencyDirectory } from '#libs/agencies';
import { parsePlanDocument } from '../parse-plan-document.js';
import { buildPlanDraft } from './build-plan-draft.js';
import type { PlanDraft } from './draft.types.js';
import { canonicalPlanText, planContentHash } from './plan-identity.js';

export interface DraftPlanTextOptions {
  readonly fileName?: string | null | undefined;
  readonly mediaType?: string | null | undefined;
  readonly jurisdiction?: string | undefined;
}

/**
 * The whole pure pipeline from a document's text to a draft: canonical text, content hash,
 * parse, build. Throws PlanDocumentError only when the text cannot be a plan at all.
 */
export function draftPlanText(
  text: string,
  directory: AgencyDirectory,
  options: DraftPlanTextOptions = {},
): PlanDraft {
  const canonical = canonicalPlanText(text);
  // The original text is checked too: canonicalisation must not hide that it is empty or binary.
  const extract = parsePlanDocument(canonical === '' ? text : canonical);
  return buildPlanDraft(extract, directory, {
    contentHash: planContentHash(extract.text),
    fileName: options.fileName,
    mediaType: options.mediaType,
    jurisdiction: options.jurisdiction,
  });
}
