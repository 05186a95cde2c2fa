import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#libs/platform';
import { createApiApplication } from '../bootstrap.js';
import { createOpenApiDocument } from './openapi-document.js';

/**
 * Writes the OpenAPI document the API serves at /docs-json to a file, for `npm run lint:openapi`
 * (and for anyone generating a client): the app is built on a throw-away embedded database and
 * never listens. Usage: node dist/apps/api/src/contract/write-openapi.js <file>
 */
async function main(file: string): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coord-openapi-'));
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', SEED_PLANS: 'false', DATA_DIR: dataDir });
    const app = await createApiApplication(config);
    try {
      await writeFile(file, `${JSON.stringify(createOpenApiDocument(app), null, 2)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: write-openapi <file>\n');
  process.exit(2);
}
main(file).catch((error: unknown) => {
  process.stderr.write(`The OpenAPI document could not be written: ${String(error)}\n`);
  process.exit(1);
});
