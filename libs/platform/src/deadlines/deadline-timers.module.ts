import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Clock } from '#libs/application';
import type { Database, PostgresEventStore } from '#libs/event-store';
import type { AppConfig } from '../config.js';
import { SubscriptionHost } from '../subscription-host.js';
import { APP_CONFIG, DATABASE, EVENT_STORE } from '../tokens.js';
import { clockOf } from './clock.js';
import { DeadlineFirer } from './deadline-firer.js';

/** The process's clock (the wall clock; in tests, COORD_TEST_CLOCK_FILE). */
export const CLOCK = Symbol('CLOCK');

/**
 * Fires deadline timers in this process while it runs. Every worker (and the API on the embedded
 * database) runs one; they share the due timers through `for update skip locked`, no lease needed
 * (docs/adr/0022-deadline-timers.md).
 */
@Injectable()
export class DeadlineTimerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly firer: DeadlineFirer;

  constructor(
    @Inject(DATABASE) database: Database,
    @Inject(EVENT_STORE) store: PostgresEventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    @Optional() subscriptions?: SubscriptionHost,
  ) {
    const logger = new Logger('DeadlineTimers');
    this.firer = new DeadlineFirer({
      pool: database.pool,
      store,
      schema: config.databaseSchema,
      clock,
      // With a test clock, time jumps when the file is rewritten: look often.
      pollIntervalMs: config.testClockFile ? 100 : 1_000,
      logger: { warn: (details, message) => logger.warn({ ...details, msg: message }) },
      onFired: () => subscriptions?.wakeAll(),
    });
  }

  onApplicationBootstrap(): void {
    this.firer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.firer.stop();
  }
}

@Global()
@Module({})
export class DeadlineTimersModule {
  /** `fireTimers`: the processes that host the projections (workers; the API when embedded). */
  static forRoot(options: { fireTimers: boolean }): DynamicModule {
    return {
      module: DeadlineTimersModule,
      providers: [
        { provide: CLOCK, inject: [APP_CONFIG], useFactory: (config: AppConfig): Clock => clockOf(config) },
        ...(options.fireTimers ? [DeadlineTimerHost] : []),
      ],
      exports: [CLOCK, ...(options.fireTimers ? [DeadlineTimerHost] : [])],
    };
  }
}
