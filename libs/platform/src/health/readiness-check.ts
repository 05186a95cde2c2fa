import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Database } from '#libs/event-store';
import { NatsClient } from '../nats.module.js';
import { DATABASE } from '../tokens.js';

/**
 * `ok`: every dependency answers. `degraded`: the database answers but NATS does not: commands
 * and queries work, notifications wait in the log until NATS is back. `unavailable`: the database
 * does not answer.
 */
export type HealthStatus = 'ok' | 'degraded' | 'unavailable';

export interface DependencyCheck {
  readonly status: 'up' | 'down';
  /** Why it is down, as the driver said it (addresses included): operators only. */
  readonly error?: string;
  readonly [detail: string]: unknown;
}

export interface HealthReport {
  readonly status: HealthStatus;
  /** What was checked: shown to operators only (see publicHealth). */
  readonly checks: Readonly<Record<string, DependencyCheck>>;
}

/** What anyone may see: the status alone, no address, server or error text. */
export function publicHealth(report: HealthReport): { readonly status: HealthStatus } {
  return { status: report.status };
}

/** 503 takes a process out of rotation: only when the database does not answer. */
export function httpStatusOfHealth(report: HealthReport): number {
  return report.status === 'unavailable' ? 503 : 200;
}

const DATABASE_TIMEOUT_MS = 3_000;
const NATS_TIMEOUT_MS = 1_500;

/**
 * Liveness and readiness, the same in the API (on its HTTP port) and the worker (on its
 * operations port). Live: the process runs its event loop; nothing else is touched, so no outage
 * gets healthy processes restarted. Ready: the database answers (else unavailable, 503), and NATS
 * when it is configured (else degraded, still 200: commands are still accepted).
 */
@Injectable()
export class ReadinessCheck {
  private readonly logger = new Logger('Health');
  private lastStatus: HealthStatus = 'ok';

  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Optional() private readonly nats?: NatsClient,
  ) {}

  /** Always ok while the process can answer. */
  live(): HealthReport {
    return { status: 'ok', checks: {} };
  }

  async ready(): Promise<HealthReport> {
    const [database, nats] = await Promise.all([
      this.check(async () => {
        await this.database.pool.query('select 1');
        return {};
      }, DATABASE_TIMEOUT_MS).then((check) => ({ kind: this.database.kind, ...check })),
      // Only when NATS_URL is set: notifications depend on it.
      this.nats ? this.check(() => this.natsRoundTrip(this.nats!), NATS_TIMEOUT_MS) : undefined,
    ]);
    const checks: Record<string, DependencyCheck> = { database, ...(nats ? { nats } : {}) };
    const status: HealthStatus =
      database.status === 'down' ? 'unavailable' : nats?.status === 'down' ? 'degraded' : 'ok';
    if (status !== this.lastStatus) {
      // The reasons go to the log (and to operators asking /health), never to anonymous callers.
      const entry = { status, was: this.lastStatus, checks, msg: `readiness is now ${status}` };
      if (status === 'ok') this.logger.log(entry);
      else this.logger.warn(entry);
      this.lastStatus = status;
    }
    return { status, checks };
  }

  /** Up when the server answers a round trip. */
  private async natsRoundTrip(nats: NatsClient): Promise<Record<string, unknown>> {
    const connection = nats.current();
    if (!connection) throw new Error(`not connected to ${nats.servers.join(',')}`);
    await connection.flush();
    return { server: connection.getServer() };
  }

  private async check(
    attempt: () => Promise<Record<string, unknown>>,
    timeoutMs: number,
  ): Promise<DependencyCheck> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return { status: 'up', ...(await Promise.race([attempt(), timeout])) };
    } catch (error) {
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
