import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { MetricsRegistry } from '#libs/platform';
import { Public } from '../auth/auth.decorators.js';
import { ApiAnswer } from '../contract/answers.js';

/**
 * GET /metrics for Prometheus. No token, as scrapers expect: the series carry command types,
 * outcomes, projection names and counts, never a person, an agency or a task (README, "Metrics
 * and health"). Keep the path off the public ingress.
 */
@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Metrics in the Prometheus text format (version 0.0.4)' })
  @ApiProduces('text/plain')
  @ApiAnswer(200, { type: 'string' }, 'The series listed in the README under "Metrics and health"', {
    contentTypes: ['text/plain'],
  })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
