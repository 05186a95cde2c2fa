import type { AgencyDirectory } from '#libs/agencies';
import { planStreamId } from '#libs/plans';
import { ApplicationError, type FieldError } from '../errors.js';
import type { CommandEventStore } from '../ports/event-store.port.js';
import { readStreamState } from './command-processor.js';
import { planModel } from './stream-models.js';

/** Plans issued so far, by id: a plan is issued once and never changes, so a lookup can be kept. */
const KNOWN_PLANS = 10_000;

/**
 * What a task command names outside its own stream: the plan it belongs to and the agencies it
 * hands work to. They are checked before deciding, so a task never points at a plan nobody issued
 * or at an agency the directory does not know. Both are stable facts (plans are immutable once
 * issued, the directory is fixed at start-up), so no race with the append that follows.
 */
export class TaskReferences {
  private readonly issuerOfPlan = new Map<string, string>();

  constructor(
    private readonly store: Pick<CommandEventStore, 'readStream'>,
    private readonly directory: Pick<AgencyDirectory, 'get'>,
  ) {}

  /** `validation` with a pointer per agency code the directory does not know. */
  requireKnownAgencies(references: readonly { pointer: string; agencyCode: string }[]): void {
    const unknown: FieldError[] = references
      .filter(({ agencyCode }) => !this.directory.get(agencyCode))
      .map(({ pointer, agencyCode }) => ({
        pointer,
        detail: `${agencyCode} is not an agency of the directory (GET /agencies lists them)`,
      }));
    if (unknown.length > 0) throw fieldsInvalid(unknown);
  }

  /**
   * The plan must have been issued by the committee the caller issues for: `validation` on
   * /planId otherwise. A plan of another committee gets the same answer as no plan at all, so the
   * answer does not tell whether, or by whom, it was issued.
   */
  async requirePlanIssuedBy(planId: string, issuingAgency: string): Promise<void> {
    const issuer = await this.issuerOf(planId);
    if (issuer === null || issuer !== issuingAgency) {
      throw fieldsInvalid([{ pointer: '/planId', detail: 'Your committee has issued no plan with this id' }]);
    }
  }

  private async issuerOf(planId: string): Promise<string | null> {
    const known = this.issuerOfPlan.get(planId);
    if (known !== undefined) return known;
    const state = await readStreamState(this.store, planStreamId(planId), planModel);
    if (state.status !== 'issued') return null;
    if (this.issuerOfPlan.size >= KNOWN_PLANS) this.issuerOfPlan.clear();
    this.issuerOfPlan.set(planId, state.issuerAgencyCode);
    return state.issuerAgencyCode;
  }
}

function fieldsInvalid(errors: readonly FieldError[]): ApplicationError {
  return new ApplicationError('validation', 'Some fields are missing or wrong; see errors.', { errors });
}
