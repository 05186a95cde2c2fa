import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, loggingModule, NatsModule, ReadModelsModule, type AppConfig } from '#libs/platform';

/**
 * The worker hosts what follows the event log: the projections and (with NATS) the publisher.
 * It has no HTTP surface; run as many API replicas as needed and one worker.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        loggingModule(config, 'coord-worker'),
        DatabaseModule.forRoot(config, 'coord-worker'),
        NatsModule.forRoot(config.natsUrl),
        ReadModelsModule.forRoot({ runProjections: true }),
      ],
    };
  }
}
