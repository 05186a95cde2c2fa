import { setImmediate as nextTurn } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from '@jest/globals';
import { collectGarbage } from '../src/isolation/collect-garbage.js';

/**
 * An object that has survived two scavenges (so lives in the old generation), no longer held: a
 * WeakRef to it tells whether a full collection freed it (a scavenge never clears a WeakRef).
 * Reading a WeakRef keeps its target until the end of the current job, hence a turn of the event
 * loop between each read and the next collection.
 */
async function oldGarbage(): Promise<WeakRef<object>> {
  const held = [{ rows: Array.from({ length: 10_000 }, (_, i) => ({ i })) }];
  const ref = new WeakRef(held[0] as object);
  collectGarbage('minor');
  collectGarbage('minor');
  await nextTurn();
  held.pop();
  await nextTurn();
  return ref;
}

const youngUsed = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size;

describe('collectGarbage', () => {
  it('major: a full collection, which frees garbage of the old generation', async () => {
    // A scavenge must leave the garbage in place, or the test proves nothing. A full collection V8
    // starts on its own in between would free it first: then the test starts again, up to 3 times.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const ref = await oldGarbage();
      collectGarbage('minor');
      await nextTurn();
      const survivedScavenge = ref.deref() !== undefined;
      await nextTurn();
      if (!survivedScavenge) continue;
      collectGarbage('major');
      await nextTurn();
      // Node 20's V8 took an options object ({ type: 'major' }) for "minor": a scavenge, and this failed.
      expect(ref.deref()).toBeUndefined();
      return;
    }
    throw new Error('the old-generation garbage never survived a scavenge: nothing was tested');
  });

  it('minor: a scavenge, which empties the young generation of its garbage', () => {
    const young = [Array.from({ length: 20_000 }, (_, i) => ({ i }))];
    const before = youngUsed() ?? 0;
    young.pop();
    collectGarbage('minor');
    expect(young).toHaveLength(0);
    expect(youngUsed()).toBeLessThan(before / 2);
  });
});
