import type { ReadPolicy } from '#libs/application';
import { problemType, ProblemError, type Principal } from '#libs/platform';

/**
 * Who may read an agency's feed: as for the rest of its work (libs/application access policy):
 * whoever acts for the agency (an issuer's own feed already carries every event of the tasks it
 * issued, since the issuer is a concerned agency of each), and auditors and inspectors (read-only
 * oversight); nobody else.
 */
export function mayReadAgencyFeed(policy: ReadPolicy, principal: Principal, agencyCode: string): boolean {
  return policy.mayReadAgencyWork(principal, agencyCode);
}

/** 403 problem unless the caller may read the agency's feed. */
export function assertMayReadAgencyFeed(policy: ReadPolicy, principal: Principal, agencyCode: string): void {
  if (mayReadAgencyFeed(policy, principal, agencyCode)) return;
  throw new ProblemError({
    type: problemType('feed.forbidden'),
    title: 'Not allowed',
    status: 403,
    code: 'feed.forbidden',
    detail:
      `You act for ${principal.agencyCode}: you may follow that agency's feed, not ${agencyCode}'s ` +
      '(issuers: the agencies below their committee; auditors and inspectors: those of their jurisdiction).',
  });
}
