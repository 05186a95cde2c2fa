import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsModule, type AppConfig } from '#libs/platform';
import { WorkerModule } from './worker.module.js';

/**
 * The worker as its own process: what it hosts (WorkerModule) plus its metrics and health
 * checks, which main.ts serves on METRICS_PORT.
 */
@Module({})
export class WorkerProcessModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerProcessModule, imports: [WorkerModule.forRoot(config), MetricsModule.forRoot()] };
  }
}
