import { retryDelayMs, type RetrySchedule } from './retry-schedule.js';

/** Where one delivery (one event to one endpoint) stands. */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** What one attempt came to. */
export type AttemptOutcome =
  /** The endpoint answered 2xx. */
  | { readonly kind: 'accepted'; readonly statusCode: number }
  /** It answered something else. */
  | { readonly kind: 'refused'; readonly statusCode: number }
  /** No answer: connection refused, reset, timed out. */
  | { readonly kind: 'unreachable'; readonly error: string };

export interface DeliveryAfterAttempt {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When to try again (pending only). */
  readonly nextAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
}

/** Standard Webhooks: any 2xx is a success; everything else is tried again. */
export function outcomeOfStatus(statusCode: number): AttemptOutcome {
  return statusCode >= 200 && statusCode < 300
    ? { kind: 'accepted', statusCode }
    : { kind: 'refused', statusCode };
}

/**
 * The delivery after an attempt made at `now`, the `attemptsBefore`+1-th: delivered; pending
 * again after the schedule's wait; or dead once the schedule has no attempt left.
 */
export function afterAttempt(
  attemptsBefore: number,
  outcome: AttemptOutcome,
  now: Date,
  schedule: RetrySchedule,
  random: number,
): DeliveryAfterAttempt {
  const attempts = attemptsBefore + 1;
  if (outcome.kind === 'accepted') {
    return {
      status: 'delivered',
      attempts,
      nextAttemptAt: null,
      lastStatusCode: outcome.statusCode,
      lastError: null,
    };
  }
  const lastStatusCode = outcome.kind === 'refused' ? outcome.statusCode : null;
  const lastError =
    outcome.kind === 'refused' ? `the endpoint answered ${outcome.statusCode}` : outcome.error.slice(0, 500);
  const delay = retryDelayMs(schedule, attempts, random);
  if (delay === null) return { status: 'dead', attempts, nextAttemptAt: null, lastStatusCode, lastError };
  return {
    status: 'pending',
    attempts,
    nextAttemptAt: new Date(now.getTime() + delay),
    lastStatusCode,
    lastError,
  };
}
