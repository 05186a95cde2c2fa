// Types only: the client (gRPC, a native bridge) is loaded when a KurrentDB store is opened, not
// by every process that imports the event store. The values below are the client's own constants
// and shapes, which kurrentdb-mapping.unit.spec.ts checks against the client itself.
import type {
  AppendStreamState,
  CurrentStreamState,
  EventData,
  Filter,
  MaxAppendSizeExceededError,
  Position,
  ReadPosition,
  RecordedEvent as KurrentRecordedEvent,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { ConcurrencyError, InvalidAppendError } from '../errors.js';
import {
  START_OF_LOG,
  type EventMetadata,
  type EventMetadataInput,
  type ExpectedVersion,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '../event-store.port.js';

/**
 * Pure translations between the event store port and KurrentDB's client types. Kept apart from
 * the adapter so that every one of them is unit-tested without a server (docs/adr/0024).
 */

/** Streams of this service in KurrentDB are named `<prefix><streamId>`: `coord-task-…`. */
export const DEFAULT_STREAM_PREFIX = 'coord-';

export function kurrentStreamName(prefix: string, streamId: string): string {
  return `${prefix}${streamId}`;
}

/** The service's stream id of a KurrentDB stream, or null for a stream that is not this service's. */
export function serviceStreamId(prefix: string, streamName: string): string | null {
  return streamName.startsWith(prefix) && streamName.length > prefix.length
    ? streamName.slice(prefix.length)
    : null;
}

/** $all, filtered on the server to this service's streams (system and other tenants' events left out). */
export function serviceFilter(prefix: string): Filter {
  // What the client's streamNameFilter({ prefixes: [prefix] }) builds.
  return { filterOn: 'streamName', checkpointInterval: 1, prefixes: [prefix] };
}

/** The client's constants (`START`, `END`, `ANY`, `NO_STREAM`, `FORWARDS`, `BACKWARDS`). */
export const KURRENT = {
  START: 'start',
  END: 'end',
  ANY: 'any',
  NO_STREAM: 'no_stream',
  FORWARDS: 'forwards',
  BACKWARDS: 'backwards',
} as const;

/** The client's CommandError types the adapter tells apart (its ErrorType enum). */
export function isClientError<
  T extends
    | 'wrong-expected-version'
    | 'maximum-append-size-exceeded'
    | 'append-record-size-exceeded'
    | 'stream-not-found',
>(error: unknown, type: T): error is Error & { readonly type: T } {
  return error instanceof Error && (error as { type?: unknown }).type === type;
}

/**
 * KurrentDB orders $all by (commit, prepare); the port orders its log by (transactionId,
 * globalPosition). The commit position plays the transaction, the prepare position (unique per
 * event) the event's own position: the public `position` the API answers.
 */
export function toLogPosition(position: Position): LogPosition {
  return { transactionId: position.commit, globalPosition: position.prepare };
}

export function toKurrentPosition(position: LogPosition): Position {
  return { commit: position.transactionId, prepare: position.globalPosition };
}

/** Where a forward read of $all after `after` starts (the event at `after` itself is dropped). */
export function readFrom(after: LogPosition): ReadPosition {
  return after.transactionId === START_OF_LOG.transactionId &&
    after.globalPosition === START_OF_LOG.globalPosition
    ? KURRENT.START
    : toKurrentPosition(after);
}

/** True when `position` comes strictly after `after` in $all order. */
export function isAfter(position: Position, after: LogPosition): boolean {
  if (position.commit !== after.transactionId) return position.commit > after.transactionId;
  return position.prepare > after.globalPosition;
}

/**
 * Stream versions count from 1, KurrentDB revisions from 0: version v is revision v - 1. A stream
 * at version 0 does not exist yet.
 */
export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  switch (expected.kind) {
    case 'any':
      return KURRENT.ANY;
    case 'no-stream':
      return KURRENT.NO_STREAM;
    case 'exact':
      return expected.version === 0 ? KURRENT.NO_STREAM : BigInt(expected.version - 1);
  }
}

export function streamVersionOf(revision: bigint): number {
  return Number(revision) + 1;
}

export function revisionOf(streamVersion: number): bigint {
  return BigInt(streamVersion - 1);
}

/** The version the port reports for KurrentDB's current state of a stream (0: none). */
export function actualVersionOf(state: CurrentStreamState): number {
  if (state === KURRENT.NO_STREAM) return 0;
  // -5 deleted, -6 tombstoned: the service never deletes streams, so both read as "none".
  return state < 0n ? 0 : streamVersionOf(state);
}

/**
 * KurrentDB's refusals as the port's errors: a wrong expected version is the port's
 * ConcurrencyError (which the application layer turns into its AppendConflict and decides again);
 * an append over the server's size limits is invalid input. Anything else is passed on.
 */
export function mapAppendError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  if (isClientError(error, 'wrong-expected-version')) {
    const refusal = error as unknown as WrongExpectedVersionError;
    return new ConcurrencyError(streamId, expected, actualVersionOf(refusal.actualState));
  }
  if (isClientError(error, 'maximum-append-size-exceeded')) {
    const refusal = error as unknown as MaxAppendSizeExceededError;
    return new InvalidAppendError(
      `The append to ${streamId} is larger than the KurrentDB server accepts (MaxAppendSize ${refusal.maxAppendSize} bytes)`,
    );
  }
  if (isClientError(error, 'append-record-size-exceeded')) {
    const refusal = error as unknown as { size: number; maxSize: number };
    return new InvalidAppendError(
      `An event of ${streamId} is ${refusal.size} bytes, more than the KurrentDB server accepts (${refusal.maxSize})`,
    );
  }
  return error;
}

/**
 * Metadata as stored with each KurrentDB event. The port's fields keep their names; the schema
 * version rides along (KurrentDB has none); `$correlationId` and `$causationId` are KurrentDB's own
 * names for the same ids, so its system projections (`$by_correlation_id`) see them.
 */
export interface KurrentEventMetadata extends EventMetadataInput {
  readonly schemaVersion: number;
  readonly $correlationId?: string;
  readonly $causationId?: string;
}

/**
 * The event as the client writes it. Its id is the port's event id: KurrentDB keeps one copy of
 * a retried append with the same ids at the same expected version (docs/adr/0024).
 */
export function toEventData(event: NewEvent): EventData {
  const { actor, occurredAt, correlationId, causationId, idempotencyKey, recordedAt } = event.metadata;
  const metadata: KurrentEventMetadata = {
    actor: { personId: actor.personId, agencyCode: actor.agencyCode },
    occurredAt,
    ...(correlationId !== undefined ? { correlationId, $correlationId: correlationId } : {}),
    ...(causationId !== undefined ? { causationId, $causationId: causationId } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    // Only for an event copied from another store: the time that store recorded it.
    ...(recordedAt !== undefined ? { recordedAt } : {}),
    schemaVersion: event.schemaVersion ?? 1,
  };
  // What the client's jsonEvent({ id, type, data, metadata }) builds.
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: metadata as unknown as Record<string, unknown>,
  };
}

/**
 * A KurrentDB event of this service as the port's event; null for one that is not (another
 * prefix, a system or binary event). `recordedAt` is the server's `created` time.
 */
export function fromKurrentEvent(prefix: string, event: KurrentRecordedEvent): RecordedEvent | null {
  const streamId = serviceStreamId(prefix, event.streamId);
  if (streamId === null || !event.isJson) return null;
  if (!event.position) {
    // Servers up to 22.6 send no position with a stream's events: the port could not answer one.
    throw new Error(
      `KurrentDB sent ${event.streamId}@${event.revision} without its position: the server is too old (22.10 or later is needed)`,
    );
  }
  const stored = (event.metadata ?? {}) as Partial<KurrentEventMetadata>;
  if (!stored.actor || typeof stored.occurredAt !== 'string') return null;
  const metadata: EventMetadata = {
    actor: stored.actor,
    occurredAt: stored.occurredAt,
    ...(stored.correlationId !== undefined ? { correlationId: stored.correlationId } : {}),
    ...(stored.causationId !== undefined ? { causationId: stored.causationId } : {}),
    ...(stored.idempotencyKey !== undefined ? { idempotencyKey: stored.idempotencyKey } : {}),
    recordedAt: typeof stored.recordedAt === 'string' ? stored.recordedAt : event.created.toISOString(),
  };
  const position = toLogPosition(event.position);
  return {
    id: event.id,
    streamId,
    streamVersion: streamVersionOf(event.revision),
    globalPosition: position.globalPosition,
    transactionId: position.transactionId,
    type: event.type,
    schemaVersion: typeof stored.schemaVersion === 'number' ? stored.schemaVersion : 1,
    data: event.data,
    metadata,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The checks the PostgreSQL adapter makes in SQL, made before anything is sent: KurrentDB would
 * store a NUL (which no projection in PostgreSQL can hold) and would turn an unpaired surrogate
 * into U+FFFD when the client encodes UTF-8, so the text read back would differ from the text
 * written.
 */
export function validateKurrentAppend(streamId: string, events: readonly NewEvent[]): void {
  if (streamId.trim() === '') throw new InvalidAppendError('A stream id is required');
  if (events.length === 0) throw new InvalidAppendError(`Nothing to append to ${streamId}`);
  const ids = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidAppendError(`Event id "${event.id}" is not a uuid`);
    if (ids.has(event.id)) throw new InvalidAppendError(`Event id ${event.id} appears twice in one append`);
    ids.add(event.id);
    if (Number.isNaN(Date.parse(event.metadata.occurredAt))) {
      throw new InvalidAppendError(`Event ${event.id} has no valid occurredAt`);
    }
    const problem = unstorableText([event.data, event.metadata]);
    if (problem) throw new InvalidAppendError(`Event ${event.id} of ${streamId} contains ${problem}`);
  }
}

/** What in a JSON value (its keys included) no PostgreSQL projection could store, or null. */
export function unstorableText(value: unknown): string | null {
  if (typeof value === 'string') return unstorableString(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = unstorableText(item);
      if (problem) return problem;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = unstorableString(key) ?? unstorableText(item);
      if (problem) return problem;
    }
  }
  return null;
}

function unstorableString(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return 'a NUL character';
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'an unpaired high surrogate';
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) return 'an unpaired low surrogate';
  }
  return null;
}
