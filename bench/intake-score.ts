/**
 * npm run score:intake — how well plan intake reads the corpus in libs/plan-intake/test/corpus:
 * per-field accuracy against expectations written by hand, the cited documents read beyond them,
 * and dates that are neither written in the text nor marked inferred. `--failures` lists each miss.
 */
import { formatReport, scoreCorpus } from '../libs/plan-intake/test/corpus/score-corpus.js';

const report = scoreCorpus();
console.log(formatReport(report));
if (process.argv.includes('--failures')) {
  console.log('\nmisses:');
  for (const failure of report.failures) console.log(`- ${failure}`);
}
