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
  const fields = threadStatFields(threadId);
  if (fields === null) return null;
  // utime and stime, the 14th and 15th fields.
  const ticks = Number(fields[13]) + Number(fields[14]);
  return Number.isFinite(ticks) ? ticks * MS_PER_TICK : null;
}

/**
 * The fields of a thread's /proc/self/task/<id>/stat in proc(5)'s order (its Nth field at index
 * N - 1), or null when it cannot be read (the thread has ended, or another system). The 2nd, the
 * thread's name in parentheses, may hold spaces and parentheses itself: the fields after it start
 * after the line's last parenthesis.
 */
export function threadStatFields(threadId: number): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8');
  } catch {
    return null;
  }
  const nameEnd = stat.lastIndexOf(')');
  const id = stat.slice(0, stat.indexOf(' ('));
  const name = stat.slice(stat.indexOf('(') + 1, nameEnd);
  return [
    id,
    name,
    ...stat
      .slice(nameEnd + 2)
      .trimEnd()
      .split(' '),
  ];
}
