import type { EntityManager } from 'typeorm';
import type { PlanAudience, ReadPolicy, Reader } from '#libs/application';
import { isPartyToPlan } from '#libs/projections';

/**
 * Who a plan is read by, as far as this caller is concerned: its committee, and whether the
 * caller's agency is a party to one of its tasks. The tasks are looked at only when the committee
 * alone does not let the caller read the plan (most reads are by its issuer or an overseer).
 */
export async function planAudienceFor(
  manager: EntityManager,
  policy: ReadPolicy,
  reader: Reader,
  plan: { readonly planId: string; readonly issuerAgencyCode: string },
): Promise<PlanAudience> {
  const byCommittee = { issuerAgencyCode: plan.issuerAgencyCode, readerAgencyIsParty: false };
  if (policy.mayReadPlan(reader, byCommittee)) return byCommittee;
  return {
    ...byCommittee,
    readerAgencyIsParty: await isPartyToPlan(manager, plan.planId, reader.agencyCode),
  };
}
