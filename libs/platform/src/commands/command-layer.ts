import type { AgencyDirectory } from '#libs/agencies';
import {
  CommandProcessor,
  PlanIntake,
  TaskReferences,
  type Clock,
  type CommandObserver,
  type PlanDocumentReader,
  type RetryPolicy,
} from '#libs/application';
import type { Database, EventStore } from '#libs/event-store';
import { EventStoreCommandAdapter } from './event-store-adapter.js';
import { nodeSystem } from './node-system.js';
import { planDocumentReader } from './plan-document-reader.js';
import { PostgresIdempotencyStore } from './postgres-idempotency-store.js';
import { PostgresPlanDraftStore } from './postgres-plan-draft-store.js';

export interface CommandLayerOptions {
  readonly database: Database;
  /** Migrated already: PostgreSQL (also over PGlite), or KurrentDB (EVENT_STORE=kurrentdb). */
  readonly store: EventStore;
  readonly schema: string;
  readonly directory: AgencyDirectory;
  readonly observer?: CommandObserver | undefined;
  readonly onAppended?: (() => void) | undefined;
  readonly retry?: RetryPolicy;
  /** The commands' "now" (default: the wall clock; tests set COORD_TEST_CLOCK_FILE). */
  readonly clock?: Clock | undefined;
  /** Wraps the document reader (e.g. a size limit of the HTTP adapter). */
  readonly documents?: (reader: PlanDocumentReader) => PlanDocumentReader;
}

/** The application layer wired to PostgreSQL: what the API, the CLI and the worker run commands with. */
export interface CommandLayer {
  readonly commands: CommandProcessor;
  readonly planIntake: PlanIntake;
  readonly eventStore: EventStoreCommandAdapter;
  readonly taskReferences: TaskReferences;
}

/** Migrates the idempotency and draft tables and wires the application layer to its adapters. */
export async function openCommandLayer(options: CommandLayerOptions): Promise<CommandLayer> {
  const { database, store, schema } = options;
  const idempotency = new PostgresIdempotencyStore(database, store, schema);
  const drafts = new PostgresPlanDraftStore(database, schema);
  await idempotency.migrate();
  await drafts.migrate();
  const eventStore = new EventStoreCommandAdapter(store);
  const commands = new CommandProcessor({
    store: eventStore,
    idempotency,
    system: options.clock ? { ...nodeSystem, clock: options.clock } : nodeSystem,
    observer: options.observer,
    onAppended: options.onAppended,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const reader = planDocumentReader(options.directory);
  const planIntake = new PlanIntake({
    commands,
    store: eventStore,
    drafts,
    documents: options.documents ? options.documents(reader) : reader,
    directory: options.directory,
    ids: nodeSystem.ids,
  });
  return {
    commands,
    planIntake,
    eventStore,
    taskReferences: new TaskReferences(commands, options.directory),
  };
}
