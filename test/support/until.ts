/**
 * Reads `read()` until `accepts` it (what it reads changes asynchronously: a page, a thread's
 * state), failing after `timeoutMs` with the last value read.
 */
export async function until<T>(
  read: () => Promise<T>,
  accepts: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accepts(value)) return value;
    if (Date.now() > deadline) throw new Error(`Still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
