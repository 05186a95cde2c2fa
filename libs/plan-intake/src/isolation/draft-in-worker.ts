import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AgencyDirectory, AgencyDirectoryInput } from '#libs/agencies';
import type { PlanDraft } from '../draft/draft.types.js';
import type { SerialisedPlanDraft } from '../draft/serialised-draft.js';
import { PlanDocumentError, type PlanDocumentErrorCode } from '../errors.js';
import { currentSystemThreadId, threadProcessorTimeMs } from './thread-processor-time.js';

/**
 * The thread a plan document is read and drafted in: the event loop of the process that received
 * it only hands the bytes over and takes the draft back. Memory and time are bounded; a document
 * that needs more is refused (`document-too-complex`) and the thread is ended.
 */
export const INTAKE_WORKER_LIMITS = {
  /** V8 heap of the thread; the Word reader needs ~40 times the XML it parses. */
  maxOldGenerationSizeMb: 512,
  /**
   * Short-lived strings and arrays of a parse are collected sooner with a small young generation:
   * 32 MB of it made the process grow by ~28 MB more on a 9 MB plan, for no measurable speed; 4 MB
   * rather than 8, ~8 MB less for the same CPU (docs/adr/0039, second addendum).
   */
  maxYoungGenerationSizeMb: 4,
  /**
   * The thread's own processor time from the job given to it to the draft. Not the time on the
   * clock: at its lower priority the thread waits for a core while the host is busy, and a 9 MB
   * plan's ~2 s of work could then pass 20 s (ADR 0039, the intake's limit in processor time).
   * Where a thread's time cannot be read (not Linux), the time on the clock.
   */
  processorTimeMs: 20_000,
  /** Time on the clock from the job to the draft, however busy the host. */
  timeoutMs: 120_000,
  /** Documents read at once; the others wait. */
  concurrency: 2,
  /** Documents that may wait; one more is refused (`PlanIntakeBusyError`). */
  queue: 16,
} as const;

/** A thread's memory and time (tests shrink them to see a document refused). */
export type WorkerLimits = Record<
  'maxOldGenerationSizeMb' | 'maxYoungGenerationSizeMb' | 'processorTimeMs' | 'timeoutMs',
  number
>;

export interface DraftJob {
  readonly bytes: Uint8Array;
  readonly fileName: string | null;
  readonly mediaType: string;
  /**
   * The caller is done with `bytes`: they are moved to the thread rather than copied (a 9 MB upload
   * is not held twice), and read as empty afterwards. Bytes that share their memory with others (a
   * slice of a larger buffer) are copied all the same.
   */
  readonly handOver?: boolean;
}

/** What the thread is asked for: the draft itself, or the draft serialised (SerialisedPlanDraft). */
export type DraftOutput = 'draft' | 'serialised' | 'serialised-with-text';

/**
 * The thread's answer. A draft comes without its source text, which follows as UTF-8 bytes moved
 * (not copied) to the caller: a copy of a 9 MB plan's text as two-byte characters was ~20 MB more. A
 * serialised draft's JSON and compressed text are moved too.
 */
export type DraftOutcome =
  | {
      readonly ok: true;
      readonly output: 'draft';
      readonly draft: Omit<PlanDraft, 'sourceText'>;
      readonly sourceText: Uint8Array;
      readonly sourceTextLength: number;
    }
  | ({ readonly ok: true; readonly output: 'serialised' } & SerialisedPlanDraft)
  | {
      readonly ok: false;
      readonly code: PlanDocumentErrorCode | null;
      readonly message: string;
      readonly reasons: readonly string[];
    };

/** Every intake thread is busy and the queue is full: try again shortly. */
export class PlanIntakeBusyError extends Error {
  override readonly name = 'PlanIntakeBusyError';
  readonly retryAfterSeconds = 5;
  constructor() {
    super('The service is reading as many plan documents as it can at once; send it again shortly.');
  }
}

let running = 0;
const waiting: (() => void)[] = [];

/**
 * Reads and drafts a plan document in a worker thread (readPlanDocument, then draftPlanText
 * against `directory`). Throws PlanDocumentError as they do, `document-too-complex` when the
 * thread runs out of its memory or time, PlanIntakeBusyError when too many documents are waiting.
 */
export async function draftPlanDocumentInWorker(
  job: DraftJob,
  directory: AgencyDirectory,
  limits: Partial<WorkerLimits> = {},
): Promise<PlanDraft> {
  const outcome = await inWorker(job, 'draft', directory, limits);
  if (outcome.output !== 'draft') throw new Error('The plan reader answered a draft serialised.');
  return { ...outcome.draft, sourceText: new TextDecoder().decode(outcome.sourceText) };
}

/**
 * As draftPlanDocumentInWorker, the draft serialised in the thread (SerialisedPlanDraft): for a
 * caller that answers with it and stores it, never with its objects. `withText`: the source text
 * compressed too (to be stored); otherwise only its length.
 */
export async function draftSerialisedPlanDocumentInWorker(
  job: DraftJob & { readonly withText: boolean },
  directory: AgencyDirectory,
  limits: Partial<WorkerLimits> = {},
): Promise<SerialisedPlanDraft> {
  const { withText, ...rest } = job;
  const outcome = await inWorker(rest, withText ? 'serialised-with-text' : 'serialised', directory, limits);
  if (outcome.output !== 'serialised') throw new Error('The plan reader answered a draft not serialised.');
  const { ok: _ok, output: _output, ...serialised } = outcome;
  return serialised;
}

async function inWorker(
  job: DraftJob,
  output: DraftOutput,
  directory: AgencyDirectory,
  limits: Partial<WorkerLimits>,
): Promise<Extract<DraftOutcome, { ok: true }>> {
  await slot();
  let threadEnded = Promise.resolve();
  try {
    const run = runWorker(job, output, directoryInput(directory), { ...INTAKE_WORKER_LIMITS, ...limits });
    threadEnded = run.threadEnded;
    return await run.outcome;
  } finally {
    // The slot goes to the next job once this job's thread has ended (its memory given back) and
    // the next ready thread is started, which that job then takes: never more threads than slots.
    void threadEnded.finally(() => {
      const next = waiting.shift();
      // Handed to a waiting job as it is (slot() counted it already), else given back.
      if (next) next();
      else running -= 1;
    });
  }
}

function slot(): Promise<void> {
  if (running < INTAKE_WORKER_LIMITS.concurrency) {
    running += 1;
    return Promise.resolve();
  }
  if (waiting.length >= INTAKE_WORKER_LIMITS.queue) return Promise.reject(new PlanIntakeBusyError());
  // The slot is handed over as it is: `running` stays the same.
  return new Promise((resolve) => waiting.push(resolve));
}

function directoryInput(directory: AgencyDirectory): AgencyDirectoryInput {
  return {
    agencies: directory.list(),
    groups: directory.listGroups(),
    jurisdictions: directory.listJurisdictions(),
  };
}

/**
 * A fresh thread started ahead of its job (keepIntakeThreadReady): started, its modules loaded, idle
 * until a job is posted to it; it still reads one document and ends. Only for the default limits.
 */
let ready: Worker | null = null;
/** Forgets the ready thread if it ends while idle: its listener, removed once a job takes it. */
let forgetReady: (() => void) | null = null;
let keepReady = false;

/**
 * Keeps one fresh intake thread started and idle, so that an import does not start one: its isolate
 * and modules (~10-17 MB, ADR 0039) are then part of the resting process rather than of each
 * import, and the import skips their start (~100 ms). Each thread still reads a single document and
 * ends (ADR 0015); the next one is started once it has ended. The API turns this on at its start
 * and off at its end; the CLI, which reads one document, does not.
 */
export function keepIntakeThreadReady(keep: boolean): void {
  keepReady = keep;
  if (keep) startReadyThread();
  else {
    const idle = ready;
    ready = null;
    void idle?.terminate();
  }
}

/** The id of the thread kept ready (`Worker.threadId`), or null when there is none. */
export function readyIntakeThreadId(): number | null {
  return ready?.threadId ?? null;
}

function startReadyThread(): void {
  if (!keepReady || ready !== null) return;
  const worker = startThread(INTAKE_WORKER_LIMITS);
  // An idle thread does not keep the process alive, and one that ends while idle is forgotten.
  worker.unref();
  const forget = () => {
    if (ready === worker) ready = null;
  };
  worker.once('exit', forget);
  worker.once('error', forget);
  ready = worker;
  forgetReady = forget;
}

/** The ready thread when the job has the default limits, else a thread started for it. */
function threadFor(limits: WorkerLimits): Worker {
  const sameLimits = (Object.keys(limits) as (keyof WorkerLimits)[])
    .filter((key) => key !== 'processorTimeMs' && key !== 'timeoutMs')
    .every((key) => limits[key] === INTAKE_WORKER_LIMITS[key]);
  const worker = sameLimits ? ready : null;
  if (worker === null) return startThread(limits);
  ready = null;
  if (forgetReady) {
    worker.off('exit', forgetReady);
    worker.off('error', forgetReady);
    forgetReady = null;
  }
  worker.ref();
  return worker;
}

/** Where each thread writes its system id as it starts (intake-thread.ts): 0 until it has. */
const systemThreadIds = new WeakMap<Worker, Int32Array>();

function startThread(limits: WorkerLimits): Worker {
  const threadIdSlot = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(WORKER_FILE, {
    resourceLimits: {
      maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb,
      maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb,
    },
    workerData: { threadIdSlot },
    // Its output is not ours to show; errors come back as messages.
    stdout: true,
    stderr: true,
  });
  systemThreadIds.set(worker, threadIdSlot);
  return worker;
}

/** How often a running thread's processor time is read against its limit. */
const PROCESSOR_TIME_CHECK_MS = 100;

/** Whether this system tells a thread's processor time (Linux); elsewhere the clock is read. */
let threadTimesTold: boolean | undefined;

function systemTellsThreadTimes(): boolean {
  if (threadTimesTold === undefined) {
    const threadId = currentSystemThreadId();
    threadTimesTold = threadId !== null && threadProcessorTimeMs(threadId) !== null;
  }
  return threadTimesTold;
}

/** The time a thread has used since this was called, in ms: its processor time, or the clock's. */
function timeUsedSince(worker: Worker): () => number {
  if (!systemTellsThreadTimes()) {
    const startedAt = performance.now();
    return () => performance.now() - startedAt;
  }
  const slot = systemThreadIds.get(worker);
  // 0 until the thread has told its id (it is starting: its start counts as its job's), and once
  // it has ended.
  const used = () => {
    const threadId = slot ? Atomics.load(slot, 0) : 0;
    return (threadId === 0 ? null : threadProcessorTimeMs(threadId)) ?? 0;
  };
  const before = used();
  return () => used() - before;
}

/** The job's outcome, and when its thread has ended (and the next ready thread is started). */
function runWorker(
  job: DraftJob,
  output: DraftOutput,
  directory: AgencyDirectoryInput,
  limits: WorkerLimits,
): { outcome: Promise<Extract<DraftOutcome, { ok: true }>>; threadEnded: Promise<void> } {
  const source = job.fileName ? `"${job.fileName}"` : 'The document';
  const worker = threadFor(limits);
  let ended = () => {};
  const threadEnded = new Promise<void>((resolve) => (ended = resolve));
  const outcome = new Promise<Extract<DraftOutcome, { ok: true }>>((resolve, reject) => {
    const { handOver = false, ...rest } = job;
    const { bytes } = job;
    const ownsItsMemory = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(processorTimeCheck);
      finish();
      // The next ready thread starts once this one has given its memory back.
      void worker.terminate().finally(startReadyThread).finally(ended);
    };
    const timeUsed = timeUsedSince(worker);
    const processorTimeCheck = setInterval(
      () => {
        if (timeUsed() < limits.processorTimeMs) return;
        const limit = `${limits.processorTimeMs / 1000} s`;
        settle(() => reject(tooComplex(source, `took more than ${limit} of processor time`)));
      },
      Math.min(PROCESSOR_TIME_CHECK_MS, limits.processorTimeMs),
    );
    const timer = setTimeout(
      () => settle(() => reject(tooComplex(source, `took longer than ${limits.timeoutMs / 1000} s`))),
      limits.timeoutMs,
    );
    worker.once('message', (outcome: DraftOutcome) =>
      settle(() => {
        if (outcome.ok) resolve(outcome);
        else if (outcome.code !== null) {
          reject(new PlanDocumentError(outcome.code, outcome.message, { reasons: outcome.reasons }));
        } else reject(new Error(`Reading the plan document failed: ${outcome.message}`));
      }),
    );
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? tooComplex(source, `needed more than ${limits.maxOldGenerationSizeMb} MB`)
            : error,
        ),
      ),
    );
    worker.once('exit', (exitCode) =>
      settle(() => reject(new Error(`The plan reader stopped (exit code ${exitCode}) without an answer.`))),
    );
    const message: WorkerJob = { ...rest, output, directory };
    worker.postMessage(
      message,
      handOver && ownsItsMemory && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [],
    );
  });
  return { outcome, threadEnded };
}

/** What a thread is posted: the job, what to answer with, and the directory to draft against. */
export type WorkerJob = Omit<DraftJob, 'handOver'> & {
  readonly output: DraftOutput;
  readonly directory: AgencyDirectoryInput;
};

function tooComplex(source: string, what: string): PlanDocumentError {
  return new PlanDocumentError('document-too-complex', `${source} could not be read: reading it ${what}.`);
}

/**
 * The built entry of the intake thread (intake-thread.ts, which lowers the thread's priority and
 * loads draft-worker.ts). Under Jest this module is the TypeScript source, which a worker thread
 * cannot load: the build of it in dist/ (`npm test` builds first) runs instead.
 */
const WORKER_FILE = (() => {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return fileURLToPath(new URL('./intake-thread.js', import.meta.url));
  const at = here.lastIndexOf('/libs/plan-intake/');
  const built = `${here.slice(0, at)}/dist${here.slice(at).replace(/draft-in-worker\.ts$/, 'intake-thread.js')}`;
  if (!existsSync(built)) throw new Error(`Build first (npm run build): ${built} is missing.`);
  return built;
})();
