import { issuingAgencyOf } from '#libs/shared-kernel';
import type { TaskState } from '#libs/tasks';

/**
 * Who may read what: the one place that says it (docs/read-policy.md, ADR 0013 and 0021). Every
 * command and query on a task (with its handoffs and extensions), a plan, a plan draft, an
 * agency's work or the audit of reads asks here first. A task, plan or draft the caller may not
 * read is answered exactly as if it did not exist (`notFound`), whatever its state, so that the
 * answer tells an outsider nothing; an agency's work, whose agency is public in the directory, is
 * refused with 403 naming nothing else. Only a caller who may read an object learns why a command
 * on it is refused.
 */

/**
 * The roles a caller may hold (tokens' `roles`): auditors and inspectors only read; operators
 * (health details) read nothing here; administrators connect their agency's systems (webhooks).
 */
export type ReaderRole = 'officer' | 'issuer' | 'auditor' | 'inspector' | 'operator' | 'administrator';

/** The caller as the policy sees them: the HTTP principal satisfies it as it is. */
export interface Reader {
  readonly personId: string;
  /** The agency the person works for and acts for. */
  readonly agencyCode: string;
  readonly roles: readonly ReaderRole[];
  /** For an issuer: the committee they decide for, when not `agencyCode`. */
  readonly issuesFor?: string | undefined;
  /**
   * For auditors and inspectors: the jurisdiction (province) they oversee, when not the province
   * of their own agency (the token's `jurisdiction` claim).
   */
  readonly jurisdiction?: string | undefined;
  /** For auditors and inspectors: oversight of the whole country (the token's `national` claim). */
  readonly national?: boolean | undefined;
}

/** What the policy needs to know of the directory: where agencies sit. */
export interface Places {
  /** The jurisdiction an agency of the directory belongs to; undefined for an unknown agency. */
  jurisdictionOf(agencyCode: string): string | undefined;
  /** The jurisdictions a jurisdiction sits in, itself first (Lạng Sơn city, then Lạng Sơn province). */
  jurisdictionChain(jurisdiction: string): readonly string[];
  /** The agency and its superiors in the directory, itself first. */
  superiorsOf(agencyCode: string): readonly string[];
}

/** What the policy needs of a plan: who issued it, and whether the caller's agency has a part in it. */
export interface PlanAudience {
  readonly issuerAgencyCode: string;
  /** The caller's agency is or was a party to one of the plan's tasks. */
  readonly readerAgencyIsParty: boolean;
}

/** What the policy needs of a stored plan draft: who uploaded it, for which committee. */
export interface DraftAudience {
  readonly createdBy: string;
  /** The committee its uploader issued for; null for drafts stored before it was kept. */
  readonly committee: string | null;
}

/** Read-only oversight roles: auditors and inspectors. */
export const isOverseer = (reader: Reader): boolean =>
  reader.roles.includes('auditor') || reader.roles.includes('inspector');

/** An issuer reads what their committee issued: `issues_for`, else their own agency. */
const issuesFor = (reader: Reader, committee: string): boolean =>
  reader.roles.includes('issuer') && issuingAgencyOf(reader) === committee;

/** An officer (or an issuer of the committee itself) reads for their own agency. */
const actsFor = (reader: Reader, agencyCode: string): boolean =>
  reader.agencyCode === agencyCode && (reader.roles.includes('officer') || reader.roles.includes('issuer'));

/**
 * The read policy over a directory. Officers read their own agency's work and the tasks their
 * agency is or was a party to; issuers read their committee's plans and tasks and the work of the
 * agencies below it; auditors and inspectors read within their jurisdiction (its province, and
 * what sits inside it), or everywhere with a national token.
 */
export class ReadPolicy {
  constructor(private readonly places: Places) {}

  /** The province an overseer oversees: the token's jurisdiction, else their agency's province. */
  overseenJurisdiction(reader: Reader): string | undefined {
    if (reader.jurisdiction) return reader.jurisdiction;
    const own = this.places.jurisdictionOf(reader.agencyCode);
    if (own === undefined) return undefined;
    const chain = this.places.jurisdictionChain(own);
    return chain[chain.length - 1];
  }

  /** An auditor or inspector whose oversight covers the agency (by the agency's jurisdiction). */
  oversees(reader: Reader, agencyCode: string): boolean {
    if (!isOverseer(reader)) return false;
    if (reader.national === true) return true;
    const overseen = this.overseenJurisdiction(reader);
    const place = this.places.jurisdictionOf(agencyCode);
    return (
      overseen !== undefined && place !== undefined && this.places.jurisdictionChain(place).includes(overseen)
    );
  }

  /**
   * A task, its handoffs and its extensions: overseers of the issuing committee's jurisdiction;
   * issuers of the committee that issued it; whoever acts for the issuing committee or for an
   * agency that is or was a party (an assignee, the lead, a handoff's sender or receiver). Nobody
   * reads a task that does not exist.
   */
  mayReadTask(reader: Reader, task: TaskState): boolean {
    if (task.status === 'none') return false;
    if (this.oversees(reader, task.issuerAgencyCode) || issuesFor(reader, task.issuerAgencyCode)) return true;
    return actsFor(reader, task.issuerAgencyCode) || task.parties.some((agency) => actsFor(reader, agency));
  }

  /**
   * An agency's own work (its responsibilities, outstanding tasks, feed and heads' history): whoever
   * acts for the agency; issuers of a committee the agency answers to (the committee itself, or an
   * agency below it in the directory); overseers of its jurisdiction.
   */
  mayReadAgencyWork(reader: Reader, agencyCode: string): boolean {
    if (this.oversees(reader, agencyCode) || actsFor(reader, agencyCode)) return true;
    if (!reader.roles.includes('issuer')) return false;
    return this.places.superiorsOf(agencyCode).includes(issuingAgencyOf(reader));
  }

  /**
   * An issued plan (its tasks and progress are then filtered task by task): overseers of its
   * committee's jurisdiction; issuers of its committee and whoever acts for that committee; and
   * whoever acts for an agency that is or was a party to one of its tasks.
   */
  mayReadPlan(reader: Reader, plan: PlanAudience | null): boolean {
    if (plan === null) return false;
    if (this.seesWholePlan(reader, plan)) return true;
    return plan.readerAgencyIsParty && (reader.roles.includes('officer') || reader.roles.includes('issuer'));
  }

  /** Sees the plan whole (every task and every agency's progress), not only their own agency's part. */
  seesWholePlan(reader: Reader, plan: PlanAudience): boolean {
    return (
      this.oversees(reader, plan.issuerAgencyCode) ||
      issuesFor(reader, plan.issuerAgencyCode) ||
      actsFor(reader, plan.issuerAgencyCode)
    );
  }

  /**
   * The audit of reads (`GET /audit/reads`): auditors and inspectors. A national one reads every
   * record; the others read the records of readers whose agency lies within their jurisdiction.
   */
  mayReadReadAudit(reader: Reader): boolean {
    return isOverseer(reader);
  }

  /** Whether an overseer sees the audit record of a read made by someone of `actorAgencyCode`. */
  seesReadsOf(reader: Reader, actorAgencyCode: string): boolean {
    return this.oversees(reader, actorAgencyCode);
  }
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
 * Whether the committee a reader issues for issued the plan: what confirming a draft of an already
 * issued document needs to know (an issuer confirming another committee's document is refused).
 */
export function issuesForCommittee(reader: Reader, committee: string): boolean {
  return issuesFor(reader, committee) || actsFor(reader, committee);
}

/**
 * The ledger, its proofs and the event browser (every event of every agency, GET /ledger/*,
 * GET /events): auditors only. Inspectors ask about responsibility through the trails; the raw
 * log is the auditors' evidence.
 */
export function mayReadLedger(reader: Reader): boolean {
  // The log holds every province's events, so a provincial auditor would read outside their
  // jurisdiction: the raw log is for auditors whose token is national.
  return reader.roles.includes('auditor') && reader.national === true;
}
