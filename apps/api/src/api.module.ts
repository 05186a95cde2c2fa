import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  DatabaseModule,
  DeadlineTimersModule,
  loggingModule,
  MetricsModule,
  NatsModule,
  ReadAuditModule,
  ReadModelsModule,
  LedgerModule,
  WebhooksModule,
  type AppConfig,
} from '#libs/platform';
import { LedgerHttpModule } from './ledger/ledger.module.js';
import { AccountabilityModule } from './accountability/accountability.module.js';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AuditModule } from './audit/read-audit.module.js';
import { CalendarModule } from './calendar/calendar.module.js';
import { AuthModule } from './auth/auth.module.js';
import { FeedModule } from './feed/feed.module.js';
import { CommandsModule } from './commands/commands.module.js';
import { HealthModule } from './health/health.module.js';
import { ApiMetricsModule } from './metrics/api-metrics.module.js';
import { PlansModule } from './plans/plans.module.js';
import { QueriesModule } from './queries/queries.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { WebModule } from './web/web.module.js';
import { WebhooksHttpModule } from './webhooks/webhooks.module.js';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        loggingModule(config, 'coord-api'),
        DatabaseModule.forRoot(config, 'coord-api'),
        // The embedded database lives in this process, so it also runs the projections.
        NatsModule.forRoot(config.natsUrl, { user: config.natsUser, password: config.natsPassword }),
        LedgerModule.forRoot(),
        ReadModelsModule.forRoot({ runProjections: !config.databaseUrl }),
        // Deadline timers fire where the projections run: here on the embedded database.
        DeadlineTimersModule.forRoot({ fireTimers: !config.databaseUrl }),
        // Webhooks: endpoints here; delivered where the projections run (ADR 0030).
        WebhooksModule.forRoot({ deliver: !config.databaseUrl }),
        // Commands go through the CommandBus to thin handlers (decide-task.command.ts, ...).
        CqrsModule.forRoot(),
        // Prometheus metrics (GET /metrics) and the checks behind /health/live and /health/ready.
        MetricsModule.forRoot(),
        ApiMetricsModule,
        AuthModule,
        HealthModule,
        CommandsModule,
        QueriesModule,
        TasksModule,
        AgenciesModule,
        CalendarModule,
        PlansModule,
        FeedModule,
        // The audit of reads: its log (group commit, hash chain) and GET /audit/reads.
        ReadAuditModule.forRoot(),
        AuditModule,
        LedgerHttpModule,
        WebModule.forRoot(config),
        AccountabilityModule,
        WebhooksHttpModule,
      ],
    };
  }
}
