import { concernedAgencies, responsibleAgency, type TaskEvent } from '#libs/tasks';
import { toIsoInstant } from '../database/columns.js';
import type { TaskChange } from '../framework/projection.js';
import type { TrailEntryRow } from './trail-entry.entity.js';

/** The trail entry of one task event. Trails only grow: an entry never changes once written. */
export function trailEntry(change: TaskChange): TrailEntryRow {
  const { recorded, event } = change;
  const data = event.data as unknown as Record<string, unknown>;
  return {
    globalPosition: recorded.globalPosition.toString(),
    eventId: recorded.id,
    taskId: event.data.taskId,
    planId: event.data.planId,
    streamVersion: recorded.streamVersion,
    type: event.type,
    actorPersonId: recorded.metadata.actor.personId,
    actorAgencyCode: recorded.metadata.actor.agencyCode,
    agencyCode: subjectAgency(event),
    toAgencyCode: typeof data.toAgency === 'string' ? data.toAgency : null,
    concernedAgencies: concernedAgencies(change.before, event),
    occurredAt: toIsoInstant(recorded.metadata.occurredAt),
    recordedAt: toIsoInstant(recorded.metadata.recordedAt),
    reason: typeof data.reason === 'string' ? data.reason : null,
    summary: summarize(event),
    responsibleAgency: responsibleAgency(change.after),
    data,
  };
}

/** The one agency an event is about, or null when it is about the whole task. */
export function subjectAgency(event: TaskEvent): string | null {
  switch (event.type) {
    case 'TaskAcknowledged':
    case 'ProgressReported':
    case 'ExtensionRequested':
    case 'ExtensionGranted':
    case 'ExtensionDenied':
    case 'CompletionSubmitted':
    case 'CompletionAccepted':
    case 'CompletionReturned':
      return event.data.agencyCode;
    case 'HandoffRequested':
    case 'HandoffAccepted':
    case 'HandoffDeclined':
    case 'HandoffWithdrawn':
    case 'HandoffSuperseded':
    case 'TaskReassigned':
      return event.data.fromAgency;
    case 'TaskAssigned':
    case 'TaskCompleted':
    case 'TaskCancelled':
      return null;
    default: {
      const _exhaustive: never = event;
      return null;
    }
  }
}

/** A short English line for lists and exports; the trail's other columns carry the details. */
export function summarize(event: TaskEvent): string {
  switch (event.type) {
    case 'TaskAssigned': {
      const who = event.data.assignees.map((a) => `${a.agencyCode} (${a.role})`).join(', ');
      return `Assigned to ${who}, due ${event.data.dueDate}`;
    }
    case 'TaskAcknowledged':
      return `${event.data.agencyCode} acknowledged the task`;
    case 'ProgressReported':
      return `${event.data.agencyCode} reported progress: ${truncate(event.data.text, 80)}`;
    case 'HandoffRequested':
      return `${event.data.fromAgency} asked to hand its ${event.data.role} role to ${event.data.toAgency}`;
    case 'HandoffAccepted':
      return `${event.data.toAgency} took over the ${event.data.role} role from ${event.data.fromAgency}`;
    case 'HandoffDeclined':
      return `${event.data.toAgency} declined the ${event.data.role} role offered by ${event.data.fromAgency}`;
    case 'HandoffWithdrawn':
      return `${event.data.fromAgency} withdrew its handoff to ${event.data.toAgency}`;
    case 'HandoffSuperseded':
      return `The handoff from ${event.data.fromAgency} to ${event.data.toAgency} was superseded by a reassignment`;
    case 'TaskReassigned':
      return `${event.data.byAgency} reassigned the ${event.data.role} role from ${event.data.fromAgency} to ${event.data.toAgency}`;
    case 'ExtensionRequested':
      return `${event.data.agencyCode} asked to move the due date from ${event.data.currentDueDate} to ${event.data.requestedDueDate}`;
    case 'ExtensionGranted':
      return `${event.data.byAgency} moved the due date from ${event.data.previousDueDate} to ${event.data.dueDate}`;
    case 'ExtensionDenied':
      return `${event.data.byAgency} refused to move the due date to ${event.data.requestedDueDate}; it stays ${event.data.dueDate}`;
    case 'CompletionSubmitted':
      return `${event.data.agencyCode} submitted its completion report`;
    case 'CompletionAccepted':
      return `${event.data.byAgency} accepted the completion of ${event.data.agencyCode}`;
    case 'CompletionReturned':
      return `${event.data.byAgency} returned the completion report of ${event.data.agencyCode}`;
    case 'TaskCompleted':
      return 'The task was completed';
    case 'TaskCancelled':
      return `${event.data.byAgency} cancelled the task`;
    default: {
      const _exhaustive: never = event;
      return 'Unknown event';
    }
  }
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
