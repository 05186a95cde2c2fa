/**
 * Whether an error means the database cannot be reached right now (it is down, restarting, failing
 * over, or dropped the connection), rather than that the request or the code is wrong. Such a
 * request may well succeed a few seconds later, so it answers 503 with Retry-After, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causesOf(error).some(isConnectionFailure);
}

/** Seconds a client should wait before sending a request again during a database outage. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket errors of a lost or refused connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or not yet there: 57P01 admin_shutdown (a kill or
 * pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, recovery),
 * and class 08, connection exceptions.
 */
function isUnavailableSqlState(code: string): boolean {
  return code === '57P01' || code === '57P02' || code === '57P03' || /^08[0-9A-Z]{3}$/.test(code);
}

/** What node-postgres and its pool say when the connection is gone or cannot be had. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /not queryable/,
  /timeout exceeded when trying to connect/,
  /^Connection ended unexpectedly/,
];

function isConnectionFailure(error: object): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || isUnavailableSqlState(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message));
}

/** The error and what it wraps: `cause`, TypeORM's `driverError`, an AggregateError's `errors`. */
function causesOf(error: unknown): object[] {
  const found: object[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && found.length < 16) {
    const next = pending.shift();
    if (typeof next !== 'object' || next === null || found.includes(next)) continue;
    found.push(next);
    const { cause, driverError, errors } = next as {
      cause?: unknown;
      driverError?: unknown;
      errors?: unknown;
    };
    pending.push(cause, driverError);
    if (Array.isArray(errors)) pending.push(...(errors as unknown[]));
  }
  return found;
}
