import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { ReadinessCheck } from '#libs/platform';
import { Public } from '../auth/auth.decorators.js';

/** Probes for load balancers and Kubernetes; no token, and nothing in them a caller should not see. */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessCheck) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness, as /health/ready (kept for existing probes)' })
  @ApiOkResponse({ description: 'Every dependency answers' })
  @ApiServiceUnavailableResponse({ description: 'A dependency does not answer' })
  check() {
    return this.readiness.ready();
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness: the process answers; no dependency is checked (a database outage restarts nothing)',
  })
  @ApiOkResponse({ description: 'The process is running' })
  live() {
    return this.readiness.live();
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database answers, and NATS when NATS_URL is set' })
  @ApiOkResponse({ description: 'Every dependency answers' })
  @ApiServiceUnavailableResponse({ description: 'A dependency does not answer' })
  ready() {
    return this.readiness.ready();
  }
}
