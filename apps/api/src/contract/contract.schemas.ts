import { ACCOUNTABILITY_SCHEMAS } from '../accountability/accountability.schemas.js';
import { AGENCIES_SCHEMAS } from '../agencies/agencies.schemas.js';
import { AUDIT_SCHEMAS } from '../audit/audit.schemas.js';
import { CALENDAR_SCHEMAS } from '../calendar/calendar.schemas.js';
import { LEDGER_SCHEMAS } from '../ledger/ledger.schemas.js';
import { PLANS_SCHEMAS } from '../plans/plans.schemas.js';
import { TASKS_SCHEMAS } from '../tasks/tasks.schemas.js';
import { WEB_SCHEMAS } from '../web/web.schemas.js';
import { WEBHOOKS_SCHEMAS } from '../webhooks/webhooks.schemas.js';
import { PROBLEM_SCHEMAS } from './problem.schemas.js';
import { SHARED_SCHEMAS } from './shared.schemas.js';

/** Every named answer shape: the components/schemas of the document. */
export const CONTRACT_SCHEMAS = {
  ...PROBLEM_SCHEMAS,
  ...SHARED_SCHEMAS,
  ...ACCOUNTABILITY_SCHEMAS,
  ...AGENCIES_SCHEMAS,
  ...AUDIT_SCHEMAS,
  ...CALENDAR_SCHEMAS,
  ...LEDGER_SCHEMAS,
  ...PLANS_SCHEMAS,
  ...TASKS_SCHEMAS,
  ...WEB_SCHEMAS,
  ...WEBHOOKS_SCHEMAS,
};

export type SchemaName = keyof typeof CONTRACT_SCHEMAS;
