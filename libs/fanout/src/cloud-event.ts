import type { RecordedEvent } from '#libs/event-store';
import { fanoutMessageId } from './subjects.js';

/**
 * One agency's copy of an event, as a CloudEvents 1.0 structured-mode JSON envelope. The same
 * builder serves NATS and the in-process feed (SSE, `coord watch` without NATS), so both carry
 * identical messages. Extension attribute names are lowercase letters only (CloudEvents 1.0 §
 * naming conventions); their values are strings, so 64-bit positions survive any JSON parser.
 */
export interface CoordCloudEvent<Data = unknown> {
  readonly specversion: '1.0';
  /** `${eventId}:${agencyCode}`: unique per event and agency, equal for every re-delivery. */
  readonly id: string;
  /** Who produced it: 'urn:coord:event-store' unless configured. */
  readonly source: string;
  /** `vn.coord.${EventType}`, e.g. 'vn.coord.TaskAssigned'. */
  readonly type: string;
  /** When the store recorded the event (RFC 3339). */
  readonly time: string;
  /** The event's stream, e.g. 'task-{taskId}' or 'plan-{planId}'. */
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  /** The event's data, exactly as stored (after upcasting). */
  readonly data: Data;
  /** The event id in the store (the same for every agency's copy). */
  readonly coordeventid: string;
  /** The agency this copy is for; equals the agency token of the NATS subject. */
  readonly coordagency: string;
  /** Global position in the store's log, as a decimal string. */
  readonly coordposition: string;
  /** The writing transaction (xid8) as a decimal string; the log is ordered by (transaction, position). */
  readonly coordtransaction: string;
  /** The event's version within its stream (1 for the first), as a decimal string. */
  readonly coordstreamversion: string;
  /** The event type as stored, e.g. 'TaskAssigned'. */
  readonly coordeventtype: string;
  /** Schema version of `data`, as a decimal string. */
  readonly coordschemaversion: string;
  /** When it happened in the world (RFC 3339), as the writer said. */
  readonly coordoccurredat: string;
  /** The person who acted. */
  readonly coordactor: string;
  /** The agency that person acted for. */
  readonly coordactoragency: string;
  readonly coordcorrelationid?: string;
  readonly coordcausationid?: string;
}

export const DEFAULT_CLOUD_EVENT_SOURCE = 'urn:coord:event-store';
export const CLOUD_EVENT_TYPE_PREFIX = 'vn.coord.';
/** The NATS Content-Type header of every message (CloudEvents structured mode). */
export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export function cloudEventType(eventType: string): string {
  return `${CLOUD_EVENT_TYPE_PREFIX}${eventType}`;
}

/** Builds one agency's envelope of an event. Pure: same input, same envelope. */
export function toCloudEvent(
  event: RecordedEvent,
  agencyCode: string,
  options: { readonly source?: string } = {},
): CoordCloudEvent {
  const { metadata } = event;
  return {
    specversion: '1.0',
    id: fanoutMessageId(event.id, agencyCode),
    source: options.source ?? DEFAULT_CLOUD_EVENT_SOURCE,
    type: cloudEventType(event.type),
    time: metadata.recordedAt,
    subject: event.streamId,
    datacontenttype: 'application/json',
    data: event.data,
    coordeventid: event.id,
    coordagency: agencyCode,
    coordposition: event.globalPosition.toString(),
    coordtransaction: event.transactionId.toString(),
    coordstreamversion: String(event.streamVersion),
    coordeventtype: event.type,
    coordschemaversion: String(event.schemaVersion),
    coordoccurredat: metadata.occurredAt,
    coordactor: metadata.actor.personId,
    coordactoragency: metadata.actor.agencyCode,
    ...(metadata.correlationId !== undefined ? { coordcorrelationid: metadata.correlationId } : {}),
    ...(metadata.causationId !== undefined ? { coordcausationid: metadata.causationId } : {}),
  };
}

/**
 * The JSON of the attributes every agency's copy of an event shares (all but `id` and
 * `coordagency`), so an event's data is serialised once however many agencies it concerns.
 */
export function sharedCloudEventJson(envelope: CoordCloudEvent): string {
  const { id: _id, coordagency: _agency, ...shared } = envelope;
  return JSON.stringify(shared);
}

/**
 * The message body of an envelope. Parsed, it equals the envelope (only the key order differs
 * from JSON.stringify); pass `shared` from sharedCloudEventJson to reuse it across agencies.
 */
export function cloudEventJson(envelope: CoordCloudEvent, shared = sharedCloudEventJson(envelope)): string {
  return `{"id":${JSON.stringify(envelope.id)},"coordagency":${JSON.stringify(envelope.coordagency)},${shared.slice(1)}`;
}

/** The global position of an envelope as a bigint. */
export function positionOf(envelope: Pick<CoordCloudEvent, 'coordposition'>): bigint {
  return BigInt(envelope.coordposition);
}

export class InvalidCloudEventError extends Error {
  override readonly name = 'InvalidCloudEventError';
}

const REQUIRED_STRINGS = [
  'id',
  'source',
  'type',
  'time',
  'subject',
  'coordeventid',
  'coordagency',
  'coordposition',
  'coordtransaction',
  'coordstreamversion',
  'coordeventtype',
  'coordschemaversion',
  'coordoccurredat',
  'coordactor',
  'coordactoragency',
] as const;

/** Reads an envelope from a message body, checking the attributes this service relies on. */
export function parseCloudEvent(body: Uint8Array | string): CoordCloudEvent {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidCloudEventError('The message body is not JSON', { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidCloudEventError('The message body is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  if (record.specversion !== '1.0') {
    throw new InvalidCloudEventError(`Unsupported CloudEvents specversion ${String(record.specversion)}`);
  }
  for (const name of REQUIRED_STRINGS) {
    if (typeof record[name] !== 'string' || record[name] === '') {
      throw new InvalidCloudEventError(`The envelope has no "${name}"`);
    }
  }
  if (!/^\d+$/.test(record.coordposition as string)) {
    throw new InvalidCloudEventError(`"coordposition" is not a position: ${String(record.coordposition)}`);
  }
  if (!('data' in record)) throw new InvalidCloudEventError('The envelope has no "data"');
  return record as unknown as CoordCloudEvent;
}
