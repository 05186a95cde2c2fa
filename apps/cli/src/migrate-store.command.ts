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
import {
  compareCopyRoots,
  ledgerEntryReader,
  LedgerCheckpoints,
  LedgerStore,
  type CopyRootComparison,
} from '#libs/ledger';
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

        say('verifying: counting events and streams, comparing each stream and the ledger roots');
        const verification = await verifyCopy(source, target);
        const roots = await compareCopyRoots(
          source,
          target,
          await sourceLedger(database.pool, config, options),
        );
        const ok = verification.ok && roots.ok;
        process.stdout.write(
          [
            `source: ${verification.sourceEvents} events in ${verification.sourceStreams} streams`,
            `target: ${verification.targetEvents} events in ${verification.targetStreams} streams`,
            ...verification.differences.map((difference) => `  differs: ${difference}`),
            ...describeRoots(roots),
            ok ? 'the copy matches the source' : 'the copy does NOT match the source',
          ].join('\n') + '\n',
        );
        if (!ok) throw new Error('the copy does not match the source (see above)');
      } finally {
        for (const store of opened) if (store instanceof KurrentDbEventStore) await store.close();
        await database.close();
      }
    });
}

/**
 * The source's ledger, when it has one (PostgreSQL with the ledger's tables): its last signed
 * checkpoint, and its log read as the ledger reads it. On KurrentDB the ledger lives in
 * PostgreSQL and reads the log through the port, so the port's entries are its entries.
 */
async function sourceLedger(
  pool: ConstructorParameters<typeof LedgerStore>[0],
  config: AppConfig,
  options: MigrateStoreOptions,
): Promise<Parameters<typeof compareCopyRoots>[2]> {
  const exists = await pool.query<{ found: boolean }>(`select to_regclass($1) is not null as found`, [
    `${config.databaseSchema}.ledger_checkpoints`,
  ]);
  if (!exists.rows[0]?.found) return {};
  const ledger = new LedgerStore(pool, config.databaseSchema);
  const checkpoint = await new LedgerCheckpoints(pool, ledger).latest();
  if (!checkpoint) return {};
  return options.from === 'postgres'
    ? { checkpoint, sourceLedger: ledgerEntryReader(ledger) }
    : { checkpoint };
}

export function describeRoots(roots: CopyRootComparison): string[] {
  const lines = [
    `ledger root of the source: ${roots.source.root.toString('hex')} (${roots.source.size} leaves)`,
    `ledger root of the copy:   ${roots.target.root.toString('hex')} (${roots.target.size} leaves)`,
  ];
  const first = roots.firstDifference;
  if (first) {
    lines.push(
      `  differs: the roots; first differing leaf ${first.leafIndex}: ${first.source ?? 'none'} in the source, ${first.target ?? 'none'} in the copy`,
    );
  }
  const checkpoint = roots.checkpoint;
  if (!checkpoint) lines.push('signed checkpoint: none in the source (only the copy was compared)');
  else {
    lines.push(
      `signed checkpoint of the source at ${checkpoint.treeSize} leaves: ${checkpoint.root.toString('hex')}`,
      `the source's ledger root at ${checkpoint.treeSize} leaves:  ${checkpoint.sourceRoot?.toString('hex') ?? `none (the log has only ${roots.source.size} events)`}`,
    );
    if (!checkpoint.matches) lines.push('  differs: the source does not match its own signed checkpoint');
  }
  return lines;
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
