import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import {
  compareLogPositions,
  PostgresCheckpointStore,
  type Database,
  type EventStore,
  type LogPosition,
} from '#libs/event-store';
import {
  allProjections,
  checkpointChannel,
  openProjectionDataSource,
  ProjectionRunner,
} from '#libs/projections';
import { CheckpointWatch } from './checkpoint-watch.js';
import {
  DEADLINE_MAILER_SUBSCRIPTION,
  DeadlineMailer,
  readAgencyAddresses,
} from './deadlines/deadline-mailer.js';
import type { AppConfig } from './config.js';
import { LedgerConsumer, LedgerStore } from '#libs/ledger';
import { ledgerHostedConsumer } from './ledger.module.js';
import { AdvisoryLockLeases, SoleProcessLeases, type ConsumerLeases } from './leases.js';
import { DeferredJetStreamPublisher, LeasedCheckpointStore, NatsClient } from './nats.module.js';
import {
  CONSUMER_LEASES,
  HOSTED_CONSUMERS,
  SubscriptionHost,
  type HostedConsumer,
} from './subscription-host.js';
import { APP_CONFIG, DATABASE, EVENT_STORE } from './tokens.js';
import { webhookHostedConsumer, WebhookDeliveryHost } from './webhooks/webhooks.module.js';

export const PROJECTION_DATA_SOURCE = Symbol('PROJECTION_DATA_SOURCE');
export const PROJECTIONS_SUBSCRIPTION = 'projections';
export const NATS_PUBLISHER_SUBSCRIPTION = 'nats-publisher';

export interface ReadModelsOptions {
  /**
   * Host the projections (and the NATS publisher) in this process: the workers; the API on the
   * embedded database. Of the processes hosting them, the one holding each one's lease runs it.
   */
  readonly runProjections: boolean;
}

/** Longest pause between two looks for a position not recorded yet. */
const UNRECORDED_POLL_MS = 100;

/**
 * Answers "have the projections seen position P yet?" so a query can read its own writes.
 * Where this process runs the projections it waits on the subscription; otherwise it waits for
 * the running worker's notification that it stored new checkpoints (CheckpointWatch).
 */
@Injectable()
export class ProjectionWaiter implements OnApplicationShutdown {
  private readonly logger = new Logger('ReadYourWrites');
  private watch: CheckpointWatch | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: ProjectionRunner,
    @Optional() private readonly host?: SubscriptionHost,
  ) {}

  /**
   * Waits until every projection has processed the event at `globalPosition`, at most `timeoutMs`:
   * `projected`, or why not by then: `not-recorded` (no event was recorded at that position) or
   * `behind` (it is recorded, the projections have not reached it yet).
   */
  async waitFor(globalPosition: bigint, timeoutMs: number): Promise<ProjectionWait> {
    const deadline = Date.now() + timeoutMs;
    const target = await this.recorded(globalPosition, deadline);
    if (!target) return 'not-recorded';
    timeoutMs = Math.max(1, deadline - Date.now());
    const local = this.host?.running(PROJECTIONS_SUBSCRIPTION);
    if (local) return (await local.waitFor(target, timeoutMs)) ? 'projected' : 'behind';
    this.watch ??= new CheckpointWatch({
      pool: this.database.pool,
      channel: checkpointChannel(this.config.databaseSchema),
      oldestCheckpoint: () => this.oldestCheckpoint(),
      onError: (error) => this.logger.warn({ err: error, msg: 'waiting for the projections: will retry' }),
    });
    return (await this.watch.waitFor(target, timeoutMs)) ? 'projected' : 'behind';
  }

  async onApplicationShutdown(): Promise<void> {
    await this.watch?.close();
  }

  /**
   * Where the event at `globalPosition` stands in the log order. A position not recorded yet (a
   * client ahead of the head, or a transaction not committed yet) is looked for again until
   * `deadline`: like any position not projected yet, it is worth waiting for.
   */
  private async recorded(globalPosition: bigint, deadline: number): Promise<LogPosition | null> {
    for (let pause = 10; ; pause = Math.min(pause * 2, UNRECORDED_POLL_MS)) {
      const target = await this.store.logPositionOf(globalPosition);
      if (target) return target;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await delay(Math.min(pause, left));
    }
  }

  private async oldestCheckpoint(): Promise<LogPosition> {
    const statuses = await this.runner.status();
    return statuses.map((s) => s.position).reduce((a, b) => (compareLogPositions(a, b) <= 0 ? a : b));
  }
}

/** How a wait for the projections ended. */
export type ProjectionWait = 'projected' | 'not-recorded' | 'behind';

/** Projections (TypeORM on the shared pool), the runner, and the subscriptions this process hosts. */
@Global()
@Module({})
export class ReadModelsModule implements OnApplicationShutdown {
  constructor(@Inject(PROJECTION_DATA_SOURCE) private readonly dataSource: DataSource) {}

  static forRoot(options: ReadModelsOptions): DynamicModule {
    return {
      module: ReadModelsModule,
      providers: [
        {
          provide: PROJECTION_DATA_SOURCE,
          inject: [DATABASE, APP_CONFIG, EVENT_STORE],
          // EVENT_STORE is injected so the store's migrations run first.
          useFactory: (database: Database, config: AppConfig) =>
            openProjectionDataSource({ pool: database.pool, schema: config.databaseSchema }),
        },
        {
          provide: ProjectionRunner,
          inject: [PROJECTION_DATA_SOURCE, EVENT_STORE, DATABASE],
          useFactory: (dataSource: DataSource, store: EventStore, database: Database) => {
            const logger = new Logger('Projections');
            return new ProjectionRunner({
              dataSource,
              store,
              projections: allProjections,
              // The embedded database's one connection is held for a whole replay transaction:
              // the API's reads wait behind it, ~0.5 s for 500 events, seconds for 5,000.
              ...(database.kind === 'embedded' ? { batchSize: 500 } : {}),
              logger: { warn: (details, message) => logger.warn({ ...details, msg: message }) },
            });
          },
        },
        {
          provide: CONSUMER_LEASES,
          inject: [DATABASE, APP_CONFIG],
          // The embedded database belongs to one process (ADR 0003): it holds every lease.
          useFactory: (database: Database, config: AppConfig): ConsumerLeases => {
            if (database.kind === 'embedded') return new SoleProcessLeases(database.pool);
            const logger = new Logger('Leases');
            return new AdvisoryLockLeases({
              connectionString: database.connectionString,
              schema: config.databaseSchema,
              logger: {
                log: (details, message) => logger.log({ ...details, msg: message }),
                warn: (details, message) => logger.warn({ ...details, msg: message }),
              },
            });
          },
        },
        {
          provide: HOSTED_CONSUMERS,
          inject: [
            ProjectionRunner,
            EVENT_STORE,
            PostgresCheckpointStore,
            CONSUMER_LEASES,
            { token: NatsClient, optional: true },
            APP_CONFIG,
            { token: LedgerConsumer, optional: true },
            { token: LedgerStore, optional: true },
            { token: WebhookDeliveryHost, optional: true },
          ],
          // The process that follows the log for the projections also publishes it to NATS.
          useFactory: (
            runner: ProjectionRunner,
            store: EventStore,
            checkpoints: PostgresCheckpointStore,
            leases: ConsumerLeases,
            nats: NatsClient | undefined,
            config: AppConfig,
            ledger: LedgerConsumer | undefined,
            ledgerStore: LedgerStore | undefined,
            webhooks: WebhookDeliveryHost | undefined,
          ): HostedConsumer[] =>
            options.runProjections
              ? [
                  { name: PROJECTIONS_SUBSCRIPTION, consumer: runner },
                  ...(nats
                    ? [
                        {
                          name: NATS_PUBLISHER_SUBSCRIPTION,
                          consumer: new DeferredJetStreamPublisher(
                            nats,
                            store,
                            new LeasedCheckpointStore(checkpoints, leases, NATS_PUBLISHER_SUBSCRIPTION),
                            { replicas: config.natsStreamReplicas },
                          ),
                          batchSize: 1_000,
                        },
                      ]
                    : []),
                  // The ledger extends its tree in log order, under a lease of its own (ADR 0018).
                  ...ledgerHostedConsumer(ledger, ledgerStore),
                  // Webhooks to the agencies' endpoints (ADR 0030): queued in log order.
                  ...webhookHostedConsumer(webhooks),
                  // With SMTP: deadline notices by e-mail to the agencies' addresses.
                  ...(config.smtpUrl
                    ? [
                        {
                          name: DEADLINE_MAILER_SUBSCRIPTION,
                          consumer: new DeadlineMailer({
                            smtpUrl: config.smtpUrl,
                            from: config.smtpFrom,
                            addresses: config.agencyEmailsFile
                              ? readAgencyAddresses(config.agencyEmailsFile)
                              : new Map<string, string>(),
                            checkpoints: new LeasedCheckpointStore(
                              checkpoints,
                              leases,
                              DEADLINE_MAILER_SUBSCRIPTION,
                            ),
                            store,
                          }),
                          batchSize: 100,
                        },
                      ]
                    : []),
                ]
              : [],
        },
        SubscriptionHost,
        ProjectionWaiter,
      ],
      exports: [
        PROJECTION_DATA_SOURCE,
        ProjectionRunner,
        SubscriptionHost,
        ProjectionWaiter,
        CONSUMER_LEASES,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
