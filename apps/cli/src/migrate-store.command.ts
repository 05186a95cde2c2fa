import { Option, type Command } from 'commander';
import {
  copyLog,
  KurrentDbEventStore,
  openDatabase,
  PostgresCopyJournal,
  PostgresEventStore,
  verifyCopy,
  type CopyProgress,
  type EventStore,
} from '#libs/event-store';
import { loadConfig, type AppConfig } from '#libs/platform';

const STORES = ['postgres', 'kurrentdb'] as const;
type StoreKind = (typeof STORES)[number];

interface MigrateStoreOptions {
  readonly from: StoreKind;
  readonly to: StoreKind;
  readonly targetSchema?: string;
  readonly batch: string;
  readonly verifyOnly?: boolean;
}

/**
 * `coord migrate-store --from postgres --to kurrentdb` (and back): copies the event log with its
 * ids, resumes where an interrupted copy stopped, shows its progress, then verifies the copy.
 * PostgreSQL is DATABASE_URL (or the embedded database) in DATABASE_SCHEMA; KurrentDB is
 * KURRENTDB_URL under KURRENTDB_STREAM_PREFIX. The copy's journal (where it stands, and the target
 * position of each source position) is kept in PostgreSQL.
 */
export function registerMigrateStoreCommand(program: Command): void {
  program
    .command('migrate-store')
    .description(
      'Copy the event log between PostgreSQL and KurrentDB (resumable, with progress), then verify the copy',
    )
    .addOption(new Option('--from <store>', 'the store to copy from').choices(STORES).makeOptionMandatory())
    .addOption(new Option('--to <store>', 'the store to copy to').choices(STORES).makeOptionMandatory())
    .option(
      '--target-schema <schema>',
      'with --from postgres --to postgres: the schema to copy into (the same database)',
    )
    .option('--batch <events>', 'events read per batch', '500')
    .option('--verify-only', 'compare the two stores without copying')
    .action(async (options: MigrateStoreOptions) => {
      const batchSize = Number(options.batch);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
        throw new Error('--batch must be a whole number from 1 to 10000');
      }
      if (options.from === options.to && !(options.from === 'postgres' && options.targetSchema)) {
        throw new Error(
          '--from and --to name the same store (for PostgreSQL to PostgreSQL, give --target-schema)',
        );
      }
      const config = loadConfig();
      const database = await openDatabase({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        applicationName: 'coord-migrate-store',
      });
      const opened: EventStore[] = [];
      try {
        const open = async (kind: StoreKind, schema: string): Promise<EventStore> => {
          const store = await openStore(kind, config, database.pool, schema);
          opened.push(store);
          return store;
        };
        const source = await open(options.from, config.databaseSchema);
        const target = await open(options.to, options.targetSchema ?? config.databaseSchema);
        const say = (line: string) => process.stderr.write(`coord migrate-store: ${line}\n`);

        if (!options.verifyOnly) {
          const copyId = `${options.from}->${options.to}${options.targetSchema ? `:${options.targetSchema}` : ''}`;
          const journal = new PostgresCopyJournal(database.pool, config.databaseSchema, copyId);
          await journal.migrate();
          const resumedAt = await journal.load();
          say(
            resumedAt.globalPosition > 0n
              ? `resuming ${copyId} after source position ${resumedAt.globalPosition}`
              : `copying ${copyId} from the start of the log`,
          );
          const result = await copyLog(source, target, {
            journal,
            batchSize,
            onProgress: (progress) => say(describeProgress(progress)),
          });
          say(`copied ${result.copied} events (${result.alreadyPresent} were there already)`);
        }

        say('verifying: counting events and streams, comparing each stream');
        const verification = await verifyCopy(source, target);
        process.stdout.write(
          [
            `source: ${verification.sourceEvents} events in ${verification.sourceStreams} streams`,
            `target: ${verification.targetEvents} events in ${verification.targetStreams} streams`,
            ...verification.differences.map((difference) => `  differs: ${difference}`),
            'ledger root: not compared (no ledger in this store yet)',
            verification.ok ? 'the copy matches the source' : 'the copy does NOT match the source',
          ].join('\n') + '\n',
        );
        if (!verification.ok) throw new Error('the copy does not match the source (see above)');
      } finally {
        for (const store of opened) if (store instanceof KurrentDbEventStore) await store.close();
        await database.close();
      }
    });
}

async function openStore(
  kind: StoreKind,
  config: AppConfig,
  pool: ConstructorParameters<typeof PostgresEventStore>[0],
  schema: string,
): Promise<EventStore> {
  if (kind === 'postgres') {
    const store = new PostgresEventStore(pool, { schema });
    await store.migrate();
    return store;
  }
  if (!config.kurrentdbUrl) throw new Error('KURRENTDB_URL is required to copy to or from KurrentDB');
  const store = await KurrentDbEventStore.connect(config.kurrentdbUrl, {
    streamPrefix: config.kurrentdbStreamPrefix,
  });
  // Fails here, with the server's answer, when nothing answers at KURRENTDB_URL.
  await store.readableHead();
  return store;
}

export function describeProgress(progress: CopyProgress): string {
  const done = progress.copied + progress.alreadyPresent;
  const share =
    progress.head > 0n
      ? ` (${Math.min(100, Number((progress.position * 100n) / progress.head))}% of the log)`
      : '';
  return `${done} events copied, at source position ${progress.position} of ${progress.head}${share}`;
}
