import 'reflect-metadata';
import { Command, Option } from 'commander';
import { ConfigError, demoTokens, loadConfig, type AppConfig } from '#libs/platform';
import { openDatabase, PostgresEventStore, type Database } from '#libs/event-store';
import { allProjections, openProjectionDataSource, ProjectionRunner } from '#libs/projections';

/** Opens the configured database (or the embedded one in DATA_DIR) with the store migrated. */
async function openStore(config: AppConfig): Promise<{ database: Database; store: PostgresEventStore }> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    applicationName: 'coord-cli',
  });
  const store = new PostgresEventStore(database.pool, { schema: config.databaseSchema });
  await store.migrate();
  return { database, store };
}

async function withRunner<T>(action: (runner: ProjectionRunner) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { database, store } = await openStore(config);
  const dataSource = await openProjectionDataSource({ pool: database.pool, schema: config.databaseSchema });
  try {
    return await action(new ProjectionRunner({ dataSource, store, projections: allProjections }));
  } finally {
    await dataSource.destroy();
    await database.close();
  }
}

const program = new Command()
  .name('coord')
  .description(
    'Child-protection coordination service: operations on the event store and projections.\n' +
      'Uses DATABASE_URL, or the embedded database in DATA_DIR (stop the API first: the embedded\n' +
      'database belongs to one process at a time).',
  );

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
    await withRunner(async (runner) => {
      if (name) await runner.rebuild(name);
      else await runner.rebuildAll();
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

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`coord: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
