import { describeProgress, formatDuration } from './rebuild-progress.js';

describe('rebuild progress', () => {
  it('tells events applied, the share of the log read, the rate and the time left', () => {
    expect(describeProgress({ events: 400_000, head: 1_000_000n, position: 400_000n, seconds: 20 })).toBe(
      '400,000 events (40% of the log), 20,000 events/s, ETA 30 s',
    );
  });

  it('counts what is left from positions, not from the events applied', () => {
    // Positions that are not events: gaps left by aborted transactions, or KurrentDB's bytes.
    expect(describeProgress({ events: 100, head: 80_000n, position: 20_000n, seconds: 10 })).toBe(
      '100 events (25% of the log), 10 events/s, ETA 30 s',
    );
  });

  it("names the shadow rebuild's stage when told", () => {
    expect(describeProgress({ events: 10, head: 100n, position: 100n, seconds: 1, stage: 'swapping' })).toBe(
      'swapping: 10 events (100% of the log), 10 events/s, ETA 0 s',
    );
  });

  it('has no ETA before any time has passed', () => {
    expect(describeProgress({ events: 0, head: 10n, position: 0n, seconds: 0 })).toBe(
      '0 events (0% of the log), 0 events/s, ETA ?',
    );
  });

  it('writes long durations in minutes and hours', () => {
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600 + 61)).toBe('3 h 1 min');
  });
});
