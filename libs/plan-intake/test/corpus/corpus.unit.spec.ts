import { formatReport, scoreCorpus, type FieldScore } from './score-corpus.js';

/*
 * The intake corpus (see score-corpus.ts and `npm run score:intake`) read against expectations
 * written by hand: the figures the product promises an issuer.
 */
describe('the intake corpus', () => {
  const report = scoreCorpus();
  const accuracy = (field: string) => {
    const score = report.scores[field] as FieldScore;
    return score.right / score.total;
  };

  it('holds at least 12 real plan texts, documents about plans, non-plans and synthetic variants', () => {
    expect(report.documents.real).toBeGreaterThanOrEqual(18);
    expect(report.documents.synthetic).toBeGreaterThanOrEqual(5);
  });

  it('reads >= 98% of parties with the right role and source clause', () => {
    expect(accuracy('parties with the right role and source clause')).toBeGreaterThanOrEqual(0.98);
  });

  it('reads every report deadline and every cited document', () => {
    expect(accuracy('report deadlines')).toBe(1);
    expect(accuracy('deadlines written in duties')).toBe(1);
    expect(accuracy('support parties named in duties')).toBe(1);
    expect(accuracy('cited documents (kind, number, date)')).toBe(1);
  });

  it('tells plans, documents about plans and other documents apart', () => {
    expect(accuracy('document kind (plan, secondary source, not a plan)')).toBe(1);
  });

  it('writes no date that is not in the text unless it is marked inferred and listed for review', () => {
    expect(report.unmarkedDates).toBe(0);
  });

  it('prints its table', () => {
    expect(formatReport(report)).toMatch(
      /\| parties with the right role and source clause +\| +\d+ \| +\d+ \| +\d+\.\d%/u,
    );
  });
});
