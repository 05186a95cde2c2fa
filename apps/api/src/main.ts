import { Logger } from '@nestjs/common';
import type { Database } from '#libs/event-store';
import { authenticationMode, ConfigError, DATABASE, loadConfig } from '#libs/platform';
import { createApiApplication } from './bootstrap.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
    authenticationMode(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApiApplication(config);
  // The embedded database's thread ended on its own: every query fails from now on and the
  // probes cannot tell, so the process exits (1) to be restarted. Here, not in the module: an app
  // a test boots in-process must not exit the runner.
  void app.get<Database>(DATABASE).crashed.then((error) => {
    new Logger('Database').error(`${error.message}; exiting so that the API is restarted`);
    process.exit(1);
  });
  // On SIGTERM/SIGINT: stop taking requests, finish the work under way, close, then exit 0
  // (process.exit, not a re-raised signal: the exit code says the stop was clean).
  // Here, not in createApiApplication: an app a test boots in-process must not exit the runner.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // HOST: loopback by default (the embedded default and its demo tokens are for this machine);
  // the image sets HOST=0.0.0.0.
  await app.listen(config.port, config.host);
  const where = config.databaseUrl ? 'PostgreSQL' : `the embedded database in ${config.dataDir}`;
  // Through the application's logger: stdout carries JSON lines only.
  new Logger('Api').log(
    `Coordination API listening on http://${config.host}:${config.port} (docs at /docs), using ${where}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The API could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
