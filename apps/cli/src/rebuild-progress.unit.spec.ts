import { describeProgress, formatDuration } from './rebuild-progress.js';

describe('rebuild progress', () => {
  it('tells events applied against the head, the rate and the time left', () => {
    expect(describeProgress({ events: 400_000, head: 1_000_000n, position: 400_000n, seconds: 20 })).toBe(
      '400,000 / 1,000,000 events (40%), 20,000 events/s, ETA 30 s',
    );
  });

  it('counts what is left from the position, not from the events applied', () => {
    // A rebuild of a log that starts past position 0 (events appended in aborted transactions leave gaps).
    expect(describeProgress({ events: 100, head: 1_000n, position: 900n, seconds: 1 })).toBe(
      '100 / 1,000 events (90%), 100 events/s, ETA 1 s',
    );
  });

  it('has no ETA before any time has passed', () => {
    expect(describeProgress({ events: 0, head: 10n, position: 0n, seconds: 0 })).toBe(
      '0 / 10 events (0%), 0 events/s, ETA ?',
    );
  });

  it('writes long durations in minutes and hours', () => {
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600 + 61)).toBe('3 h 1 min');
  });
});
