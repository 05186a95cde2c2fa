import {
  KurrentDbEventStore,
  PostgresEventStore,
  type AppendBatchInfo,
  type Database,
  type EventStore,
} from '#libs/event-store';
import type { AppConfig } from './config.js';

/**
 * The configured event store (EVENT_STORE). PostgreSQL's event-store tables are migrated in
 * either case: with KurrentDB they hold the subscriptions' checkpoints beside the projections
 * (the event tables stay empty), as docs/adr/0024-kurrentdb-event-store.md says.
 */
export async function openConfiguredEventStore(
  config: AppConfig,
  database: Database,
  options: { readonly onAppendBatch?: (batch: AppendBatchInfo) => void } = {},
): Promise<EventStore> {
  const postgres = new PostgresEventStore(database.pool, {
    schema: config.databaseSchema,
    ...(options.onAppendBatch ? { onAppendBatch: options.onAppendBatch } : {}),
  });
  await postgres.migrate();
  if (config.eventStore !== 'kurrentdb') return postgres;
  if (!config.kurrentdbUrl) throw new Error('KURRENTDB_URL is required with EVENT_STORE=kurrentdb');
  return KurrentDbEventStore.connect(config.kurrentdbUrl, { streamPrefix: config.kurrentdbStreamPrefix });
}
