export { parsePlanDocument } from './parse-plan-document.js';
export { readPlanDocument } from './read-plan-document.js';
export { PlanDocumentError, type PlanDocumentErrorCode } from './errors.js';
export type * from './types.js';
export { buildPlanDraft, reportDueDate } from './draft/build-plan-draft.js';
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
