import { Global, Module } from '@nestjs/common';
import {
  CommandProcessor,
  PlanIntake,
  TaskReferences,
  type Clock,
  type CommandObserver,
} from '#libs/application';
import type { AgencyDirectory } from '#libs/agencies';
import type { Database, EventStore } from '#libs/event-store';
import {
  APP_CONFIG,
  CLOCK,
  DATABASE,
  EVENT_STORE,
  openCommandLayer,
  SubscriptionHost,
  type AppConfig,
  type CommandLayer,
} from '#libs/platform';
import { AGENCY_DIRECTORY } from '../agencies/agency-directory.provider.js';

/** The application layer wired to this process's database (libs/platform/src/commands). */
export const COMMAND_LAYER = Symbol('COMMAND_LAYER');
/** An optional CommandObserver (e.g. metrics) the application layer tells about every command. */
export const COMMAND_OBSERVER = Symbol('COMMAND_OBSERVER');

/**
 * The Nest adapter of libs/application: one CommandProcessor per process (its cache of folded
 * streams is what makes a command one round trip), and the plan intake process. The CommandBus
 * handlers (decide-*.command.ts) call them.
 */
@Global()
@Module({
  providers: [
    {
      provide: COMMAND_LAYER,
      inject: [
        DATABASE,
        EVENT_STORE,
        APP_CONFIG,
        AGENCY_DIRECTORY,
        { token: SubscriptionHost, optional: true },
        { token: COMMAND_OBSERVER, optional: true },
        CLOCK,
      ],
      useFactory: (
        database: Database,
        store: EventStore,
        config: AppConfig,
        directory: AgencyDirectory,
        subscriptions: SubscriptionHost | undefined,
        observer: CommandObserver | undefined,
        clock: Clock,
      ): Promise<CommandLayer> =>
        openCommandLayer({
          database,
          store,
          schema: config.databaseSchema,
          directory,
          observer,
          clock,
          // The in-process projections (embedded database) look for the new events at once.
          onAppended: subscriptions ? () => subscriptions.wakeAll() : undefined,
        }),
    },
    {
      provide: CommandProcessor,
      inject: [COMMAND_LAYER],
      useFactory: (layer: CommandLayer) => layer.commands,
    },
    { provide: PlanIntake, inject: [COMMAND_LAYER], useFactory: (layer: CommandLayer) => layer.planIntake },
    {
      provide: TaskReferences,
      inject: [COMMAND_LAYER],
      useFactory: (layer: CommandLayer) => layer.taskReferences,
    },
  ],
  exports: [COMMAND_LAYER, CommandProcessor, PlanIntake, TaskReferences],
})
export class CommandsModule {}
