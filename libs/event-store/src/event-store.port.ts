/**
 * The event store port. Everything the service knows is an event appended here; projections,
 * feeds and audits read it back. Adapters: PostgreSQL (also used over embedded PGlite) and,
 * optionally, KurrentDB.
 */

/** Who did something, and for which agency. */
export interface Actor {
  readonly personId: string;
  readonly agencyCode: string;
}

/** Metadata the caller supplies with every event. */
export interface EventMetadataInput {
  readonly actor: Actor;
  /** When it happened in the world (a report's date, a decision's date), ISO 8601. */
  readonly occurredAt: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** The Idempotency-Key of the command that wrote the event, if any. */
  readonly idempotencyKey?: string;
  /**
   * Only for an event copied from another store (`coord migrate-store`): when the first store
   * recorded it, which the copy keeps instead of its own clock. Commands never set it.
   */
  readonly recordedAt?: string;
}

/** Metadata as stored: the input plus the time the store recorded the event. */
export interface EventMetadata extends Omit<EventMetadataInput, 'recordedAt'> {
  /** When the store recorded the event (database clock), ISO 8601. */
  readonly recordedAt: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** A uuid chosen by the writer; appending the same id twice stores one copy. */
  readonly id: string;
  readonly type: Type;
  /** Version of the event's data schema; old versions are upcast on read. */
  readonly schemaVersion?: number;
  readonly data: Data;
  readonly metadata: EventMetadataInput;
}

/**
 * Where an event sits in the global log. The log is ordered by (transactionId, globalPosition):
 * a subscriber only reads transactions that no running transaction can still precede, so this
 * order never changes once read (see docs/adr/0002-global-order-by-transaction-id.md).
 */
export interface LogPosition {
  readonly transactionId: bigint;
  readonly globalPosition: bigint;
}

export const START_OF_LOG: LogPosition = { transactionId: 0n, globalPosition: 0n };

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly id: string;
  readonly streamId: string;
  /** 1 for the first event of a stream. */
  readonly streamVersion: number;
  /** Unique, increasing with time of insert; the public "position" of an event. */
  readonly globalPosition: bigint;
  readonly transactionId: bigint;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/** What the writer expects the stream's current version to be. */
export type ExpectedVersion =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'exact'; readonly version: number };

export const ExpectedVersion = {
  any: { kind: 'any' } as ExpectedVersion,
  noStream: { kind: 'no-stream' } as ExpectedVersion,
  exact: (version: number): ExpectedVersion => ({ kind: 'exact', version }),
};

export interface AppendResult {
  /** The stream's version after the append. */
  readonly nextVersion: number;
  /** Global position of the last event written (or found, for a retried append). */
  readonly lastPosition: bigint;
  readonly positions: readonly bigint[];
  /** True when every event id was already stored: a retry that wrote nothing. */
  readonly duplicate: boolean;
}

export interface ReadAllBatch {
  readonly events: readonly RecordedEvent[];
  /** Where the next read continues; equals `after` when nothing new was readable. */
  readonly next: LogPosition;
}

export interface EventStore {
  /** Appends atomically; all events or none. */
  append(streamId: string, events: readonly NewEvent[], expected?: ExpectedVersion): Promise<AppendResult>;
  /** The stream in version order, optionally from a version (inclusive). */
  readStream(streamId: string, options?: { fromVersion?: number }): Promise<RecordedEvent[]>;
  /** Committed events after a log position, in log order, at most `limit`. */
  readAll(after: LogPosition, limit: number): Promise<ReadAllBatch>;
  /**
   * Optional, for a store that reads the next page sooner than a caller of readAll could: the pages
   * readAll would answer from `after` on, as readLogBatches gives them. Callers use
   * `readLogBatches`, which falls back on readAll for the other stores. A wrapper of a store that
   * changes what readAll answers must leave this out (or wrap it too): readLogBatches would read
   * around it.
   */
  readBatches?(after: LogPosition, limit: number): AsyncGenerator<ReadAllBatch, void, undefined>;
  /** The log position of the event at a global position, or null if there is none. */
  logPositionOf(globalPosition: bigint): Promise<LogPosition | null>;
  /** The newest global position (0 when empty). */
  headPosition(): Promise<bigint>;
  /**
   * The log position of the newest event a reader can see for good (START_OF_LOG when none):
   * where a subscriber that wants only what comes next starts, with nothing still committing
   * before it.
   */
  readableHead(): Promise<LogPosition>;
  /**
   * Optional, for a store whose server can tell a process that another one appended (KurrentDB):
   * starts telling `watcher` soon after anything is appended to this service's log, by any
   * process. A notice is only a hint to read now: one may stand for many events or for none new,
   * and notices may be lost while the watch reconnects, so readers keep polling as a safety net.
   * A store without it (PostgreSQL) is only polled.
   */
  watchAppends?(watcher: AppendWatcher): AppendWatch;
  close(): Promise<void>;
}

/**
 * The log after `after`, in the pages readAll answers (at most `limit` events each), until a read
 * finds nothing (an empty page is not yielded): how a consumer catches up (ADR 0044, 2026-12-07).
 * After a full page the next one is read while the caller handles this one (readPagesAhead).
 */
export function readLogBatches(
  store: Pick<EventStore, 'readAll' | 'readBatches'>,
  after: LogPosition,
  limit: number,
): AsyncGenerator<ReadAllBatch, void, undefined> {
  if (store.readBatches) return store.readBatches(after, limit);
  return readPagesAhead(after, limit, (from) => store.readAll(from, limit), {
    size: (batch) => batch.events.length,
    end: (batch) => batch.next,
    toBatch: (batch) => batch,
  });
}

/**
 * Pages of the log from `after` on, until a read finds nothing: a page shorter than `limit` is not
 * taken for the end, since a store may leave events out of a page (KurrentDB, those it cannot map).
 * As soon as a full page is in, the next one is asked for, before this one is made into events
 * (`toBatch`) and handed over: the store reads it while this process parses and the caller
 * handles. After a short page the next read waits for the caller: nothing is read ahead at the
 * readable head. One read in flight, and none once the caller stops; the read ahead's failure is
 * thrown where the caller asks for that page.
 */
export async function* readPagesAhead<Page>(
  after: LogPosition,
  limit: number,
  read: (after: LogPosition) => Promise<Page>,
  page: {
    readonly size: (page: Page) => number;
    /** The position of the page's last event. */
    readonly end: (page: Page) => LogPosition;
    readonly toBatch: (page: Page, after: LogPosition) => ReadAllBatch;
  },
): AsyncGenerator<ReadAllBatch, void, undefined> {
  if (limit <= 0) return;
  let from = after;
  let ahead: Promise<Page> | null = null;
  for (;;) {
    const current: Page = await (ahead ?? read(from));
    ahead = null;
    const size = page.size(current);
    if (size === 0) return;
    if (size >= limit) {
      ahead = read(page.end(current));
      // Its failure is thrown when it is awaited above; a caller that stops first never sees it.
      ahead.catch(() => undefined);
    }
    const batch = page.toBatch(current, from);
    from = batch.next;
    yield batch;
  }
}

/** Told by `EventStore.watchAppends` that the log has grown. */
export interface AppendWatcher {
  /** Something was appended (bursts are coalesced into fewer calls). */
  appended(): void;
  /**
   * The watch broke and is set up again in `retryInMs`; once it is, `appended` is called once for
   * whatever was appended in between.
   */
  interrupted?(error: unknown, retryInMs: number): void;
}

/** A running watch of appends. */
export interface AppendWatch {
  /** Stops the watch; no notice is given after it resolves. */
  close(): Promise<void>;
}

/** Compares two log positions: negative when a precedes b. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition !== b.globalPosition) return a.globalPosition < b.globalPosition ? -1 : 1;
  return 0;
}
