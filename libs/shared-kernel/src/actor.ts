/** The roles that decide anything in the domain (auditors and inspectors only read). */
export type ActorRole = 'officer' | 'issuer';

/**
 * Who sends a command, as every decider sees it. Everyone acts only for their own agency; an
 * issuer decides for one committee: `issuesFor` when set (a focal point of the Sở LĐTBXH entering
 * the committee's decisions), else their own agency.
 */
export interface Actor {
  readonly personId: string;
  readonly agencyCode: string;
  readonly roles: readonly ActorRole[];
  /** For an issuer: the committee they decide for, when not `agencyCode` (a focal point). */
  readonly issuesFor?: string | undefined;
}

/** The committee an issuer decides for: `issuesFor`, or their own agency. */
export const issuingAgencyOf = (actor: Pick<Actor, 'agencyCode' | 'issuesFor'>): string =>
  actor.issuesFor ?? actor.agencyCode;
