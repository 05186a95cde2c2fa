import { Module, type DynamicModule } from '@nestjs/common';
import {
  DatabaseModule,
  DeadlineTimersModule,
  loggingModule,
  NatsModule,
  ReadModelsModule,
  LedgerModule,
  WebhooksModule,
  type AppConfig,
} from '#libs/platform';

/**
 * The worker hosts what follows the event log: the projections, the ledger (ADR 0018), (with
 * NATS) the publisher, and the deadline timers (ADR 0022).
 * It has no HTTP surface (the process serves /metrics and its probes beside it, see
 * worker-process.module.ts). Run as many API and worker replicas as needed: each of those
 * consumers runs in the one worker holding its lease, the others stand by and take over within
 * seconds (docs/adr/0010-leases-for-hosted-consumers.md).
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        loggingModule(config, 'coord-worker'),
        DatabaseModule.forRoot(config, 'coord-worker'),
        NatsModule.forRoot(config.natsUrl, { user: config.natsUser, password: config.natsPassword }),
        LedgerModule.forRoot(),
        ReadModelsModule.forRoot({ runProjections: true }),
        // Every worker fires deadline timers; they share them (docs/adr/0022-deadline-timers.md).
        DeadlineTimersModule.forRoot({ fireTimers: true }),
        // Webhooks to the agencies' endpoints (docs/adr/0030-webhook-delivery.md).
        WebhooksModule.forRoot({ deliver: true }),
      ],
    };
  }
}
