import { createHash } from 'node:crypto';
import {
  ExpectedVersion,
  readLogBatches,
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '../event-store.port.js';

/**
 * Copying the log from one event store to another (`coord migrate-store`), written against the
 * port only, so that the same code copies PostgreSQL to KurrentDB, KurrentDB to PostgreSQL, or
 * PostgreSQL to PGlite (as its tests do).
 */

/** Where a copy stands, kept durably so that an interrupted copy resumes (PostgresCopyJournal). */
export interface CopyJournal {
  /** The source position of the last event copied (START_OF_LOG when none). */
  load(): Promise<LogPosition>;
  /** Records a batch: each source position with the target position it was copied to, and where the copy stands. */
  record(copied: readonly MappedPosition[], next: LogPosition): Promise<void>;
}

export interface MappedPosition {
  readonly source: bigint;
  readonly target: bigint;
}

export interface CopyProgress {
  /** Events copied by this run. */
  readonly copied: number;
  /** Events of this run the target already held (a copy resumed after its last record). */
  readonly alreadyPresent: number;
  /** The source position reached, and the source's head when the copy began. */
  readonly position: bigint;
  readonly head: bigint;
}

export interface CopyOptions {
  readonly journal: CopyJournal;
  readonly batchSize?: number;
  readonly onProgress?: (progress: CopyProgress) => void;
}

/**
 * Copies every event after the journal's position, in log order, each with its id, stream,
 * version, type, schema version, data and metadata (its original `recordedAt` included). Each
 * event is appended at the exact version it had, so an event the target already holds (a
 * resumed copy) is answered as a duplicate and never written twice, and a target stream that
 * holds anything else stops the copy with a ConcurrencyError.
 */
export async function copyLog(
  source: EventStore,
  target: EventStore,
  options: CopyOptions,
): Promise<CopyProgress> {
  const batchSize = options.batchSize ?? 500;
  const head = await source.headPosition();
  let position = await options.journal.load();
  let copied = 0;
  let alreadyPresent = 0;
  // The next page is read while this one is appended (readLogBatches), until a read finds nothing
  // new: what was committed meanwhile is copied too.
  for await (const batch of readLogBatches(source, position, batchSize)) {
    const mapped: MappedPosition[] = [];
    // Consecutive events of one stream go in one append, as they were most likely written.
    for (const run of streamRuns(batch.events)) {
      const first = run[0]!;
      const result = await target.append(
        first.streamId,
        run.map(asNewEvent),
        ExpectedVersion.exact(first.streamVersion - 1),
      );
      if (result.duplicate) alreadyPresent += run.length;
      else copied += run.length;
      run.forEach((event, i) => mapped.push({ source: event.globalPosition, target: result.positions[i]! }));
    }
    await options.journal.record(mapped, batch.next);
    position = batch.next;
    options.onProgress?.({ copied, alreadyPresent, position: position.globalPosition, head });
  }
  return { copied, alreadyPresent, position: position.globalPosition, head };
}

/** The event as it is appended to the target: what it was, with the time it was first recorded. */
export function asNewEvent(event: RecordedEvent): NewEvent {
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
  };
}

function streamRuns(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const runs: RecordedEvent[][] = [];
  for (const event of events) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && last.streamId === event.streamId && last.streamVersion + 1 === event.streamVersion) {
      run.push(event);
    } else {
      runs.push([event]);
    }
  }
  return runs;
}

/** One stream as the verification sees it. */
export interface StreamSummary {
  readonly version: number;
  readonly events: number;
  /** sha256 over each event's id, version, type, schema version, data and metadata, in order. */
  readonly digest: string;
}

export interface LogSummary {
  readonly events: number;
  readonly streams: ReadonlyMap<string, StreamSummary>;
}

/** Reads a whole log and sums it up per stream. */
export async function summarizeLog(store: EventStore, batchSize = 1000): Promise<LogSummary> {
  const streams = new Map<string, { version: number; events: number; hash: ReturnType<typeof createHash> }>();
  let events = 0;
  for await (const batch of readLogBatches(store, START_OF_LOG, batchSize)) {
    for (const event of batch.events) {
      let stream = streams.get(event.streamId);
      if (!stream) {
        stream = { version: 0, events: 0, hash: createHash('sha256') };
        streams.set(event.streamId, stream);
      }
      stream.version = Math.max(stream.version, event.streamVersion);
      stream.events += 1;
      stream.hash.update(canonicalEvent(event)).update('\n');
      events += 1;
    }
  }
  const summaries = new Map<string, StreamSummary>();
  for (const [id, stream] of streams) {
    summaries.set(id, { version: stream.version, events: stream.events, digest: stream.hash.digest('hex') });
  }
  return { events, streams: summaries };
}

/** What verification compares: everything but the positions, which each store numbers its own way. */
function canonicalEvent(event: RecordedEvent): string {
  const { actor, occurredAt, correlationId, causationId, idempotencyKey, recordedAt } = event.metadata;
  return JSON.stringify([
    event.id,
    event.streamVersion,
    event.type,
    event.schemaVersion,
    event.data,
    [actor.personId, actor.agencyCode, occurredAt, correlationId, causationId, idempotencyKey, recordedAt],
  ]);
}

export interface CopyVerification {
  readonly ok: boolean;
  readonly sourceEvents: number;
  readonly targetEvents: number;
  readonly sourceStreams: number;
  readonly targetStreams: number;
  /** At most 20 differences, each naming its stream. */
  readonly differences: readonly string[];
}

/**
 * Verifies a copy: the same number of events and streams, and each stream at the same version
 * with the same events (ids, types, data and metadata, in order).
 */
export async function verifyCopy(source: EventStore, target: EventStore): Promise<CopyVerification> {
  const [from, to] = await Promise.all([summarizeLog(source), summarizeLog(target)]);
  const differences: string[] = [];
  const note = (difference: string) => {
    if (differences.length < 20) differences.push(difference);
  };
  for (const [id, stream] of from.streams) {
    const copy = to.streams.get(id);
    if (!copy) note(`${id}: missing from the target (version ${stream.version})`);
    else if (copy.version !== stream.version) {
      note(`${id}: version ${copy.version} in the target, ${stream.version} in the source`);
    } else if (copy.events !== stream.events || copy.digest !== stream.digest) {
      note(`${id}: its events differ from the source's`);
    }
  }
  for (const id of to.streams.keys()) if (!from.streams.has(id)) note(`${id}: only in the target`);
  if (from.events !== to.events) note(`${to.events} events in the target, ${from.events} in the source`);
  return {
    ok: differences.length === 0,
    sourceEvents: from.events,
    targetEvents: to.events,
    sourceStreams: from.streams.size,
    targetStreams: to.streams.size,
    differences,
  };
}
