import type { EventMetadataInput } from '#libs/event-store';

/**
 * What the application layer needs of the event store to run a command: read one stream, append
 * to it at an expected version. Adapters: libs/platform/src/commands/ (PostgreSQL, also over
 * embedded PGlite). The port declares its own conflict error so that the application layer never
 * imports the adapter to recognise one.
 */
export interface CommandEventStore {
  /** The stream's events from `fromVersion` (inclusive, 1 is the first), in version order. */
  readStream(streamId: string, fromVersion: number): Promise<readonly StoredStreamEvent[]>;
  /**
   * Appends all events or none at `expectedVersion` (0: the stream must not exist yet). Rejects
   * with `AppendConflict` when another writer got there first; nothing was written then.
   */
  append(streamId: string, events: readonly EventToAppend[], expectedVersion: number): Promise<Appended>;
}

export interface StoredStreamEvent {
  readonly streamVersion: number;
  /** Its place in the whole log (what a reader's `minPosition` waits for). */
  readonly globalPosition: bigint;
  readonly type: string;
  readonly data: unknown;
  /** When it happened (business time; the append's metadata.occurredAt). */
  readonly metadata: { readonly occurredAt: string };
}

export interface EventToAppend {
  /** Chosen by the writer; the store keeps one copy of an id. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadataInput;
}

export interface Appended {
  /** The stream's version after the append. */
  readonly nextVersion: number;
  readonly lastPosition: bigint;
  readonly positions: readonly bigint[];
}

/**
 * The append was refused because the stream moved on since it was read (another writer appended,
 * or a newer transaction did): nothing was written, and deciding again on fresh state may succeed.
 */
export class AppendConflict extends Error {
  override readonly name = 'AppendConflict';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    options?: { cause?: unknown },
  ) {
    super(`Stream ${streamId} is no longer at version ${expectedVersion}`, options);
  }
}

export function isAppendConflict(error: unknown): error is AppendConflict {
  return error instanceof AppendConflict;
}
