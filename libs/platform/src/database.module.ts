import {
  Global,
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { openDatabase, PostgresCheckpointStore, PostgresEventStore, type Database } from '#libs/event-store';
import type { AppConfig } from './config.js';
import { AppendBatchMetrics } from './metrics/append-batch-metrics.js';
import { APP_CONFIG, DATABASE, EVENT_STORE } from './tokens.js';

/**
 * Opens the database (PostgreSQL, or embedded PGlite when DATABASE_URL is unset), migrates the
 * event store and provides it. Closes the pool last, when the application shuts down.
 */
@Global()
@Module({})
export class DatabaseModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(@Inject(DATABASE) private readonly database: Database) {}

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
          useFactory: async (database: Database, batches: AppendBatchMetrics | undefined) => {
            const store = new PostgresEventStore(database.pool, {
              schema: config.databaseSchema,
              // With MetricsModule: the sizes of the group commits.
              ...(batches ? { onAppendBatch: batches.observe } : {}),
            });
            await store.migrate();
            return store;
          },
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
    await this.database.close();
    this.logger.log('stopped: the database is closed');
  }
}
