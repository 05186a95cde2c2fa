import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { createSeedDirectory } from '#libs/agencies';
import { draftPlanText, gzipDraftJson } from '../src/index.js';
import { streamPlanText } from '../src/draft/draft-plan-text.js';
import { gzipDraftStreamJson } from '../src/draft/serialised-draft.js';
import { hardWrap, planWithParties } from './support/variants.js';
import { LAI_CHAU, LANG_SON_CITY, readSeedPlan } from './seed-plans.js';

const directory = createSeedDirectory();
const options = { fileName: 'plan.txt', mediaType: 'text/plain' };
const LAI_CHAU_PLAN_TEXT = readSeedPlan(LAI_CHAU);
const LANG_SON_CITY_PLAN_TEXT = readSeedPlan(LANG_SON_CITY);

/** The draft's JSON as JSON.stringify writes it, without its text. */
function jsonOf(text: string): string {
  const { sourceText: _text, ...draft } = draftPlanText(text, directory, options);
  return JSON.stringify(draft);
}

describe('a draft made a task at a time (the intake thread)', () => {
  const plans = {
    'Lai Châu': LAI_CHAU_PLAN_TEXT,
    'Lạng Sơn city': LANG_SON_CITY_PLAN_TEXT,
    'Lai Châu, wrapped at 72': hardWrap(LAI_CHAU_PLAN_TEXT, 72, 45),
    '150 parties': planWithParties(150),
  };

  it.each(Object.entries(plans))(
    '%s: the same JSON as the whole draft, compressed the same',
    async (_name, text) => {
      const streamed = await gzipDraftStreamJson(streamPlanText(text, directory, options));
      expect(gunzipSync(streamed).toString('utf8')).toBe(jsonOf(text));
      expect(streamed.equals(await gzipDraftJson(draftPlanText(text, directory, options)))).toBe(true);
    },
  );

  it('gives its head, text and fields after the tasks as the whole draft has them', () => {
    const whole = draftPlanText(LAI_CHAU_PLAN_TEXT, directory, options);
    const stream = streamPlanText(LAI_CHAU_PLAN_TEXT, directory, options);
    expect(() => stream.rest()).toThrow();
    expect([...stream.tasks]).toEqual(whole.tasks);
    const { warnings, summary, needsReview } = whole;
    expect(stream.rest()).toEqual({ warnings, summary, needsReview });
    // A second pass would count the tasks twice: refused.
    expect(() => [...stream.tasks]).toThrow('given once');
    expect(stream.head.planId).toBe(whole.planId);
    expect(stream.sourceText).toBe(whole.sourceText);
  });
});
