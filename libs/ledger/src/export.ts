import { START_OF_LOG, type LogPosition } from '#libs/event-store';
import { canonicalOrder, EXPORT_FORMAT, type ExportRecord } from '#libs/ledger-verifier';
import type { LedgerCheckpoints } from './checkpoints.js';
import { entryOf } from './ledger-entries.js';
import type { LedgerStore } from './ledger-store.js';

export interface ExportOptions {
  /** First leaf to write (a resumed export); 0 for a whole one. */
  readonly fromLeaf?: bigint;
  /** The log's verifier keys, current and previous. */
  readonly publicKeys: readonly string[];
  readonly origin: string;
  /** Leaves read per query. */
  readonly pageSize?: number;
  /** Told how many leaves are written so far and how many in all. */
  readonly onProgress?: (written: bigint, total: bigint) => void;
}

/**
 * The log as export records: a header, the events of the global log in its order up to the
 * newest checkpoint's size (each with the leaf and leaf hash the ledger recorded for it), and
 * each checkpoint (with its cosignatures) right after the event that completes its size. It reads
 * the events table itself, not the ledger's copy of it: what the verifier checks is the log.
 * Streams: one page of events in memory at a time.
 */
export async function* exportLedger(
  store: LedgerStore,
  checkpoints: LedgerCheckpoints,
  options: ExportOptions,
): AsyncGenerator<ExportRecord> {
  const from = options.fromLeaf ?? 0n;
  const latest = await checkpoints.latest();
  const end = latest?.treeSize ?? 0n;
  const pending = (await checkpoints.upTo(end)).filter((c) => c.treeSize > from);
  yield {
    kind: 'header',
    format: EXPORT_FORMAT,
    origin: options.origin,
    publicKeys: options.publicKeys,
    fromLeaf: from.toString(),
  };
  const page = options.pageSize ?? 2_000;
  let after: LogPosition = START_OF_LOG;
  if (from > 0n) {
    const resumeAfter = await store.positionOfLeaf(from - 1n);
    if (!resumeAfter) throw new Error(`the ledger has no leaf ${from - 1n} to resume after`);
    after = resumeAfter;
  }
  let next = 0;
  let index = from;
  while (index < end) {
    const batch = await store.logEntries(after, Math.min(page, Number(end - index)));
    if (batch.length === 0) break;
    for (const { row, leafIndex, leafHash } of batch) {
      yield {
        kind: 'event',
        position: row.position_text,
        ...(leafIndex !== undefined ? { leafIndex: leafIndex.toString() } : {}),
        ...(leafHash ? { leafHash: leafHash.toString('base64') } : {}),
        // In canonical member order: the verifier then canonicalises it without a copy.
        entry: canonicalOrder(entryOf(row)),
      };
      index++;
      while (next < pending.length && pending[next]!.treeSize <= index)
        yield checkpointRecord(pending[next++]!);
    }
    const last = batch[batch.length - 1]!.row;
    after = { transactionId: BigInt(last.tx_text), globalPosition: BigInt(last.position_text) };
    options.onProgress?.(index - from, end - from);
  }
  // Checkpoints beyond the events the log still holds (it was truncated) are exported all the same.
  while (next < pending.length) yield checkpointRecord(pending[next++]!);
}

function checkpointRecord(checkpoint: { cosigned: string }): ExportRecord {
  return { kind: 'checkpoint', note: checkpoint.cosigned };
}
