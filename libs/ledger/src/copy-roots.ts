import { RootBuilder, entryLeafHash, type LedgerEntry } from '#libs/ledger-verifier';
import { START_OF_LOG, type EventStore, type LogPosition } from '#libs/event-store';
import type { StoredCheckpoint } from './checkpoints.js';
import { entryOfRecorded } from './ledger-entries.js';
import type { LedgerStore } from './ledger-store.js';

/**
 * `coord migrate-store`'s ledger check: the RFC 9162 root over a log's leaves, for the source and
 * for the copy, and the source's root at the size of its last signed checkpoint.
 */

/** Reads a log in its order, as ledger entries, in batches. */
export type EntryReader = (
  after: LogPosition,
  limit: number,
) => Promise<{ entries: readonly LedgerEntry[]; next: LogPosition }>;

/** The port's readAll, as copy-invariant entries (entryOfRecorded). */
export function portEntryReader(store: EventStore): EntryReader {
  return async (after, limit) => {
    const batch = await store.readAll(after, limit);
    return { entries: batch.events.map(entryOfRecorded), next: batch.next };
  };
}

/** The PostgreSQL log as its ledger reads it: the stored JSON, recordedAt to the microsecond. */
export function ledgerEntryReader(ledger: LedgerStore): EntryReader {
  return (after, limit) => ledger.readEntries(after, limit);
}

export interface LogRoot {
  readonly size: bigint;
  readonly root: Buffer;
  /** The root after `atSize` leaves, when the log has that many. */
  readonly rootAtSize?: Buffer;
}

/** Sums a log up as the ledger would: the root over all its leaves (and at one size, if asked). */
export async function logRoot(read: EntryReader, atSize?: bigint, batchSize = 1000): Promise<LogRoot> {
  const builder = new RootBuilder();
  let rootAtSize = atSize === 0n ? builder.root() : undefined;
  let position = START_OF_LOG;
  for (;;) {
    const { entries, next } = await read(position, batchSize);
    if (entries.length === 0) break;
    for (const entry of entries) {
      builder.append(entryLeafHash(entry));
      if (builder.size === atSize) rootAtSize = builder.root();
    }
    position = next;
  }
  return { size: builder.size, root: builder.root(), ...(rootAtSize ? { rootAtSize } : {}) };
}

export interface LeafDifference {
  readonly leafIndex: bigint;
  /** `stream@version (event id)` of each side's leaf, or undefined when that side has none. */
  readonly source: string | undefined;
  readonly target: string | undefined;
}

export interface CopyRootComparison {
  readonly ok: boolean;
  readonly source: LogRoot;
  readonly target: LogRoot;
  /** The first leaf whose hash differs, when the roots differ. */
  readonly firstDifference?: LeafDifference;
  /** The source's last signed checkpoint, and whether the source's ledger root at its size is its root. */
  readonly checkpoint?: {
    readonly treeSize: bigint;
    readonly root: Buffer;
    /** Undefined when the source's ledger has fewer leaves than the checkpoint. */
    readonly sourceRoot: Buffer | undefined;
    readonly matches: boolean;
  };
}

export interface CopyRootOptions {
  /** The source's last signed checkpoint, when the source has a ledger. */
  readonly checkpoint?: StoredCheckpoint;
  /**
   * The source's log as its ledger reads it (LedgerStore.readAll's entries on PostgreSQL:
   * recordedAt to the microsecond); by default the port's entries.
   */
  readonly sourceLedger?: EntryReader;
  readonly batchSize?: number;
}

/**
 * Compares the roots over the source's and the copy's leaves (copy-invariant entries read through
 * the port), finds the first differing leaf when they differ, and checks the source's ledger root
 * at the size of its last signed checkpoint against that checkpoint's root.
 */
export async function compareCopyRoots(
  source: EventStore,
  target: EventStore,
  options: CopyRootOptions = {},
): Promise<CopyRootComparison> {
  const batchSize = options.batchSize ?? 1000;
  const [from, to] = await Promise.all([
    logRoot(portEntryReader(source), undefined, batchSize),
    logRoot(portEntryReader(target), undefined, batchSize),
  ]);
  const same = from.size === to.size && from.root.equals(to.root);
  const firstDifference = same ? undefined : await firstDifferingLeaf(source, target, batchSize);

  let checkpoint: CopyRootComparison['checkpoint'];
  if (options.checkpoint) {
    const { treeSize, root } = options.checkpoint;
    const ledger = await logRoot(options.sourceLedger ?? portEntryReader(source), treeSize, batchSize);
    checkpoint = {
      treeSize,
      root,
      sourceRoot: ledger.rootAtSize,
      matches: ledger.rootAtSize !== undefined && ledger.rootAtSize.equals(root),
    };
  }
  return {
    ok: same && (checkpoint?.matches ?? true),
    source: from,
    target: to,
    ...(firstDifference ? { firstDifference } : {}),
    ...(checkpoint ? { checkpoint } : {}),
  };
}

async function firstDifferingLeaf(
  source: EventStore,
  target: EventStore,
  batchSize: number,
): Promise<LeafDifference | undefined> {
  const name = (entry: LedgerEntry | undefined) =>
    entry ? `${entry.streamId}@${entry.streamVersion} (${entry.eventId})` : undefined;
  let [a, b] = [START_OF_LOG, START_OF_LOG];
  let index = 0n;
  for (;;) {
    const [left, right] = await Promise.all([
      portEntryReader(source)(a, batchSize),
      portEntryReader(target)(b, batchSize),
    ]);
    const n = Math.max(left.entries.length, right.entries.length);
    if (n === 0) return undefined;
    for (let i = 0; i < n; i++, index++) {
      const [x, y] = [left.entries[i], right.entries[i]];
      if (!x || !y || !entryLeafHash(x).equals(entryLeafHash(y))) {
        return { leafIndex: index, source: name(x), target: name(y) };
      }
    }
    [a, b] = [left.next, right.next];
  }
}
