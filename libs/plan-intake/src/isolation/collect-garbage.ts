import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { readonly type: 'minor' }) => void;

/**
 * V8's `gc` function, made on the first collectGarbage call (not when this module is imported): it
 * sets --expose-gc for the whole process, and every context and thread made from then on (vm
 * contexts, other worker threads) has a global `gc` too. Contexts made before keep not having one.
 */
let gc: Gc | null = null;

function exposedGc(): Gc {
  if (gc === null) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  return gc;
}

/**
 * Collects this thread's garbage now, for where large buffers and strings have just died and
 * would otherwise be held until V8's next collection of their generation (for a 9 MB plan, up to
 * its size again). `major`: the whole heap (a few ms for the heap of a parse, in the intake thread);
 * `minor`: the young generation only (a scavenge, ~1 ms).
 */
export function collectGarbage(type: 'major' | 'minor'): void {
  // `gc()` without an argument is a full, synchronous collection in every V8. An options object
  // ({ type: 'major' }) is read only by newer V8s: Node 20's takes any truthy argument for
  // "minor", so { type: 'major' } made a scavenge there, and old-generation garbage (the upload's
  // bytes, a parse's extract) stayed. { type: 'minor' } is a scavenge in both.
  if (type === 'major') exposedGc()();
  else exposedGc()({ type: 'minor' });
}
