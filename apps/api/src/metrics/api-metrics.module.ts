import { Global, Module } from '@nestjs/common';
import { CommandMetrics } from '#libs/platform';
import { COMMAND_OBSERVER } from '../commands/commands.module.js';
import { MetricsHttpController } from './metrics.http.controller.js';

/**
 * GET /metrics, and CommandMetrics as the application layer's CommandObserver: every command the
 * API handles is counted and timed by type and outcome.
 */
@Global()
@Module({
  controllers: [MetricsHttpController],
  providers: [{ provide: COMMAND_OBSERVER, useExisting: CommandMetrics }],
  exports: [COMMAND_OBSERVER],
})
export class ApiMetricsModule {}
