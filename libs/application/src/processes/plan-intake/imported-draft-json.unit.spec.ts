import type { SerialisedPlanDraft } from '#libs/plan-intake';
import { PlanIntake, type PlanIntakeOptions } from './plan-intake.process.js';

const encode = (text: string) => new TextEncoder().encode(text);

/** A dry-run import's answer when the reader gives the draft's JSON in `chunks`. */
async function answerOf(chunks: readonly string[]): Promise<string> {
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
        for (const chunk of chunks) yield await Promise.resolve(encode(chunk));
      },
    },
    store: { readStream: () => Promise.resolve([]) },
  } as unknown as PlanIntakeOptions;
  const intake = new PlanIntake(options);
  const { json } = await intake.importDocumentAsJson(
    new Uint8Array(0),
    null,
    { personId: 'p', agencyCode: 'lc-ubnd-tinh', roles: ['issuer'] },
    { dryRun: true },
  );
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
