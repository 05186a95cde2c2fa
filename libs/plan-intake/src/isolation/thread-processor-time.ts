import { readFileSync, readlinkSync } from 'node:fs';

/**
 * A thread's processor time and id, where the system tells them (Linux: /proc). The intake's time
 * limit counts the thread's processor time, not the time on the clock: a thread at a lower priority
 * (intake-thread.ts) waits longer for a core on a busy host, and that wait is not the document's
 * doing (ADR 0039, the intake's limit in processor time).
 */

/** /proc counts a thread's time in ticks of 1/100 s on every Linux (USER_HZ). */
const MS_PER_TICK = 10;

/** The calling thread's id in the system (its task id on Linux), or null where it is not told. */
export function currentSystemThreadId(): number | null {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/**
 * The processor time (user and system, in ms, to the nearest 10 ms) that a thread of this process
 * has used so far, or null when it cannot be read (another system, or the thread has ended).
 */
export function threadProcessorTimeMs(threadId: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The fields after the name, which is in parentheses and may hold spaces: utime and stime are the
  // 14th and 15th of the whole line, the 12th and 13th after the name.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * MS_PER_TICK : null;
}
