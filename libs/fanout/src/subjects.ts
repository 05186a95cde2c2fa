/**
 * NATS names used by the fan-out: one subject per (agency, event type), one stream for them all.
 *
 *   coord.agency.{agency-code}.{EventType}     e.g. coord.agency.lc-so-ldtbxh.TaskAssigned
 */

export const DEFAULT_SUBJECT_PREFIX = 'coord.agency';
export const DEFAULT_STREAM_NAME = 'COORD_AGENCY';

/**
 * A subject token: no dots, wildcards or whitespace. Agency codes of the directory are lowercase
 * words joined by hyphens (libs/agencies AGENCY_CODE_PATTERN), event types are PascalCase; both
 * are used verbatim, so the token rule here is the wider one NATS itself imposes.
 */
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function isSubjectToken(value: string): boolean {
  return SUBJECT_TOKEN.test(value);
}

export function assertSubjectPrefix(prefix: string): string {
  if (!SUBJECT_PREFIX.test(prefix)) {
    throw new Error(`"${prefix}" is not a valid subject prefix (dot-separated tokens, no wildcards)`);
  }
  return prefix;
}

function assertToken(value: string, what: string): string {
  if (!isSubjectToken(value)) {
    throw new Error(`${what} "${value}" cannot be a NATS subject token (letters, digits, '-' and '_' only)`);
  }
  return value;
}

/** The subject of one agency's copy of an event: `coord.agency.{code}.{EventType}`. */
export function agencySubject(
  agencyCode: string,
  eventType: string,
  prefix = DEFAULT_SUBJECT_PREFIX,
): string {
  return `${prefix}.${assertToken(agencyCode, 'Agency code')}.${assertToken(eventType, 'Event type')}`;
}

/** Everything for one agency: `coord.agency.{code}.>`. */
export function agencyFilterSubject(agencyCode: string, prefix = DEFAULT_SUBJECT_PREFIX): string {
  return `${prefix}.${assertToken(agencyCode, 'Agency code')}.>`;
}

/** Every agency: `coord.agency.>` (the stream's subject). */
export function allAgenciesSubject(prefix = DEFAULT_SUBJECT_PREFIX): string {
  return `${prefix}.>`;
}

/**
 * The id of one agency's copy of an event: the CloudEvents `id` and the `Nats-Msg-Id` header.
 * The same event for the same agency always gets the same id, so JetStream drops a re-publish
 * within its duplicate window and consumers can drop one beyond it.
 */
export function fanoutMessageId(eventId: string, agencyCode: string): string {
  return `${eventId}:${agencyCode}`;
}

/** The default durable consumer name of an agency. */
export function agencyDurableName(agencyCode: string): string {
  return `agency-${assertToken(agencyCode, 'Agency code')}`;
}
