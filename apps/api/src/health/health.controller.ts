import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Database } from '#libs/event-store';
import { DATABASE, NatsClient } from '#libs/platform';
import { Public } from '../auth/auth.decorators.js';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DATABASE) private readonly database: Database,
    @Optional() private readonly nats?: NatsClient,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOkResponse({ description: 'Every dependency answers' })
  @ApiServiceUnavailableResponse({ description: 'A dependency does not answer' })
  check() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.database.pool.query('select 1');
            return { kind: this.database.kind };
          })
          .withTimeout(3_000),
      // Only when NATS_URL is set: notifications depend on it, the API does not.
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
