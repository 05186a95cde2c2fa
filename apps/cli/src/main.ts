import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import type { PlanIntake } from '#libs/application';
import {
  ConfigError,
  demoTokens,
  loadConfig,
  openCommandLayer,
  openConfiguredEventStore,
  openDirectory,
  type AppConfig,
} from '#libs/platform';
import { KurrentDbEventStore, openDatabase, type Database, type EventStore } from '#libs/event-store';
import {
  allProjections,
  openProjectionDataSource,
  ProjectionRunner,
  rebuildAllInShadow,
} from '#libs/projections';
import type { DataSource } from 'typeorm';
import { describeFailure } from './failure.js';
import { registerMigrateStoreCommand } from './migrate-store.command.js';
import { registerNatsUsersCommand } from './nats-users.command.js';
import { registerWatchCommand } from './watch/watch.command.js';
import { rebuildProgress } from './rebuild-progress.js';
import { registerDirectoryCommands } from './reorganisation.command.js';
import { registerExportCommand } from './ledger/export.command.js';
import { registerLedgerCommands } from './ledger/keygen.command.js';
import { registerVerifyCommand } from './ledger/verify.command.js';

// A reader that stops early (`coord demo-tokens | head -1`) closes the pipe: that is not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/**
 * Opens the configured database (or the embedded one in DATA_DIR) and the configured event store
 * (EVENT_STORE), migrated; closing the database closes the event store too.
 */
async function openStore(config: AppConfig): Promise<{ database: Database; store: EventStore }> {
  const opened = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    applicationName: 'coord-cli',
  });
  try {
    const store = await openConfiguredEventStore(config, opened);
    const database: Database = {
      ...opened,
      async close() {
        if (store instanceof KurrentDbEventStore) await store.close();
        await opened.close();
      },
    };
    return { database, store };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

async function withRunner<T>(action: (runner: ProjectionRunner) => Promise<T>): Promise<T> {
  return withProjections(({ runner }) => action(runner));
}

/** The store, the projections and their runner, closed when the action ends. */
async function withProjections<T>(
  action: (context: {
    store: EventStore;
    dataSource: DataSource;
    runner: ProjectionRunner;
    database: Database;
    schema: string;
  }) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const { database, store } = await openStore(config);
  try {
    const dataSource = await openProjectionDataSource({ pool: database.pool, schema: config.databaseSchema });
    try {
      return await action({
        store,
        dataSource,
        runner: new ProjectionRunner({ dataSource, store, projections: allProjections }),
        database,
        schema: config.databaseSchema,
      });
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await database.close();
  }
}

/**
 * Plan intake through the application layer with its PostgreSQL adapters, exactly the process
 * POST /plans/import and /confirm run, without the API: no HTTP, no tokens.
 */
async function withPlanIntake<T>(action: (intake: PlanIntake) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { database, store } = await openStore(config);
  try {
    const layer = await openCommandLayer({
      database,
      store,
      schema: config.databaseSchema,
      // The directory as its events leave it (the shipped seed file while none are recorded).
      directory: (await openDirectory({ store }).load()).directory,
    });
    return await action(layer.planIntake);
  } finally {
    await database.close();
  }
}

const program = new Command()
  .name('coord')
  .description(
    'Child-protection coordination service: operations on the event store and projections.\n' +
      'Uses DATABASE_URL, or the embedded database in DATA_DIR (stop the API first: the embedded\n' +
      'database belongs to one process at a time).',
  )
  .option('--verbose', 'on failure, print the stack trace too (or set DEBUG)');

program
  .command('demo-tokens')
  .description('List the demo bearer tokens accepted while no OIDC issuer is configured')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => {
    const tokens = demoTokens();
    if (options.json) {
      process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      return;
    }
    for (const { token, principal, agencyName } of tokens) {
      process.stdout.write(`${token.padEnd(44)} ${principal.roles.join(',').padEnd(16)} ${agencyName}\n`);
    }
  });

program
  .command('projections')
  .description('Show each projection: its version and the log position it has reached')
  .action(async () => {
    const statuses = await withRunner((runner) => runner.status());
    for (const status of statuses) {
      process.stdout.write(
        `${status.name.padEnd(20)} version ${status.storedVersion}/${status.version}  at position ${status.position.globalPosition}\n`,
      );
    }
  });

program
  .command('rebuild')
  .description('Rebuild projections from position 0 (all of them unless one is named)')
  .addArgument(
    new Command()
      .createArgument('[projection]', 'projection name')
      .choices(allProjections.map((p) => p.name)),
  )
  .addOption(new Option('--quiet', 'print nothing but errors'))
  .action(async (name: string | undefined, options: { quiet?: boolean }) => {
    const started = Date.now();
    await withProjections(async ({ runner, store, database, schema }) => {
      const progress = options.quiet ? undefined : rebuildProgress(await store.headPosition());
      const onProgress = progress ? progress.report.bind(progress) : undefined;
      try {
        if (name) await runner.rebuild(name, { onProgress });
        // Into shadow tables swapped in at the end: a running API keeps serving the old rows.
        else
          await rebuildAllInShadow({
            pool: database.pool,
            databaseKind: database.kind,
            schema,
            store,
            projections: allProjections,
            onProgress,
          });
      } finally {
        progress?.done();
      }
      if (!options.quiet) {
        for (const status of await runner.status()) {
          if (!name || status.name === name) {
            process.stdout.write(`rebuilt ${status.name} up to position ${status.position.globalPosition}\n`);
          }
        }
        process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
    });
  });

program
  .command('import')
  .description(
    'Read a plan document (.txt or .docx) into a draft; --confirm records it, --dry-run stores nothing',
  )
  .argument('<file>', 'the plan document')
  .option('--dry-run', 'show the draft only; store and record nothing')
  .option('--confirm', 'confirm the draft at once: record the plan and its tasks')
  .option('--as <agency>', "the issuing agency to act as (default: the plan's issuer)")
  .option('--json', 'print the draft (and confirmation) as JSON')
  .action(
    async (file: string, options: { dryRun?: boolean; confirm?: boolean; as?: string; json?: boolean }) => {
      if (options.dryRun && options.confirm) throw new Error('--dry-run and --confirm exclude each other');
      const bytes = await readFile(file);
      const progress = importProgress(basename(file), bytes.length);
      await withPlanIntake(async (intake) => {
        const preview = await progress.step('reading', () => intake.draftDocument(bytes, basename(file)));
        const issuer = options.as ?? preview.plan.issuer?.agencyCode;
        if (!issuer) throw new Error('The plan names no issuer the directory knows; pass --as <agency-code>');
        const actor = {
          personId: `cli:${userInfo().username}`,
          agencyCode: issuer,
          roles: ['issuer', 'officer'] as const,
        };
        const draft = await progress.step(options.dryRun ? 'checking' : 'storing the draft', () =>
          intake.importDocument(bytes, basename(file), actor, { dryRun: options.dryRun ?? false }),
        );
        progress.done(draft.tasks.length);
        const confirmation =
          options.confirm && draft.draftId ? await intake.confirmDraft(draft.draftId, {}, actor) : undefined;
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ draft, confirmation }, null, 2)}\n`);
          return;
        }
        const { summary } = draft;
        process.stdout.write(
          [
            `${draft.plan.title}`,
            `  issuer ${issuer}, plan ${draft.planId}${draft.alreadyIssued ? ' (already issued)' : ''}`,
            `  ${summary.dutyTasks} duty tasks, ${summary.reportTasks} report tasks, ${summary.agencies} agencies, ${summary.tasksNeedingReview} need review`,
            ...draft.warnings.map((warning) => `  warning: ${warning.message}`),
            draft.draftId
              ? `  draft ${draft.draftId} (GET /plans/drafts/${draft.draftId})`
              : '  dry run: nothing stored',
            ...(confirmation
              ? [
                  `  confirmed: plan ${confirmation.planIssued ? 'issued' : 'already issued'}, ${confirmation.tasksAssigned} tasks assigned, ${confirmation.tasksAlreadyPresent} already present`,
                ]
              : []),
          ].join('\n') + '\n',
        );
      });
    },
  );

/** Documents from this size on get progress lines on stderr while they are read. */
const PROGRESS_FROM_BYTES = 1024 * 1024;

/**
 * Progress of a large import on stderr (stdout stays the answer): what is being done, a line every
 * 2 s while it lasts, and the time it took. Small documents print nothing.
 */
function importProgress(fileName: string, size: number) {
  const show = size >= PROGRESS_FROM_BYTES;
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  const say = (line: string) => {
    if (show) process.stderr.write(`${line}\n`);
  };
  say(`${fileName}: ${(size / 1024 / 1024).toFixed(1)} MB, read in a worker thread`);
  return {
    async step<T>(what: string, run: () => Promise<T>): Promise<T> {
      say(`  ${what} ...`);
      const ticker = show ? setInterval(() => say(`  ${what} ... ${seconds()} s`), 2_000) : undefined;
      try {
        return await run();
      } finally {
        clearInterval(ticker);
      }
    },
    done(tasks: number) {
      say(`  done in ${seconds()} s: ${tasks} tasks drafted`);
    },
  };
}

registerWatchCommand(program);
registerDirectoryCommands(program, withProjections);
registerNatsUsersCommand(program);
registerMigrateStoreCommand(program);
registerLedgerCommands(program);
registerExportCommand(program);
registerVerifyCommand(program);

program.parseAsync().catch((error: unknown) => {
  const verbose = program.opts<{ verbose?: boolean }>().verbose === true || Boolean(process.env.DEBUG);
  process.stderr.write(`${describeFailure(error, { verbose, configError: error instanceof ConfigError })}\n`);
  process.exit(1);
});
