import { issuingAgencyOf } from '#libs/shared-kernel';
import type { TaskState } from '#libs/tasks';

/**
 * Who may read what: the one place that says it. Every command and query on a task (with its
 * handoffs and extensions), a plan or a plan draft asks here first; a caller who may not read the
 * object is answered exactly as if it did not exist (`notFound`), whatever its state, so that the
 * answer tells an outsider nothing. Only a caller who may read it learns why a command is refused.
 */

/**
 * The roles a caller may hold (tokens' `roles`): auditors and inspectors only read; operators
 * (health details) read nothing here.
 */
export type ReaderRole = 'officer' | 'issuer' | 'auditor' | 'inspector' | 'operator';

/** The caller as the policy sees them: the HTTP principal satisfies it as it is. */
export interface Reader {
  readonly personId: string;
  /** The agency the person works for and acts for. */
  readonly agencyCode: string;
  readonly roles: readonly ReaderRole[];
  /** For an issuer: the committee they decide for, when not `agencyCode`. */
  readonly issuesFor?: string | undefined;
}

/** Read-only oversight: auditors and inspectors read every task, plan and draft's outcome. */
export const isOverseer = (reader: Reader): boolean =>
  reader.roles.includes('auditor') || reader.roles.includes('inspector');

/** An issuer reads what their committee issued: `issues_for`, else their own agency. */
const issuesFor = (reader: Reader, committee: string): boolean =>
  reader.roles.includes('issuer') && issuingAgencyOf(reader) === committee;

/** An officer (or an issuer of the committee itself) reads for their own agency. */
const actsFor = (reader: Reader, agencyCode: string): boolean =>
  reader.agencyCode === agencyCode && (reader.roles.includes('officer') || reader.roles.includes('issuer'));

/**
 * A task, its handoffs and its extensions: auditors and inspectors; issuers of the committee that
 * issued it; and whoever acts for the issuing committee or for an agency that is or was a party
 * (an assignee, the lead, a handoff's sender or receiver). Nobody reads a task that does not exist.
 */
export function mayReadTask(reader: Reader, task: TaskState): boolean {
  if (task.status === 'none') return false;
  if (isOverseer(reader) || issuesFor(reader, task.issuerAgencyCode)) return true;
  return actsFor(reader, task.issuerAgencyCode) || task.parties.some((agency) => actsFor(reader, agency));
}

/**
 * An agency's own work (its responsibilities, outstanding tasks and feed): whoever acts for the
 * agency, and auditors and inspectors. The list names tasks of every committee the agency works
 * for, so an issuer reads each of their tasks one by one, not another agency's list.
 */
export function mayReadAgencyWork(reader: Reader, agencyCode: string): boolean {
  return isOverseer(reader) || actsFor(reader, agencyCode);
}

/** What the policy needs of a plan: who issued it, and whether the caller's agency has a part in it. */
export interface PlanAudience {
  readonly issuerAgencyCode: string;
  /** The caller's agency is or was a party to one of the plan's tasks. */
  readonly readerAgencyIsParty: boolean;
}

/**
 * An issued plan (its tasks and progress are then filtered task by task): auditors and
 * inspectors; issuers of its committee and whoever acts for that committee; and whoever acts for
 * an agency that is or was a party to one of its tasks.
 */
export function mayReadPlan(reader: Reader, plan: PlanAudience | null): boolean {
  if (plan === null) return false;
  if (isOverseer(reader) || issuesFor(reader, plan.issuerAgencyCode)) return true;
  if (actsFor(reader, plan.issuerAgencyCode)) return true;
  return plan.readerAgencyIsParty && (reader.roles.includes('officer') || reader.roles.includes('issuer'));
}

/** Sees the plan whole (every task and every agency's progress), not only their own agency's part. */
export function seesWholePlan(reader: Reader, plan: PlanAudience): boolean {
  return (
    isOverseer(reader) || issuesFor(reader, plan.issuerAgencyCode) || actsFor(reader, plan.issuerAgencyCode)
  );
}

/** What the policy needs of a stored plan draft: who uploaded it, for which committee. */
export interface DraftAudience {
  readonly createdBy: string;
  /** The committee its uploader issued for; null for drafts stored before it was kept. */
  readonly committee: string | null;
}

/**
 * A plan draft is a working document of one committee: the person who uploaded it, and the issuers
 * of the committee they uploaded it for. Nobody else, auditors included: it records nothing.
 */
export function mayReadDraft(reader: Reader, draft: DraftAudience | null): boolean {
  if (draft === null) return false;
  if (draft.createdBy === reader.personId) return true;
  return draft.committee !== null && issuesFor(reader, draft.committee);
}

/**
 * The ledger, its proofs and the event browser (every event of every agency, GET /ledger/*,
 * GET /events): auditors only. Inspectors ask about responsibility through the trails; the raw
 * log is the auditors' evidence.
 */
export function mayReadLedger(reader: Reader): boolean {
  return reader.roles.includes('auditor');
}
