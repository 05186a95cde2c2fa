import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Database } from '#libs/event-store';
import { DATABASE } from '#libs/platform';
import { Public } from '../auth/auth.decorators.js';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DATABASE) private readonly database: Database,
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
    ]);
  }
}
