/**
 * When a failed delivery is tried again: exponential back-off, `baseMs` after the first failure,
 * doubling, at most `capMs` apart, spread by up to ±`jitter` so that the deliveries an outage held
 * back do not all come back at the same instant. After `maxAttempts` attempts the delivery goes to
 * the dead-letter list (the agency replays it from there). The defaults try for about a day:
 * 5 s, 10 s, 20 s, ... 42 min 40 s, then hourly: 30 attempts over about 20.4 h.
 */
export interface RetrySchedule {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
  /** Fraction of the delay it may be moved by, 0 to 1. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  baseMs: 5_000,
  capMs: 3_600_000,
  maxAttempts: 30,
  jitter: 0.1,
};

/**
 * The wait before attempt `failedAttempts + 1`, after `failedAttempts` (>= 1) failures; `random`
 * in [0, 1) (the caller's randomness, so the schedule itself is pure). null: no more attempts.
 */
export function retryDelayMs(schedule: RetrySchedule, failedAttempts: number, random: number): number | null {
  if (failedAttempts >= schedule.maxAttempts) return null;
  const exponent = Math.max(0, failedAttempts - 1);
  // 2^exponent grows past any cap quickly; stop doubling before it overflows.
  const plain = exponent >= 40 ? schedule.capMs : Math.min(schedule.capMs, schedule.baseMs * 2 ** exponent);
  const spread = plain * schedule.jitter * (2 * random - 1);
  return Math.max(0, Math.round(plain + spread));
}

/** The delays of a whole schedule without jitter (for documentation and tests). */
export function plainDelaysMs(schedule: RetrySchedule): number[] {
  const delays: number[] = [];
  for (let failed = 1; ; failed += 1) {
    const delay = retryDelayMs({ ...schedule, jitter: 0 }, failed, 0.5);
    if (delay === null) return delays;
    delays.push(delay);
  }
}
