import { Module, type DynamicModule } from '@nestjs/common';
import {
  DatabaseModule,
  HOSTED_CONSUMERS,
  SubscriptionHost,
  loggingModule,
  type AppConfig,
  type HostedConsumer,
} from '#libs/platform';

/**
 * The worker hosts what follows the event log: projections and the NATS publisher. It has no
 * HTTP surface; run as many API replicas as needed and one worker per consumer group.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, consumers: DynamicModule['providers'] = []): DynamicModule {
    return {
      module: WorkerModule,
      imports: [loggingModule(config, 'coord-worker'), DatabaseModule.forRoot(config, 'coord-worker')],
      providers: [
        ...consumers,
        { provide: HOSTED_CONSUMERS, useValue: [] satisfies HostedConsumer[] },
        SubscriptionHost,
      ],
    };
  }
}
