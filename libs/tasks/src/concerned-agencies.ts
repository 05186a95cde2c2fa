import type { TaskEvent } from './task.events.js';
import { pendingHandoffs, responsibleAgency, type TaskState } from './task.state.js';

/**
 * Every agency an event concerns, for the per-agency projections and the notification fan-out
 * (NATS subject coord.agency.{code}.{event-type}). Pass the task state *before* the event.
 *
 * Order is stable and duplicates are dropped:
 *   1. the agencies the event is about (assignees; handoff sender then receiver; reassignment
 *      from then to; the assignee whose ack, progress, extension or completion it is);
 *   2. the responsible agency (the lead), which consolidates and reports on the task;
 *   3. the issuer.
 * Events that change the task for everyone (TaskAssigned, ExtensionGranted, TaskCompleted,
 * TaskCancelled) concern every current assignee; closing events also concern the receivers of
 * handoffs that lapse with them.
 */
export function concernedAgencies(stateBefore: TaskState, event: TaskEvent): string[] {
  const issuer = stateBefore.status === 'none' ? null : stateBefore.issuerAgencyCode;
  const lead = responsibleAgency(stateBefore);
  const assignees = stateBefore.status === 'none' ? [] : stateBefore.assignees.map((a) => a.agencyCode);
  // A party's yearly report reaches the focal agency that consolidates it.
  const focal = stateBefore.status === 'none' ? null : (stateBefore.reportsTo ?? null);

  switch (event.type) {
    case 'TaskAssigned':
      return unique([
        ...event.data.assignees.map((a) => a.agencyCode),
        event.data.reportsTo ?? null,
        event.data.issuerAgencyCode,
      ]);
    case 'TaskAcknowledged':
    case 'ProgressReported':
    case 'ExtensionRequested':
    case 'ExtensionDenied':
      return unique([event.data.agencyCode, lead, issuer]);
    case 'CompletionSubmitted':
    case 'CompletionAccepted':
    case 'CompletionReturned':
      return unique([event.data.agencyCode, lead, focal, issuer]);
    case 'HandoffRequested':
    case 'HandoffAccepted':
    case 'HandoffDeclined':
    case 'HandoffWithdrawn':
    case 'HandoffSuperseded':
    case 'TaskReassigned':
      return unique([event.data.fromAgency, event.data.toAgency, lead, issuer]);
    case 'ExtensionGranted':
      return unique([event.data.agencyCode, ...assignees, issuer]);
    case 'TaskCompleted':
    case 'TaskCancelled':
      return unique([...assignees, ...pendingHandoffs(stateBefore).map((h) => h.toAgency), focal, issuer]);
    default: {
      const _exhaustive: never = event;
      return [];
    }
  }
}

function unique(codes: readonly (string | null)[]): string[] {
  const seen: string[] = [];
  for (const code of codes) if (code !== null && !seen.includes(code)) seen.push(code);
  return seen;
}
