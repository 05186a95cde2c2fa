/**
 * How a command that lost a race for its stream is tried again: at most `maxAttempts` decisions
 * on fresh state, waiting a full-jitter exponential back-off between them
 * (random in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))) before the (n+1)th). See docs/adr for
 * the numbers.
 */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A number in [0, 1); Math.random by default. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 500 };

/** The wait before the attempt after `failedAttempts` conflicts (1 after the first). */
export function backOffMs(policy: RetryPolicy, failedAttempts: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.floor((policy.random ?? Math.random)() * ceiling);
}

export function sleepFor(policy: RetryPolicy, ms: number): Promise<void> {
  if (policy.sleep) return policy.sleep(ms);
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
