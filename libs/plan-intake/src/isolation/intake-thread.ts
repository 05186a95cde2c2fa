import { access } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { currentSystemThreadId } from './thread-processor-time.js';

/*
 * The intake thread's entry: the thread lowers its own CPU priority, then loads the parser
 * (draft-worker.ts). An import is background work; the API's requests are not. On two cores, a
 * 9 MB import's thread (and the next one starting) took the CPU the API's event loop needed, and
 * /health waited for it (ADR 0039, the intake thread at a lower priority). First it writes its
 * system id where the thread that started it reads it: that thread limits its processor time
 * (draft-in-worker.ts).
 */

/**
 * How much nicer the intake thread is than the process: 10 steps give it about a tenth of a core
 * the API also wants (at most 19, the lowest priority).
 */
const INTAKE_THREAD_NICENESS_STEPS = 10;

// libuv's thread pool (the whole process's zlib, file and crypto work) is started by the first
// thread that uses it, and its threads take that thread's priority: it is used here once first, so
// that if this is that thread, the pool starts at the process's priority, not at this thread's.
await access(fileURLToPath(import.meta.url));
const threadId = currentSystemThreadId();
const { threadIdSlot } = (workerData ?? {}) as { threadIdSlot?: Int32Array };
if (threadId !== null && threadIdSlot) Atomics.store(threadIdSlot, 0, threadId);
if (threadId !== null) lowerThisThreadsPriority(threadId, INTAKE_THREAD_NICENESS_STEPS);
await import('./draft-worker.js');

/**
 * On Linux a priority is a thread's own: setpriority(2) on this thread's id (currentSystemThreadId,
 * from /proc/thread-self) changes this thread only (never the process). Lowering one's own priority
 * needs no privilege. Elsewhere (no /proc/thread-self), or if the system refuses, the thread runs
 * at the process's priority, as before.
 */
function lowerThisThreadsPriority(threadId: number, steps: number): void {
  if (threadId === process.pid) return;
  try {
    // A thread starts with its creator's niceness: the process's, when the API runs at another.
    setPriority(threadId, Math.min(19, getPriority(threadId) + steps));
  } catch {
    // A sandbox may forbid it; the import runs as before.
  }
}
