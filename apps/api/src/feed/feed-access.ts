import { problemType, ProblemError, type Principal } from '#libs/platform';

/**
 * Who may read an agency's feed:
 * - an officer or an issuer: their own agency's feed only (an issuer's own feed already carries
 *   every event of the tasks it issued, since the issuer is a concerned agency of each);
 * - an auditor or an inspector: any agency's feed, read-only oversight of the decision history
 *   and of who was responsible when;
 * - anybody else (a token with none of these roles): nothing.
 */
export function mayReadAgencyFeed(principal: Principal, agencyCode: string): boolean {
  if (principal.roles.includes('auditor') || principal.roles.includes('inspector')) return true;
  const actsForAgency = principal.roles.includes('officer') || principal.roles.includes('issuer');
  return actsForAgency && principal.agencyCode === agencyCode;
}

/** 403 problem unless the caller may read the agency's feed. */
export function assertMayReadAgencyFeed(principal: Principal, agencyCode: string): void {
  if (mayReadAgencyFeed(principal, agencyCode)) return;
  throw new ProblemError({
    type: problemType('feed.forbidden'),
    title: 'Not allowed',
    status: 403,
    code: 'feed.forbidden',
    detail:
      `You act for ${principal.agencyCode}: you may follow that agency's feed, not ${agencyCode}'s ` +
      "(auditors and inspectors may follow any agency's feed).",
  });
}
