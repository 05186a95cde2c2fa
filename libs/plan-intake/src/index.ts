export { parsePlanDocument } from './parse-plan-document.js';
export { readPlanDocument } from './read-plan-document.js';
export { PlanDocumentError, type PlanDocumentErrorCode } from './errors.js';
export type * from './types.js';
