import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { readonly type?: 'major' | 'minor'; readonly execution?: 'sync' }) => void;

/**
 * V8's `gc` function, from a context made after --expose-gc is set: the flag is set for the process
 * but read only by contexts made from then on, so no other context sees a `gc` it did not have.
 */
const gc: Gc = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as Gc;
})();

/**
 * Collects this thread's garbage now, for where large buffers and strings have just died and
 * would otherwise be held until V8's next collection of their generation (for a 9 MB plan, up to
 * its size again). `minor`: the young generation only (a scavenge, ~1 ms: cheap enough for the
 * API's own thread); `major`: the whole heap (a few ms for the heap of a parse, in the intake
 * thread).
 */
export function collectGarbage(type: 'major' | 'minor'): void {
  gc({ type, execution: 'sync' });
}
