import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LedgerEntry } from './entry.js';
import { lineBounds, lineText, type LeafHashAnswer, type LeafHashJob } from './leaf-hash-lines.js';
import { HASH_SIZE } from './merkle.js';

/**
 * Parsing, canonicalising and hashing the event lines of an export is most of a verification's
 * time, and each line is independent of the others: a small pool of worker threads does it, batch
 * by batch, while the reading thread splits lines, keeps the order, builds the tree and makes
 * every check. The pool only ever saves work: a line it did not hash, or a batch it could not
 * take, is parsed and hashed by the reading thread as without threads.
 */

/** Bytes of an export a thread takes at a time (whole lines; some 2,000 events). */
export const BATCH_BYTES = 1 << 20;

/** Threads at most: beyond this the reading thread is the limit. */
const MAX_THREADS = 4;

export function defaultThreads(): number {
  return Math.min(availableParallelism(), MAX_THREADS);
}

/** A leaf hash a thread of the pool computed. A symbol: no line of an export can carry one. */
export const COMPUTED_LEAF = Symbol('leaf hash computed by a thread of the pool');

export interface ComputedLeaf {
  readonly hash: Buffer;
  /** The leaf index the ledger recorded for the line's event. */
  readonly leafIndex: bigint;
}

/**
 * An event record whose line a thread parsed and hashed, and found as recorded (its leaf hash, if
 * any, is the computed one): the checks read `[COMPUTED_LEAF]`; its fields are parsed again from
 * the line only if something asks for them (a failure's message).
 */
export class HashedEventRecord {
  readonly kind = 'event' as const;
  readonly [COMPUTED_LEAF]: ComputedLeaf;
  readonly #bytes: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  #parsed: HashedLine | undefined;

  constructor(computed: ComputedLeaf, bytes: Uint8Array, start: number, end: number) {
    this[COMPUTED_LEAF] = computed;
    this.#bytes = bytes;
    this.#start = start;
    this.#end = end;
  }

  private get line(): HashedLine {
    return (this.#parsed ??= JSON.parse(lineText(this.#bytes, this.#start, this.#end)) as HashedLine);
  }

  get position(): string {
    return this.line.position;
  }

  get leafIndex(): string | undefined {
    return this.line.leafIndex;
  }

  get leafHash(): string | undefined {
    return this.line.leafHash;
  }

  get entry(): LedgerEntry {
    return this.line.entry;
  }
}

interface HashedLine {
  readonly position: string;
  readonly leafIndex?: string;
  readonly leafHash?: string;
  readonly entry: LedgerEntry;
}

/** The leaf hash of a record, if a thread of the pool computed it. */
export function computedLeaf(record: object): ComputedLeaf | undefined {
  return (record as { [COMPUTED_LEAF]?: ComputedLeaf })[COMPUTED_LEAF];
}

/** A piece of the export sent to the pool and, once answered, what a thread computed (none: it failed). */
export interface PendingBatch {
  readonly bytes: Uint8Array;
  readonly answer: Promise<LeafHashAnswer | undefined>;
}

/**
 * Records of a piece of the export, in order: hashed ones built here, the others left to `parse`
 * (with their line number in the export, the first line of the piece being `firstLine`). Without
 * an answer, every line is parsed here.
 */
export function* batchRecords<R>(
  bytes: Uint8Array,
  firstLine: number,
  answer: LeafHashAnswer | undefined,
  parse: (line: string, lineNumber: number) => R,
): Generator<R | HashedEventRecord> {
  const bounds = answer?.bounds ?? lineBounds(bytes);
  const count = bounds.length / 2;
  let done = 0;
  for (let i = 0; i < count; i++) {
    const start = bounds[2 * i]!;
    const end = bounds[2 * i + 1]!;
    if (answer === undefined || answer.hashed[i] !== 1) {
      yield parse(lineText(bytes, start, end), firstLine + i);
      continue;
    }
    const { leafIndexes, hashes } = answer;
    const hash = Buffer.from(hashes.buffer, hashes.byteOffset + done * HASH_SIZE, HASH_SIZE);
    const leafIndex = BigInt(leafIndexes[done]!);
    done++;
    yield new HashedEventRecord({ hash, leafIndex }, bytes, start, end);
  }
}

/** The number of non-blank lines of an answered piece. */
export function lineCount(bytes: Uint8Array, answer: LeafHashAnswer | undefined): number {
  return (answer?.bounds ?? lineBounds(bytes)).length / 2;
}

interface Thread {
  readonly worker: Worker;
  readonly waiting: Map<number, (answer: LeafHashAnswer | undefined) => void>;
  alive: boolean;
}

/** The worker threads of one verification; closed when it ends. */
export class LeafHashPool {
  private readonly threads: Thread[] = [];
  private next = 0;
  private jobs = 0;

  constructor(size: number) {
    if (WORKER_FILE === undefined) return;
    for (let i = 0; i < size; i++) {
      let worker: Worker;
      try {
        worker = new Worker(WORKER_FILE);
      } catch {
        break;
      }
      const thread: Thread = { worker, waiting: new Map(), alive: true };
      const fail = () => {
        thread.alive = false;
        for (const resolve of thread.waiting.values()) resolve(undefined);
        thread.waiting.clear();
      };
      worker.on('message', (answer: LeafHashAnswer) => {
        thread.waiting.get(answer.id)?.(answer);
        thread.waiting.delete(answer.id);
      });
      worker.on('error', fail);
      worker.on('exit', fail);
      this.threads.push(thread);
    }
  }

  /** Threads that can take work. */
  get size(): number {
    return this.threads.filter((t) => t.alive).length;
  }

  /** Sends a piece of whole lines to the next thread; with none left, the answer is undefined at once. */
  hash(bytes: Uint8Array): PendingBatch {
    for (let tries = 0; tries < this.threads.length; tries++) {
      const thread = this.threads[this.next++ % this.threads.length]!;
      if (!thread.alive) continue;
      // Copied, not transferred: the reading thread keeps the lines it may have to parse.
      const job: LeafHashJob = { id: this.jobs++, bytes };
      const answer = new Promise<LeafHashAnswer | undefined>((resolve) =>
        thread.waiting.set(job.id, resolve),
      );
      thread.worker.postMessage(job);
      return { bytes, answer };
    }
    return { bytes, answer: Promise.resolve(undefined) };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

/**
 * The built worker script beside this module. Under Jest this module is the TypeScript source,
 * which a worker thread cannot load: the build of it in dist/ (`npm test` builds first) runs
 * instead. Without it there are no threads and the reading thread does all the work.
 */
const WORKER_FILE = ((): string | undefined => {
  const here = fileURLToPath(import.meta.url);
  let file: string;
  if (!here.endsWith('.ts')) file = fileURLToPath(new URL('./leaf-hash-worker.js', import.meta.url));
  else {
    const at = here.lastIndexOf('/libs/ledger-verifier/');
    file = `${here.slice(0, at)}/dist${here.slice(at).replace(/leaf-hashes\.ts$/, 'leaf-hash-worker.js')}`;
  }
  return existsSync(file) ? file : undefined;
})();
