import { Logger } from '@nestjs/common';
import { authenticationMode, ConfigError, loadConfig } from '#libs/platform';
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
  // Every interface, as in a container (Fastify alone would listen on localhost only).
  await app.listen(config.port, '0.0.0.0');
  const where = config.databaseUrl ? 'PostgreSQL' : `the embedded database in ${config.dataDir}`;
  // Through the application's logger: stdout carries JSON lines only.
  new Logger('Api').log(
    `Coordination API listening on http://localhost:${config.port} (docs at /docs), using ${where}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The API could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
