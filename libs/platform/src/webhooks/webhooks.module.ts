import { Global, Inject, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { PostgresCheckpointStore, type Database, type EventStore } from '#libs/event-store';
import type { RetrySchedule } from '#libs/webhooks';
import type { AppConfig } from '../config.js';
import { CONSUMER_LEASES } from '../subscription-host.js';
import type { ConsumerLeases } from '../leases.js';
import { LeasedCheckpointStore } from '../nats.module.js';
import { APP_CONFIG, DATABASE, EVENT_STORE } from '../tokens.js';
import { WEBHOOK_DISPATCHER_SUBSCRIPTION, WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookStore } from './webhook-store.js';

/** The lease of the sender: one process sends, so a task's deliveries keep their order. */
export const WEBHOOK_SENDER_LEASE = 'webhook-sender';

export function retryScheduleOf(config: AppConfig): RetrySchedule {
  return {
    baseMs: config.webhookRetryBaseMs,
    capMs: Math.max(config.webhookRetryCapMs, config.webhookRetryBaseMs),
    maxAttempts: config.webhookMaxAttempts,
    jitter: 0.1,
  };
}

/**
 * Delivers webhooks from this process (the workers; the API on the embedded database): the
 * dispatcher follows the log as a hosted consumer (ReadModelsModule hosts it), the sender runs
 * while this process holds its lease.
 */
@Injectable()
export class WebhookDeliveryHost {
  readonly dispatcher: WebhookDispatcher;
  readonly sender: WebhookSender;

  constructor(
    webhooks: WebhookStore,
    @Inject(EVENT_STORE) events: EventStore,
    checkpoints: PostgresCheckpointStore,
    @Inject(CONSUMER_LEASES) leases: ConsumerLeases,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const logger = new Logger('Webhooks');
    const log = {
      warn: (details: object, message: string) => logger.warn({ ...details, msg: message }),
      error: (details: object, message: string) => logger.error({ ...details, msg: message }),
    };
    this.sender = new WebhookSender({
      webhooks,
      schedule: retryScheduleOf(config),
      timeoutMs: config.webhookTimeoutMs,
      logger: log,
    });
    this.dispatcher = new WebhookDispatcher({
      webhooks,
      events,
      checkpoints: new LeasedCheckpointStore(checkpoints, leases, WEBHOOK_DISPATCHER_SUBSCRIPTION),
      logger: log,
      onQueued: () => this.sender.wake(),
    });
    leases.register(WEBHOOK_SENDER_LEASE, {
      acquired: () => {
        this.sender.start();
        return Promise.resolve();
      },
      lost: () => this.sender.stop(),
    });
  }
}

/** The endpoints' store (both apps); with `deliver`, the delivery host too. */
@Global()
@Module({})
export class WebhooksModule {
  static forRoot(options: { deliver: boolean }): DynamicModule {
    return {
      module: WebhooksModule,
      providers: [
        {
          provide: WebhookStore,
          // After the event store: it has created the schema by then.
          inject: [DATABASE, APP_CONFIG, EVENT_STORE],
          useFactory: async (database: Database, config: AppConfig) => {
            const store = new WebhookStore(database.pool, config.databaseSchema);
            await store.migrate();
            return store;
          },
        },
        ...(options.deliver ? [WebhookDeliveryHost] : []),
      ],
      exports: [WebhookStore, ...(options.deliver ? [WebhookDeliveryHost] : [])],
    };
  }
}

/** The dispatcher as a hosted consumer of ReadModelsModule, when this process delivers. */
export function webhookHostedConsumer(host: WebhookDeliveryHost | undefined) {
  return host ? [{ name: WEBHOOK_DISPATCHER_SUBSCRIPTION, consumer: host.dispatcher, batchSize: 500 }] : [];
}
