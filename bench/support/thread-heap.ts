import { basename } from 'node:path';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { BroadcastChannel, isMainThread, parentPort, resourceLimits, threadId } from 'node:worker_threads';

/**
 * Preloaded into the API by bench/intake-large.bench.ts (`node --import`). Node runs an `--import`
 * preload in the main thread and in every worker thread started from a file, so this runs in each
 * of the API's threads: the main thread (its event loop answers `/health`), the intake threads
 * (draft-worker.js) and the embedded database's thread (embedded-postgres-thread.js).
 *
 * Each thread keeps its own V8 heap figures from the bench's 'reset' (sent just before the import):
 * the heap used and committed then, their highest values before any garbage collection since (V8's
 * GCProfiler: the heap is at its fullest just before a collection), the external memory and array
 * buffers, the collections made and their time. Every thread says so on the BroadcastChannel when
 * it starts. The bench asks the main thread for 'threads'; the main thread asks the others over the
 * channel and answers with every thread's figures once each thread it knows to be running has
 * answered (at most 2 s: a thread that does not answer by then is named as missing). An intake
 * thread ends once it has answered its job, so it sends its figures just before it answers.
 */
export interface ThreadHeap {
  readonly thread: string;
  readonly threadId: number;
  /** The thread's limits (worker_threads resourceLimits; for the main thread its heap's limit). */
  readonly limits: string;
  readonly at: 'reset' | 'asked' | 'answered its job';
  readonly usedAtReset: number;
  readonly usedPeak: number;
  readonly usedNow: number;
  readonly committedAtReset: number;
  readonly committedPeak: number;
  readonly committedNow: number;
  readonly externalAtReset: number;
  readonly externalPeak: number;
  readonly arrayBuffersAtReset: number;
  readonly arrayBuffersNow: number;
  /** V8's malloc'd memory outside the heap (its own tables), highest since the thread started. */
  readonly mallocedPeak: number;
  readonly scavenges: number;
  readonly markCompacts: number;
  /** Time of this thread's collections since the reset, in ms (GCProfiler's cost). */
  readonly gcMs: number;
}

const CHANNEL = 'bench:thread-heap';

const thread = isMainThread
  ? 'main'
  : ((
      {
        'draft-worker.js': 'intake',
        'embedded-postgres-thread.js': 'database',
      } as Record<string, string>
    )[basename(process.argv[1] ?? '')] ?? basename(process.argv[1] ?? 'worker'));

const MB = 1024 * 1024;
const limits = isMainThread
  ? `heap limit ${Math.round(getHeapStatistics().heap_size_limit / MB)} MB`
  : `old ${resourceLimits.maxOldGenerationSizeMb ?? '-'} MB, young ${resourceLimits.maxYoungGenerationSizeMb ?? '-'} MB`;

interface Since {
  readonly usedAtReset: number;
  readonly committedAtReset: number;
  readonly externalAtReset: number;
  readonly arrayBuffersAtReset: number;
  readonly profiler: GCProfiler;
}

function start(): Since {
  const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const profiler = new GCProfiler();
  profiler.start();
  return {
    usedAtReset: heapUsed,
    committedAtReset: heapTotal,
    externalAtReset: external,
    arrayBuffersAtReset: arrayBuffers,
    profiler,
  };
}

let since = start();

interface GcStatistics {
  readonly gcType: string;
  readonly cost: number;
  readonly beforeGC: { readonly heapStatistics: HeapFigures };
  readonly afterGC: { readonly heapStatistics: HeapFigures };
}
interface HeapFigures {
  readonly usedHeapSize: number;
  readonly totalHeapSize: number;
  readonly externalMemory: number;
}

/** This thread's figures since the reset; the profiler restarted (its records are let go). */
function figures(at: ThreadHeap['at']): ThreadHeap {
  const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const statistics = (since.profiler.stop() as { statistics?: GcStatistics[] } | undefined)?.statistics ?? [];
  let { usedPeak, committedPeak, externalPeak, scavenges, markCompacts, gcMs } = carried;
  usedPeak = Math.max(usedPeak, since.usedAtReset, heapUsed);
  committedPeak = Math.max(committedPeak, since.committedAtReset, heapTotal);
  externalPeak = Math.max(externalPeak, since.externalAtReset, external);
  for (const gc of statistics) {
    const before = gc.beforeGC.heapStatistics;
    usedPeak = Math.max(usedPeak, before.usedHeapSize);
    committedPeak = Math.max(committedPeak, before.totalHeapSize, gc.afterGC.heapStatistics.totalHeapSize);
    externalPeak = Math.max(externalPeak, before.externalMemory);
    if (gc.gcType === 'Scavenge' || gc.gcType === 'MinorMarkSweep') scavenges += 1;
    else if (gc.gcType === 'MarkSweepCompact') markCompacts += 1;
    // GCProfiler's cost is in microseconds.
    gcMs += gc.cost / 1000;
  }
  carried = { usedPeak, committedPeak, externalPeak, scavenges, markCompacts, gcMs };
  since.profiler.start();
  return {
    thread,
    threadId,
    limits,
    at,
    usedAtReset: since.usedAtReset,
    usedPeak,
    usedNow: heapUsed,
    committedAtReset: since.committedAtReset,
    committedPeak,
    committedNow: heapTotal,
    externalAtReset: since.externalAtReset,
    externalPeak,
    arrayBuffersAtReset: since.arrayBuffersAtReset,
    arrayBuffersNow: arrayBuffers,
    mallocedPeak: getHeapStatistics().peak_malloced_memory,
    scavenges,
    markCompacts,
    gcMs,
  };
}

const nothingCarried = {
  usedPeak: 0,
  committedPeak: 0,
  externalPeak: 0,
  scavenges: 0,
  markCompacts: 0,
  gcMs: 0,
};
let carried = nothingCarried;

function reset(): void {
  since.profiler.stop();
  since = start();
  carried = nothingCarried;
}

type Message =
  | { readonly ask: 'reset' | 'report' }
  | { readonly heap: ThreadHeap }
  | { readonly started: number; readonly thread: string };

const channel = new BroadcastChannel(CHANNEL);
// The channel must keep no thread alive.
channel.unref();

/** The other threads' figures, by thread id: the last each sent since the reset. */
const others = new Map<number, ThreadHeap>();
/** The other threads running (the main thread's view): started, and not yet answered their job. */
const running = new Map<number, string>();
/** Called when another thread's figures arrive (the main thread waiting for every answer). */
let onFigures: ((heap: ThreadHeap) => void) | undefined;

channel.onmessage = (event) => {
  const message = (event as { readonly data: Message }).data;
  if ('ask' in message) {
    if (message.ask === 'reset') reset();
    else channel.postMessage({ heap: figures('asked') } satisfies Message);
  } else if (!isMainThread) return;
  else if ('started' in message) running.set(message.started, message.thread);
  else {
    others.set(message.heap.threadId, message.heap);
    if (message.heap.at === 'answered its job') running.delete(message.heap.threadId);
    onFigures?.(message.heap);
  }
};

if (!isMainThread) channel.postMessage({ started: threadId, thread } satisfies Message);

if (thread === 'intake' && parentPort) {
  // The thread ends right after it answers its job: its figures go first.
  const port = parentPort;
  const answer = port.postMessage.bind(port);
  port.postMessage = ((...args: Parameters<typeof answer>) => {
    channel.postMessage({ heap: figures('answered its job') } satisfies Message);
    answer(...args);
  }) as typeof answer;
}

if (isMainThread) {
  process.on('message', (message) => {
    if (message === 'reset') {
      // Sent by the bench just before the import (the event-loop monitor answers it).
      reset();
      others.clear();
      channel.postMessage({ ask: 'reset' } satisfies Message);
    } else if (message === 'threads') {
      void reportThreads().then((answer) => process.send?.(answer));
    }
  });
  process.channel?.unref();
}

/** Every thread's figures: the other running threads are asked, and each answer awaited (2 s at most). */
async function reportThreads(): Promise<{ threads: ThreadHeap[]; missing: string[] }> {
  // A thread that ends meanwhile answers its job, which counts as its answer (running drops it).
  const waiting = () => [...running].filter(([id]) => !answered.has(id));
  const answered = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    onFigures = (heap) => {
      answered.add(heap.threadId);
      if (waiting().length === 0) resolve();
    };
    timer = setTimeout(resolve, 2_000);
    channel.postMessage({ ask: 'report' } satisfies Message);
    if (waiting().length === 0) resolve();
  });
  clearTimeout(timer);
  onFigures = undefined;
  const missing = waiting().map(([id, name]) => `${name} (thread ${id})`);
  // A thread that ended without answering a job (terminated, failed, or an idle one let go) would
  // be waited for at every later ask: named as missing once, then forgotten.
  for (const [id] of waiting()) running.delete(id);
  return { threads: [figures('asked'), ...others.values()], missing };
}
