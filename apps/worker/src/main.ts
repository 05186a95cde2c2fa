import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  ConfigError,
  keepShortLivedObjectsYoung,
  loadConfig,
  OperationsServer,
  PinoLoggerService,
} from '#libs/platform';
import { WorkerProcessModule } from './worker-process.module.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (!config.databaseUrl) {
    process.stderr.write(
      'The worker needs DATABASE_URL. The embedded database lives inside the API process, ' +
        'which then runs projections and notifications itself.\n',
    );
    process.exit(1);
  }
  // Before the start-up reads: a batch's garbage must die young (ADR 0047).
  keepShortLivedObjectsYoung(config);
  const app = await NestFactory.createApplicationContext(WorkerProcessModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLoggerService));
  // From here on, log straight to pino: a line buffered during init (a SIGTERM's 'stopping') would
  // otherwise be written after later ones, or not at all.
  app.flushLogs();
  // As the API: finish the batch under way, close, then exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // /metrics, /health/live, /health/ready: answering (live) while the subscriptions start.
  if (config.metricsPort > 0) await app.get(OperationsServer).listen(config.metricsPort);
  await app.init();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The worker could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
