export { parsePlanDocument } from './parse-plan-document.js';
export { readCanonicalPlanText, readPlanDocument, PLAN_TEXT_LIMIT_CHARACTERS } from './read-plan-document.js';
export { DOCX_LIMITS, inspectDocxArchive } from './docx-archive.js';
export {
  draftPlanDocumentInWorker,
  draftSerialisedPlanDocumentInWorker,
  keepIntakeThreadReady,
  readyIntakeThreadId,
  INTAKE_WORKER_LIMITS,
  PlanIntakeBusyError,
  type DraftJob,
  type WorkerLimits,
} from './isolation/draft-in-worker.js';
export {
  draftJsonPieces,
  gunzipChunks,
  gzipDraftJson,
  gzipPieces,
  gzipPlanText,
  jsonPieces,
  type SerialisedPlanDraft,
} from './draft/serialised-draft.js';
export { PlanDocumentError, type PlanDocumentErrorCode } from './errors.js';
export type * from './types.js';
export {
  buildPlanDraft,
  DEFAULT_CONSOLIDATION_LEAD_DAYS,
  partyReportDueDate,
  reportDueDate,
} from './draft/build-plan-draft.js';
export { draftPlanText, type DraftPlanTextOptions } from './draft/draft-plan-text.js';
export {
  canonicalPlanText,
  planContentHash,
  planIdFor,
  dutyTaskIdFor,
  reportTaskIdFor,
  uuidV5,
  PLAN_INTAKE_NAMESPACE,
} from './draft/plan-identity.js';
export type * from './draft/draft.types.js';
