import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { Database } from '#libs/event-store';
import { NatsClient } from '../nats.module.js';
import { DATABASE } from '../tokens.js';

/**
 * Liveness and readiness, the same in the API (on its HTTP port) and the worker (on its
 * operations port). Live: the process runs its event loop; nothing else is touched, so a
 * database outage never gets healthy processes restarted. Ready: the database answers, and NATS
 * when it is configured.
 */
@Injectable()
export class ReadinessCheck {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DATABASE) private readonly database: Database,
    @Optional() private readonly nats?: NatsClient,
  ) {}

  /** Always up while the process can answer. */
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Throws terminus' ServiceUnavailableException (503, with the report) when a dependency is down. */
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.database.pool.query('select 1');
            return { kind: this.database.kind };
          })
          .withTimeout(3_000),
      // Only when NATS_URL is set: notifications depend on it.
      ...(this.nats ? [() => this.natsIndicator(this.nats!)] : []),
    ]);
  }

  /** Up when the server answers a round trip within the timeout. */
  private natsIndicator(nats: NatsClient) {
    return this.indicators
      .check('nats')
      .attempt(async () => {
        const connection = nats.current();
        if (!connection) throw new Error(`not connected to ${nats.servers.join(',')}`);
        await connection.flush();
        return { server: connection.getServer() };
      })
      .withTimeout(1_500);
  }
}
