import { setFlagsFromString } from 'node:v8';
import type { AppConfig } from './config.js';

/**
 * Stops V8 from pretenuring allocation sites in this process (docs/adr/0047), unless
 * V8_PRETENURING=true. V8 moves a site to "allocate old" once most of what it allocated survived a
 * scavenge, as the rows of a large read at start-up do; the sites are shared (the database
 * driver's row parsing, the HTTP stack), so every later request's short-lived objects were then
 * promoted and kept alive until a full collection, and each scavenge took 2-8 ms instead of under
 * 1. Called before the application is built: V8 applies the flag to the code it compiles from then
 * on, so in a process that has already run the application (a test runner) it is best effort.
 * The flag is process-wide and only changes a heuristic of the collector.
 */
export function keepShortLivedObjectsYoung(config: Pick<AppConfig, 'v8Pretenuring'>): void {
  if (config.v8Pretenuring) return;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
