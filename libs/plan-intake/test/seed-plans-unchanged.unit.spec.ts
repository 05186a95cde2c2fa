import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSeedDirectory } from '#libs/agencies';
import { draftPlanText, parsePlanDocument } from '../src/index.js';
import { LAI_CHAU, LANG_SON_CITY, readSeedPlan } from './seed-plans.js';

/*
 * The seed plans read exactly as they did before the layout repairs (normalise-lines.ts), the
 * three-digit party numbers, the inline deadlines and the secondary-source reading: the golden files
 * are the extract and the draft written by the parser before those changes. New fields may be
 * added (toMatchObject), nothing that was read may change.
 */
const goldenDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'seed-golden');

describe.each([LAI_CHAU, LANG_SON_CITY])('the seed plan %s', (fileName) => {
  const golden = JSON.parse(readFileSync(join(goldenDir, fileName.replace('.txt', '.json')), 'utf8')) as {
    extract: object;
    draft: object;
  };
  const text = readSeedPlan(fileName);

  it('parses as before', () => {
    const { text: _text, ...extract } = parsePlanDocument(text);
    expect(JSON.parse(JSON.stringify(extract))).toMatchObject(golden.extract);
  });

  it('drafts as before', () => {
    const { sourceText: _sourceText, ...draft } = draftPlanText(text, createSeedDirectory());
    expect(JSON.parse(JSON.stringify(draft))).toMatchObject(golden.draft);
  });
});
