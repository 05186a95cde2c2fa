import type { AllStreamResolvedEvent, KurrentDBClient, ResolvedEvent } from '@kurrent/kurrentdb-client';
import {
  ExpectedVersion,
  START_OF_LOG,
  type AppendResult,
  type AppendWatch,
  type AppendWatcher,
  type EventStore,
  type LogPosition,
  type NewEvent,
  type ReadAllBatch,
  type RecordedEvent,
} from '../event-store.port.js';
import type { Upcaster } from '../upcasting.js';
import { KurrentAppendWatch } from './kurrentdb-append-watch.js';
import {
  DEFAULT_STREAM_PREFIX,
  isClientError,
  KURRENT,
  fromKurrentEvent,
  isAfter,
  kurrentStreamName,
  mapAppendError,
  readFrom,
  revisionOf,
  serviceFilter,
  streamVersionOf,
  toEventData,
  toStreamState,
  validateKurrentAppend,
} from './kurrentdb-mapping.js';

/** What the adapter uses of the client (the real KurrentDBClient in production). */
export type KurrentClient = Pick<
  KurrentDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
>;

export interface KurrentDbEventStoreOptions {
  /** Prefix of this service's stream names in KurrentDB (default `coord-`). */
  readonly streamPrefix?: string;
  readonly upcaster?: Upcaster;
}

/** How far past a prepare position logPositionOf looks for its event (events of one commit). */
const POSITION_LOOKUP_WINDOW = 100;

/**
 * The event store port on KurrentDB (formerly EventStoreDB), through its official client. Streams
 * are KurrentDB streams named `<prefix><streamId>`; the global log is $all filtered to that prefix.
 * What differs from PostgreSQL is in docs/adr/0024-kurrentdb-event-store.md.
 */
export class KurrentDbEventStore implements EventStore {
  readonly streamPrefix: string;
  private readonly upcaster: Upcaster | undefined;
  /** Per stream: the last append made, settled or not. */
  private readonly appending = new Map<string, Promise<void>>();

  constructor(
    private readonly client: KurrentClient,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.streamPrefix = options.streamPrefix ?? DEFAULT_STREAM_PREFIX;
    this.upcaster = options.upcaster;
  }

  /**
   * Connects with a connection string, e.g. `kurrentdb://127.0.0.1:2113?tls=false`. The client is
   * loaded here, so that processes on PostgreSQL never load gRPC and its native bridge.
   */
  static async connect(
    connectionString: string,
    options: KurrentDbEventStoreOptions = {},
  ): Promise<KurrentDbEventStore> {
    const { KurrentDBClient: Client } = await import('@kurrent/kurrentdb-client');
    return new KurrentDbEventStore(Client.connectionString(connectionString), options);
  }

  /** The same server and prefix, read through another upcaster (shares the connection). */
  withUpcaster(upcaster: Upcaster): KurrentDbEventStore {
    return new KurrentDbEventStore(this.client, { streamPrefix: this.streamPrefix, upcaster });
  }

  /**
   * Appends one after another per stream, in the order they were made (as PostgreSQL's group
   * commit does): concurrent gRPC calls could reach the server in another order.
   */
  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion = ExpectedVersion.any,
  ): Promise<AppendResult> {
    // Up to the first await this runs at the call, so the queue keeps the order of the calls.
    validateKurrentAppend(streamId, events);
    const previous = this.appending.get(streamId) ?? Promise.resolve();
    const next = previous.then(() => this.appendNow(streamId, events, expected));
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.appending.set(streamId, settled);
    void settled.then(() => {
      if (this.appending.get(streamId) === settled) this.appending.delete(streamId);
    });
    return await next;
  }

  private async appendNow(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const name = kurrentStreamName(this.streamPrefix, streamId);
    // A retry of an append already stored: answer it with the first positions, as PostgreSQL does.
    const stored = await this.findStored(streamId, events, expected);
    if (stored) return { ...stored, duplicate: true };
    let nextRevision: bigint;
    try {
      const result = await this.client.appendToStream(name, events.map(toEventData), {
        streamState: toStreamState(expected),
      });
      nextRevision = result.nextExpectedRevision;
    } catch (error) {
      throw mapAppendError(error, streamId, expected);
    }
    // The server answers only the last position; each event's is read back.
    const written = await this.readStream(streamId, {
      fromVersion: streamVersionOf(nextRevision) - events.length + 1,
    });
    const ours = written.slice(0, events.length);
    if (!sameIds(ours, events))
      throw new Error(`The events appended to ${streamId} were not found where written`);
    return { ...resultOf(ours), duplicate: false };
  }

  async readStream(streamId: string, options: { fromVersion?: number } = {}): Promise<RecordedEvent[]> {
    const fromVersion = Math.max(1, options.fromVersion ?? 1);
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(kurrentStreamName(this.streamPrefix, streamId), {
        fromRevision: revisionOf(fromVersion),
        direction: KURRENT.FORWARDS,
      });
      for await (const resolved of read) {
        const event = this.toRecorded(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (isClientError(error, 'stream-not-found')) return [];
      throw error;
    }
    return events;
  }

  async readAll(after: LogPosition, limit: number): Promise<ReadAllBatch> {
    const events: RecordedEvent[] = [];
    // The read starts at `after` itself (inclusive), so one more than the limit is asked for.
    const read = this.client.readAll({
      fromPosition: readFrom(after),
      direction: KURRENT.FORWARDS,
      maxCount: limit + 1,
      filter: serviceFilter(this.streamPrefix),
    });
    for await (const resolved of read) {
      const position = resolved.event?.position;
      if (!position || !isAfter(position, after)) continue;
      const event = this.toRecorded(resolved);
      if (event) events.push(event);
      if (events.length === limit) break;
    }
    const last = events.at(-1);
    return {
      events,
      next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
    };
  }

  async logPositionOf(globalPosition: bigint): Promise<LogPosition | null> {
    const read = this.client.readAll({
      fromPosition: { commit: globalPosition, prepare: globalPosition },
      direction: KURRENT.FORWARDS,
      maxCount: POSITION_LOOKUP_WINDOW,
      filter: serviceFilter(this.streamPrefix),
    });
    for await (const resolved of read) {
      const position = resolved.event?.position;
      if (position?.prepare === globalPosition) {
        return { transactionId: position.commit, globalPosition: position.prepare };
      }
    }
    return null;
  }

  async headPosition(): Promise<bigint> {
    return (await this.readableHead()).globalPosition;
  }

  /** $all shows committed events only and never inserts before them: its last event is the head. */
  async readableHead(): Promise<LogPosition> {
    const read = this.client.readAll({
      fromPosition: KURRENT.END,
      direction: KURRENT.BACKWARDS,
      maxCount: 1,
      filter: serviceFilter(this.streamPrefix),
    });
    for await (const resolved of read) {
      const position = resolved.event?.position;
      if (position) return { transactionId: position.commit, globalPosition: position.prepare };
    }
    return START_OF_LOG;
  }

  /** A catch-up subscription to $all from its end, on the filter `readAll` uses (docs/adr/0024). */
  watchAppends(watcher: AppendWatcher): AppendWatch {
    return new KurrentAppendWatch(this.client, this.streamPrefix, watcher);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /**
   * The events of an append already stored where it would write them (a retry after a lost
   * answer), or null. KurrentDB de-duplicates such a retry by itself; this read only lets the
   * answer say `duplicate`, as the port promises.
   */
  private async findStored(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<Omit<AppendResult, 'duplicate'> | null> {
    const fromVersion = expected.kind === 'exact' ? expected.version + 1 : 1;
    if (expected.kind === 'any') {
      const tail = await this.readTail(streamId, events.length);
      return tail.length === events.length && sameIds(tail, events) ? resultOf(tail) : null;
    }
    const candidates = (await this.readStream(streamId, { fromVersion })).slice(0, events.length);
    return candidates.length === events.length && sameIds(candidates, events) ? resultOf(candidates) : null;
  }

  private async readTail(streamId: string, count: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(kurrentStreamName(this.streamPrefix, streamId), {
        fromRevision: KURRENT.END,
        direction: KURRENT.BACKWARDS,
        maxCount: count,
      });
      for await (const resolved of read) {
        const event = this.toRecorded(resolved);
        if (event) events.unshift(event);
      }
    } catch (error) {
      if (isClientError(error, 'stream-not-found')) return [];
      throw error;
    }
    return events;
  }

  private toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
    if (!resolved.event) return null;
    const event = fromKurrentEvent(this.streamPrefix, resolved.event);
    if (!event) return null;
    return this.upcaster ? this.upcaster(event) : event;
  }
}

function sameIds(stored: readonly RecordedEvent[], events: readonly NewEvent[]): boolean {
  return stored.length === events.length && stored.every((event, i) => event.id === events[i]!.id);
}

function resultOf(stored: readonly RecordedEvent[]): Omit<AppendResult, 'duplicate'> {
  const positions = stored.map((event) => event.globalPosition);
  return {
    nextVersion: stored.at(-1)!.streamVersion,
    positions,
    lastPosition: positions.at(-1)!,
  };
}
