import { setFlagsFromString } from 'node:v8';

/**
 * Stops V8 from pretenuring allocation sites in this process (docs/adr/0047). V8 moves a site to
 * "allocate old" once most of what it allocated survived a scavenge, as the rows of a large read
 * at start-up do; the sites are shared (the database driver's row parsing, the HTTP stack), so
 * every later request's short-lived objects were then promoted and kept alive until a full
 * collection, and each scavenge took 3-8 ms instead of under 1. Called before the application is
 * built, ahead of the reads that would set it off; the flag is V8's own and only changes a
 * heuristic of its collector.
 */
export function keepShortLivedObjectsYoung(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
