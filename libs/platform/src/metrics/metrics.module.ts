import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ReadinessCheck } from '../health/readiness-check.js';
import { AppendBatchMetrics } from './append-batch-metrics.js';
import { CommandMetrics } from './command-metrics.js';
import { FeedMetrics, NatsConnectionMetrics, SubscriptionMetrics } from './connection-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { LogLagMetrics } from './log-lag-metrics.js';
import { MetricsRegistry } from './metrics-registry.js';
import { OperationsServer } from './operations-server.js';

/**
 * Prometheus metrics and health checks of a process: one registry, the series the README lists
 * under "Metrics and health", liveness and readiness, and (for the worker) a listener that serves
 * them. Import once, beside DatabaseModule, NatsModule and ReadModelsModule.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(): DynamicModule {
    const providers = [
      MetricsRegistry,
      CommandMetrics,
      AppendBatchMetrics,
      LogLagMetrics,
      NatsConnectionMetrics,
      FeedMetrics,
      SubscriptionMetrics,
      HttpMetrics,
      ReadinessCheck,
      OperationsServer,
    ];
    return {
      module: MetricsModule,
      providers,
      exports: providers,
    };
  }
}
