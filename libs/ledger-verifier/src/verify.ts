import { entryLeafHash, type LedgerEntry } from './entry.js';
import { blankLine, lineText } from './leaf-hash-lines.js';
import {
  batchRecords,
  BATCH_BYTES,
  computedLeaf,
  defaultThreads,
  LeafHashPool,
  lineCount,
  type PendingBatch,
} from './leaf-hashes.js';
import { RootBuilder } from './merkle.js';
import {
  checkCosignature,
  checkNoteSignature,
  parseCheckpoint,
  parseSignedNote,
  parseVerifierKey,
  type Checkpoint,
  type SignedNote,
  type VerifierKey,
} from './note.js';

/**
 * The export format (NDJSON, one record a line), written by `coord export` and
 * `GET /ledger/export`: a header, then every leaf in order, each checkpoint right after the leaf
 * that completes its tree size.
 */
export const EXPORT_FORMAT = 'coord-ledger-export/1';

export type ExportRecord =
  | {
      readonly kind: 'header';
      readonly format: string;
      readonly origin: string;
      /** The log's verifier keys (every key it has signed with), as `name+id+key`. */
      readonly publicKeys: readonly string[];
      readonly fromLeaf: string;
    }
  | {
      readonly kind: 'event';
      readonly position: string;
      /** The leaf the ledger recorded this event as (the verifier counts leaves itself). */
      readonly leafIndex?: string;
      /** The leaf hash the ledger recorded (base64): lets the verifier point at the changed event. */
      readonly leafHash?: string;
      readonly entry: LedgerEntry;
    }
  | { readonly kind: 'checkpoint'; readonly note: string };

export interface VerifyOptions {
  /** Keys the log's checkpoints must be signed with (one valid signature by any of them). */
  readonly logKeys: readonly VerifierKey[];
  /** A checkpoint saved from an earlier run (a signed note): the log must still contain it. */
  readonly trustedCheckpoint?: string;
  /** Witness keys (tlog-cosignature) and how many must have cosigned the newest checkpoint. */
  readonly witnessKeys?: readonly VerifierKey[];
  readonly requiredWitnesses?: number;
}

export interface VerifyFailure {
  /** The first leaf index that cannot be trusted. */
  readonly position: bigint;
  readonly reason: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly leaves: bigint;
  readonly checkpoints: number;
  /** The newest checkpoint that verified, as its signed note (save it for the next run). */
  readonly latest?: string;
  readonly latestSize: bigint;
  readonly failure?: VerifyFailure;
}

class Failure extends Error {
  constructor(
    readonly position: bigint,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface ReadOptions {
  /**
   * Worker threads that parse and hash event lines (leaf-hashes.ts); 0: none, everything on the
   * reading thread. Default: the machine's parallelism, at most 4.
   */
  readonly threads?: number;
  /**
   * Lines read on the reading thread before the threads take over: an export this small is
   * read before they would have started. Default 20,000; 0 uses them from the first line.
   */
  readonly threadsFrom?: number;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Pieces in flight to the pool per thread: one being hashed, one waiting. */
const BATCHES_PER_THREAD = 2;

/**
 * Reads the NDJSON export line by line (from any stream of text chunks), in order. Lines past
 * `threadsFrom` go to worker threads in pieces of whole lines; event records they parsed and
 * hashed carry the leaf hash, which verifyExport uses instead of hashing again (leaf-hashes.ts).
 */
export async function* exportRecords(
  chunks: AsyncIterable<string | Uint8Array>,
  options: ReadOptions = {},
): AsyncGenerator<ExportRecord> {
  /** Lines of the export so far (the next one read is number lineNumber + 1). */
  let lineNumber = 0;
  const parse = (line: string, number: number): ExportRecord => {
    try {
      return JSON.parse(line) as ExportRecord;
    } catch {
      throw new Error(`line ${number} of the export is not JSON`);
    }
  };
  const threads = options.threads ?? defaultThreads();
  let sequential = threads > 0 ? (options.threadsFrom ?? 20_000) : Infinity;
  let pool: LeafHashPool | undefined;
  /** Whole lines not yet sent to the pool. */
  let piece: Uint8Array[] = [];
  let pieceLength = 0;
  const inFlight: PendingBatch[] = [];
  const send = () => {
    pool ??= new LeafHashPool(threads);
    inFlight.push(pool.hash(Buffer.concat(piece, pieceLength)));
    [piece, pieceLength] = [[], 0];
  };
  /** The records of the oldest piece in flight, once a thread answered for it. */
  const oldest = async (): Promise<Iterable<ExportRecord>> => {
    const { bytes, answer } = inFlight.shift()!;
    const answered = await answer;
    const first = lineNumber + 1;
    lineNumber += lineCount(bytes, answered);
    return batchRecords(bytes, first, answered, parse);
  };
  const source = chunks[Symbol.asyncIterator]();
  /** Bytes from the start of the line not yet read; each line is decoded on its own. */
  let pending: Buffer = Buffer.alloc(0);
  let atStart = true;
  let readFailed = false;
  let readError: unknown;
  try {
    for (;;) {
      let next: IteratorResult<string | Uint8Array>;
      try {
        next = await source.next();
      } catch (error) {
        // Not before the lines read ahead of it have had their turn, as without threads.
        [readFailed, readError] = [true, error];
        break;
      }
      if (next.done) break;
      // A copy: the lines wait here for the next piece, and a source may reuse its chunks.
      pending = Buffer.concat([
        pending,
        typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value,
      ]);
      if (atStart && pending.length >= UTF8_BOM.length) {
        if (pending.subarray(0, UTF8_BOM.length).equals(UTF8_BOM))
          pending = pending.subarray(UTF8_BOM.length);
        atStart = false;
      }
      let start = 0;
      while (sequential > 0) {
        const newline = pending.indexOf(0x0a, start);
        if (newline < 0) break;
        const lineStart = start;
        start = newline + 1;
        if (blankLine(pending, lineStart, newline)) continue;
        sequential--;
        yield parse(lineText(pending, lineStart, newline), ++lineNumber);
      }
      if (sequential > 0) {
        pending = pending.subarray(start);
        continue;
      }
      const end = pending.lastIndexOf(0x0a) + 1;
      if (end > start) {
        piece.push(pending.subarray(start, end));
        pieceLength += end - start;
      }
      pending = pending.subarray(Math.max(start, end));
      if (pieceLength < BATCH_BYTES) continue;
      send();
      // Keeps the pool busy while the records of the oldest piece are checked.
      if (inFlight.length > Math.max(1, pool!.size) * BATCHES_PER_THREAD)
        for (const record of await oldest()) yield record;
    }
    // The last line, unless the reading failed in the middle of it.
    if (readFailed) pending = Buffer.alloc(0);
    if (sequential > 0) {
      if (!blankLine(pending, 0, pending.length))
        yield parse(lineText(pending, 0, pending.length), ++lineNumber);
    } else {
      piece.push(pending);
      pieceLength += pending.length;
      if (pieceLength > 0) send();
    }
    while (inFlight.length > 0) for (const record of await oldest()) yield record;
    if (readFailed) throw readError;
  } finally {
    await Promise.all([pool?.close(), readFailed ? undefined : source.return?.(undefined)]);
  }
}

/**
 * Verifies a ledger export: recomputes every leaf and the root at each checkpoint, checks each
 * checkpoint's signature, that no two checkpoints of one size differ (a fork), that each is
 * consistent with the ones before (they are all roots of the one recomputed tree), that a
 * checkpoint trusted from an earlier run is still part of the log, and the witnesses' cosignatures.
 * Stops at the first problem and names the first leaf that cannot be trusted.
 */
export async function verifyExport(
  records: AsyncIterable<ExportRecord>,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const tree = new RootBuilder();
  const rootsBySize = new Map<bigint, string>();
  const trusted = options.trustedCheckpoint
    ? readTrusted(options.trustedCheckpoint, options.logKeys)
    : undefined;
  let origin: string | undefined = trusted?.checkpoint.origin;
  let checkpoints = 0;
  let latest: { note: SignedNote; checkpoint: Checkpoint } | undefined;
  /** The size of the last checkpoint whose root matched: leaves below it are proven. */
  let proven = 0n;
  let sawHeader = false;
  try {
    for await (const record of records) {
      if (record.kind === 'header') {
        if (record.format !== EXPORT_FORMAT) throw new Failure(0n, `unknown export format ${record.format}`);
        if (record.fromLeaf !== '0')
          throw new Failure(
            0n,
            `the export starts at leaf ${record.fromLeaf}: a verification needs every leaf from 0`,
          );
        if (origin !== undefined && record.origin !== origin)
          throw new Failure(
            0n,
            `the export is of log "${record.origin}", the trusted checkpoint of "${origin}"`,
          );
        origin = record.origin;
        sawHeader = true;
      } else if (record.kind === 'event') {
        if (!sawHeader) throw new Failure(0n, 'the export has no header');
        const index = tree.size;
        const computed = computedLeaf(record);
        // A line a thread hashed and found as recorded: only its place is left to check.
        if (computed && computed.leafIndex === index) {
          tree.append(computed.hash);
          if (trusted && tree.size === trusted.checkpoint.size)
            checkTrusted(trusted.checkpoint, tree, proven);
          continue;
        }
        const id = record.entry.eventId;
        if (record.leafIndex === undefined) {
          throw new Failure(
            index,
            `event ${id} (position ${record.position}) is in the log but not in the ledger: it was added behind the service's back`,
          );
        }
        const recorded = BigInt(record.leafIndex);
        if (recorded !== index) {
          throw new Failure(
            index,
            recorded > index
              ? `leaf ${index} is missing: the log's event number ${index} is ${id}, which the ledger recorded as leaf ${recorded} (an event was deleted, or events were reordered)`
              : `event ${id} comes at leaf ${index} but the ledger recorded it as leaf ${recorded} (an event was inserted, or events were reordered)`,
          );
        }
        const hash = computed ? computed.hash : entryLeafHash(record.entry);
        if (record.leafHash !== undefined && record.leafHash !== hash.toString('base64')) {
          throw new Failure(
            index,
            `event ${id} (leaf ${index}, position ${record.position}) is not what the ledger ` +
              'recorded: its content was changed after it was recorded',
          );
        }
        tree.append(hash);
        if (trusted && tree.size === trusted.checkpoint.size) checkTrusted(trusted.checkpoint, tree, proven);
      } else if (record.kind === 'checkpoint') {
        const { note, checkpoint } = readCheckpoint(record.note, options.logKeys, tree.size);
        if (origin !== undefined && checkpoint.origin !== origin)
          throw new Failure(
            proven,
            `checkpoint of size ${checkpoint.size} names another log "${checkpoint.origin}"`,
          );
        const root = checkpoint.root.toString('base64');
        const seen = rootsBySize.get(checkpoint.size);
        if (seen !== undefined && seen !== root) {
          throw new Failure(
            proven,
            `fork: two checkpoints of size ${checkpoint.size} are signed with different roots (${seen} and ${root})`,
          );
        }
        rootsBySize.set(checkpoint.size, root);
        if (checkpoint.size > tree.size) {
          throw new Failure(
            tree.size,
            `checkpoint of size ${checkpoint.size} is signed but the export holds only ${tree.size} events ` +
              'before it: events covered by a signed checkpoint are missing (truncated or deleted)',
          );
        }
        if (checkpoint.size < tree.size)
          throw new Failure(
            checkpoint.size,
            `checkpoint of size ${checkpoint.size} is out of place in the export`,
          );
        if (!tree.root().equals(checkpoint.root)) {
          throw new Failure(
            proven,
            `the root of the first ${checkpoint.size} events differs from the signed checkpoint of that size: ` +
              `an event from leaf ${proven} to ${checkpoint.size - 1n} was changed, removed, added or reordered ` +
              '(the ledger was rewritten to match)',
          );
        }
        checkpoints++;
        proven = checkpoint.size;
        latest = { note, checkpoint };
      }
    }
    if (!sawHeader) throw new Failure(0n, 'the export is empty (no header)');
    if (trusted && tree.size < trusted.checkpoint.size) {
      throw new Failure(
        tree.size,
        `the log holds ${tree.size} events but the checkpoint trusted from an earlier run covers ` +
          `${trusted.checkpoint.size}: the log was truncated`,
      );
    }
    if (trusted && latest === undefined && trusted.checkpoint.size > 0n) {
      throw new Failure(0n, 'the export has no signed checkpoint');
    }
    const witnesses = options.requiredWitnesses ?? 0;
    if (witnesses > 0) {
      if (!latest) throw new Failure(0n, `no checkpoint to carry ${witnesses} witness cosignatures`);
      const valid = (options.witnessKeys ?? []).filter(
        (key) => checkCosignature(latest!.note, key).status === 'valid',
      ).length;
      if (valid < witnesses) {
        throw new Failure(
          latest.checkpoint.size,
          `the newest checkpoint (size ${latest.checkpoint.size}) has ${valid} valid witness cosignatures, ${witnesses} required`,
        );
      }
    }
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return {
      ok: false,
      leaves: tree.size,
      checkpoints,
      latestSize: latest?.checkpoint.size ?? 0n,
      ...(latest ? { latest: latestText(latest.note) } : {}),
      failure: { position: error.position, reason: error.reason },
    };
  }
  return {
    ok: true,
    leaves: tree.size,
    checkpoints,
    latestSize: latest?.checkpoint.size ?? 0n,
    ...(latest ? { latest: latestText(latest.note) } : {}),
  };
}

function latestText(note: SignedNote): string {
  const lines = note.signatures.map((s) => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(s.keyId >>> 0);
    return `\u2014 ${s.name} ${Buffer.concat([id, s.signature]).toString('base64')}\n`;
  });
  return `${note.text}\n${lines.join('')}`;
}

function readCheckpoint(
  text: string,
  keys: readonly VerifierKey[],
  at: bigint,
): { note: SignedNote; checkpoint: Checkpoint } {
  let note: SignedNote;
  let checkpoint: Checkpoint;
  try {
    note = parseSignedNote(text);
    checkpoint = parseCheckpoint(note.text);
  } catch (error) {
    throw new Failure(at, `a checkpoint is malformed: ${(error as Error).message}`);
  }
  const statuses = keys.map((key) => ({ key, status: checkNoteSignature(note, key) }));
  const invalid = statuses.find((s) => s.status === 'invalid');
  if (invalid) {
    throw new Failure(
      at,
      `checkpoint of size ${checkpoint.size}: the signature by ${invalid.key.name} does not verify`,
    );
  }
  if (!statuses.some((s) => s.status === 'valid')) {
    const by = note.signatures
      .map((s) => `${s.name} (key id ${s.keyId.toString(16).padStart(8, '0')})`)
      .join(', ');
    throw new Failure(
      at,
      `checkpoint of size ${checkpoint.size} is not signed by a trusted key (signed by ${by})`,
    );
  }
  return { note, checkpoint };
}

function readTrusted(text: string, keys: readonly VerifierKey[]): { checkpoint: Checkpoint } {
  try {
    const note = parseSignedNote(text);
    const checkpoint = parseCheckpoint(note.text);
    // A checkpoint saved from an earlier run was verified then; if keys are known, check again.
    if (keys.length > 0 && !keys.some((key) => checkNoteSignature(note, key) === 'valid')) {
      throw new Error('it is not signed by a trusted key');
    }
    return { checkpoint };
  } catch (error) {
    throw new Error(`the trusted checkpoint cannot be used: ${(error as Error).message}`, { cause: error });
  }
}

function checkTrusted(checkpoint: Checkpoint, tree: RootBuilder, proven: bigint): void {
  if (!tree.root().equals(checkpoint.root)) {
    throw new Failure(
      proven,
      `the first ${checkpoint.size} events no longer have the root of the checkpoint trusted from an earlier run: ` +
        'the log was rewritten since',
    );
  }
}

/** Parses keys given as `name+id+base64` texts. */
export function parseKeys(texts: readonly string[]): VerifierKey[] {
  return texts.map(parseVerifierKey);
}
