import type { SerialisedPlanDraft } from '#libs/plan-intake';
import { PlanIntake, type PlanIntakeOptions } from './plan-intake.process.js';

const encode = (text: string) => new TextEncoder().encode(text);

/** What the reader's JSON of the draft went through: started (read from), ended, and drafts stored. */
interface Seen {
  opened: boolean;
  closed: boolean;
  stored: number;
}

/** An import (a dry run unless `store`) whose reader gives the draft's JSON in `chunks`. */
function importOf(chunks: readonly string[], seen: Seen, store = false) {
  const serialised: SerialisedPlanDraft = {
    planId: 'plan-1',
    contentHash: 'sha256:0',
    sourceTextLength: 42,
    sourceTextGzip: null,
    jsonGzip: new Uint8Array(0),
  };
  const options = {
    documents: {
      draftSerialised: () => Promise.resolve(serialised),
      draftJson: async function* () {
        seen.opened = true;
        try {
          for (const chunk of chunks) {
            if (chunk === 'broken') throw new Error('incorrect header check');
            yield await Promise.resolve(encode(chunk));
          }
        } finally {
          seen.closed = true;
        }
      },
    },
    drafts: {
      insert: () => {
        seen.stored += 1;
        return Promise.resolve({ id: 'd-1', createdBy: 'p', createdAt: 'now', confirmedAt: null });
      },
    },
    ids: { newId: () => 'd-1' },
    store: { readStream: () => Promise.resolve([]) },
  } as unknown as PlanIntakeOptions;
  return new PlanIntake(options).importDocumentAsJson(
    new Uint8Array(0),
    null,
    { personId: 'p', agencyCode: 'lc-ubnd-tinh', roles: ['issuer'] },
    { dryRun: !store },
  );
}

/** A dry-run import's answer when the reader gives the draft's JSON in `chunks`. */
async function answerOf(chunks: readonly string[]): Promise<string> {
  const { json } = await importOf(chunks, { opened: false, closed: false, stored: 0 });
  const pieces: Uint8Array[] = [];
  for await (const piece of json) pieces.push(piece);
  return Buffer.concat(pieces).toString('utf8');
}

describe("an import's answer, written as the draft's JSON is read", () => {
  it("puts the draft's members between the view's own and sourceTextLength, however its JSON is cut", async () => {
    const whole = await answerOf(['{"planId":"plan-1","tasks":[{"ḍ":1}]}']);
    const parsed = JSON.parse(whole) as Record<string, unknown>;
    expect(parsed).toMatchObject({ planId: 'plan-1', tasks: [{ ḍ: 1 }], sourceTextLength: 42 });
    expect(Object.keys(parsed).at(-1)).toBe('sourceTextLength');
    // Cut after its "{", before its "}", and in between: the same bytes.
    expect(await answerOf(['{', '"planId":"plan-1",', '"tasks":[{"ḍ":1}]', '}'])).toBe(whole);
    expect(await answerOf(['{"planId":"plan-1","tasks":[{"ḍ":1}]}', ''])).toBe(whole);
    expect(await answerOf(['', '{"planId":"plan-1","tasks":[{"ḍ":1}', ']}'])).toBe(whole);
  });

  it('adds no separator for a draft without members, and refuses JSON that is not an object', async () => {
    expect(JSON.parse(await answerOf(['{}']))).toMatchObject({ sourceTextLength: 42 });
    await expect(answerOf(['[1]'])).rejects.toThrow('not an object');
    await expect(answerOf(['{"a":1'])).rejects.toThrow('not an object');
  });
});

describe("an import whose draft's JSON cannot be answered", () => {
  it('fails before it is answered or stored when its JSON is not an object or cannot be read', async () => {
    for (const chunks of [['[1]'], ['', ' {}'], [], ['broken']]) {
      const seen = { opened: false, closed: false, stored: 0 };
      await expect(importOf(chunks, seen, true)).rejects.toThrow(/not an object|incorrect header/);
      expect(seen).toEqual({ opened: true, closed: true, stored: 0 });
    }
  });

  it("ends the draft's JSON when the answer is let go before it is read", async () => {
    const seen = { opened: false, closed: false, stored: 0 };
    const { draftId, json } = await importOf(['{"a":', '1}'], seen, true);
    expect(draftId).toBe('d-1');
    await json[Symbol.asyncIterator]().return?.();
    expect(seen).toEqual({ opened: true, closed: true, stored: 1 });
  });
});
