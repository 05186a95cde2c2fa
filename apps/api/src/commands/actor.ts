import type { Principal } from '#libs/platform';
import type { Actor, ActorRole } from '#libs/tasks';

/** The deciders' view of the caller: who, for which agency, and the roles that decide anything. */
export function actorOf(principal: Principal): Actor {
  const roles = principal.roles.filter((role): role is ActorRole => role === 'officer' || role === 'issuer');
  return {
    personId: principal.personId,
    agencyCode: principal.agencyCode,
    roles,
    ...(principal.issuesFor ? { issuesFor: principal.issuesFor } : {}),
  };
}
