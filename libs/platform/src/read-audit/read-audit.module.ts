import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Database } from '#libs/event-store';
import type { AppConfig } from '../config.js';
import { APP_CONFIG, DATABASE, EVENT_STORE } from '../tokens.js';
import { PostgresReadAudit } from './postgres-read-audit.js';

export const READ_AUDIT = Symbol('READ_AUDIT');

/** The audit of reads, in the service's database and schema (needs DatabaseModule). */
@Global()
@Module({})
export class ReadAuditModule {
  static forRoot(): DynamicModule {
    return {
      module: ReadAuditModule,
      providers: [
        {
          provide: READ_AUDIT,
          // After the event store: it has created the schema by then (two creations would race).
          inject: [DATABASE, APP_CONFIG, EVENT_STORE],
          useFactory: async (database: Database, config: AppConfig) => {
            const audit = new PostgresReadAudit(database.pool, config.databaseSchema);
            await audit.migrate();
            return audit;
          },
        },
      ],
      exports: [READ_AUDIT],
    };
  }
}
