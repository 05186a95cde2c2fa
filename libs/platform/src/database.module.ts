import {
  Global,
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  KurrentDbEventStore,
  openDatabase,
  PostgresCheckpointStore,
  type Database,
  type EventStore,
} from '#libs/event-store';
import type { AppConfig } from './config.js';
import { openConfiguredEventStore } from './event-store.js';
import { AppendBatchMetrics } from './metrics/append-batch-metrics.js';
import { APP_CONFIG, DATABASE, EVENT_STORE } from './tokens.js';

/**
 * Opens the database (PostgreSQL, or embedded PGlite when DATABASE_URL is unset), migrates the
 * event store and provides it: in that database, or in KurrentDB with EVENT_STORE=kurrentdb.
 * Closes the pool (and the KurrentDB connection) last, when the application shuts down.
 */
@Global()
@Module({})
export class DatabaseModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  static forRoot(config: AppConfig, applicationName: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: DATABASE,
          useFactory: () =>
            openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, applicationName }),
        },
        {
          provide: EVENT_STORE,
          inject: [DATABASE, { token: AppendBatchMetrics, optional: true }],
          useFactory: (database: Database, batches: AppendBatchMetrics | undefined) =>
            // With MetricsModule: the sizes of PostgreSQL's group commits.
            openConfiguredEventStore(config, database, batches ? { onAppendBatch: batches.observe } : {}),
        },
        {
          provide: PostgresCheckpointStore,
          inject: [DATABASE],
          useFactory: (database: Database) =>
            new PostgresCheckpointStore(database.pool, config.databaseSchema),
        },
      ],
      exports: [APP_CONFIG, DATABASE, EVENT_STORE, PostgresCheckpointStore],
    };
  }

  /** Before any module stops: so that an operator sees the shutdown begin, and why. */
  beforeApplicationShutdown(signal?: string): void {
    this.logger.log(`stopping${signal ? ` on ${signal}` : ''}: finishing the work under way`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof KurrentDbEventStore) await this.store.close();
    await this.database.close();
    this.logger.log('stopped: the database is closed');
  }
}
