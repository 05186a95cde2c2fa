import { readFileSync } from 'node:fs';
import type { Clock } from '#libs/application';
import type { AppConfig } from '../config.js';

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date().toISOString() };

/**
 * Tests only (COORD_TEST_CLOCK_FILE, refused by loadConfig unless NODE_ENV=test): "now" is the
 * ISO instant written in a file, so a test moves the time of spawned API and worker processes
 * across a deadline by rewriting it. Read again at most every `refreshMs`.
 */
export class FileClock implements Clock {
  private cached: { at: number; value: string } | undefined;

  constructor(
    private readonly path: string,
    private readonly refreshMs = 50,
  ) {}

  now(): string {
    const at = Date.now();
    if (this.cached && at - this.cached.at < this.refreshMs) return this.cached.value;
    const text = readFileSync(this.path, 'utf8').trim();
    const time = Date.parse(text);
    if (Number.isNaN(time))
      throw new Error(`COORD_TEST_CLOCK_FILE ${this.path} does not hold an ISO instant`);
    const value = new Date(time).toISOString();
    this.cached = { at, value };
    return value;
  }
}

/** A clock a test sets by hand (in-process tests). */
export class ManualClock implements Clock {
  constructor(private instant: string) {}
  now(): string {
    return this.instant;
  }
  set(instant: string): void {
    this.instant = new Date(Date.parse(instant)).toISOString();
  }
}

/** The process's clock: the wall clock, or in tests the instant in COORD_TEST_CLOCK_FILE. */
export function clockOf(config: Pick<AppConfig, 'testClockFile'>): Clock {
  return config.testClockFile ? new FileClock(config.testClockFile) : systemClock;
}
