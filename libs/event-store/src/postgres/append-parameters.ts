import { InvalidAppendError } from '../errors.js';
import type { ExpectedVersion, NewEvent } from '../event-store.port.js';

/** One append as append_events takes it: a stream, its expected version and its events. */
export interface AppendInput {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

/** PostgreSQL's type oid of json (the element type of a json[] in binary form). */
const JSON_OID = 114;

/** An append whose data and metadata are JSON text that PostgreSQL can store and project. */
export interface EncodedAppend extends AppendInput {
  readonly data: readonly string[];
  readonly metadata: readonly string[];
}

/** Encodes an append's data and metadata, or refuses it (InvalidAppendError) before anything is written. */
export function encodeAppend(append: AppendInput): EncodedAppend {
  return {
    streamId: append.streamId,
    expected: append.expected,
    events: append.events,
    data: append.events.map((event) => storableJson(event, event.data)),
    metadata: append.events.map((event) => storableJson(event, event.metadata)),
  };
}

/**
 * The parameters of append_events for one or many appends, in its argument order. Short values go
 * as ordinary arrays; data and metadata go as json[] in PostgreSQL's binary array format: each
 * document is encoded to UTF-8 once, straight into the buffer sent, and the server checks it
 * without parsing an envelope around it.
 */
export function appendParameters(appends: readonly EncodedAppend[]): unknown[] {
  const events = appends.flatMap((append) => append.events);
  return [
    appends.map((append) => append.streamId),
    appends.map((append) => append.expected.kind),
    appends.map((append) => (append.expected.kind === 'exact' ? append.expected.version : null)),
    appends.map((append) => append.events.length),
    events.map((event) => event.id),
    events.map((event) => event.type),
    events.map((event) => event.schemaVersion ?? 1),
    jsonArray(appends.flatMap((append) => append.data)),
    jsonArray(appends.flatMap((append) => append.metadata)),
    events.map((event) => event.metadata.occurredAt),
  ];
}

/**
 * A one-dimensional json[] in binary form: a header (dimensions, null flag, element type, length,
 * lower bound), then each element as its byte length and its UTF-8 text.
 */
function jsonArray(texts: readonly string[]): Buffer {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit, so this is always enough room.
  let capacity = 20;
  for (const text of texts) capacity += 4 + text.length * 3;
  const buffer = Buffer.allocUnsafe(capacity);
  buffer.writeInt32BE(1, 0); // dimensions
  buffer.writeInt32BE(0, 4); // no nulls
  buffer.writeUInt32BE(JSON_OID, 8);
  buffer.writeInt32BE(texts.length, 12);
  buffer.writeInt32BE(1, 16); // lower bound
  let offset = 20;
  for (const text of texts) {
    const length = buffer.write(text, offset + 4, 'utf8');
    buffer.writeInt32BE(length, offset);
    offset += 4 + length;
  }
  return buffer.subarray(0, offset);
}

/**
 * An event's data or metadata as JSON text, refused when it holds text that PostgreSQL's jsonb and
 * text columns cannot: the NUL character, or half of a surrogate pair. Such an event could be
 * stored (as json) but never projected, so it is refused before anything is written.
 */
function storableJson(event: NewEvent, value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) {
    throw new InvalidAppendError(`Event ${event.id} has data or metadata that is not JSON`);
  }
  // JSON.stringify writes \u escapes only for control characters and lone surrogates; an escaped
  // backslash before "u" is the text "\u", so only an odd run of backslashes starts an escape.
  if (text.includes('\\u') && UNSTORABLE_ESCAPE.test(text)) {
    throw new InvalidAppendError(
      `Event ${event.id} holds text PostgreSQL cannot store (a NUL character or an unpaired surrogate)`,
    );
  }
  return text;
}

const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;
