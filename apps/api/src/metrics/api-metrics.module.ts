import { Module } from '@nestjs/common';
import { CommandBusMetrics } from './command-bus.metrics.js';
import { MetricsHttpController } from './metrics.http.controller.js';

/** GET /metrics, and the commands of the CommandBus counted (see CommandBusMetrics). */
@Module({ controllers: [MetricsHttpController], providers: [CommandBusMetrics] })
export class ApiMetricsModule {}
