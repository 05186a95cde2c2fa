import type { SuccessorForFunction } from '#libs/agencies';
import { issuingAgencyOf, type Actor } from '#libs/shared-kernel';
import type { TaskState } from '#libs/tasks';

/**
 * An issuer of the committee that carries on the plans of a committee that ceased to exist
 * (ADR 0032: issuer-dissolved) decides on that committee's tasks as its issuer: the actor the
 * task decider sees issues for the old committee. Anyone else, and any task whose issuing
 * committee still exists, is unchanged.
 */
export function actorForSucceededIssuer(
  actor: Actor,
  task: TaskState,
  successorsOf: (code: string) => readonly SuccessorForFunction[],
): Actor {
  if (task.status === 'none' || !actor.roles.includes('issuer')) return actor;
  const committee = issuingAgencyOf(actor);
  if (committee === task.issuerAgencyCode) return actor;
  const carriesOn = successorsOf(task.issuerAgencyCode).some((s) => s.agencyCode === committee);
  return carriesOn ? { ...actor, issuesFor: task.issuerAgencyCode } : actor;
}
