import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '#libs/platform';
import { createApiApplication } from '../bootstrap.js';
import { createOpenApiDocument } from './openapi-document.js';

/**
 * The OpenAPI document the API serves at /docs-json, built from the code without serving it: the
 * app is created on a throw-away embedded database and never listens. For `npm run lint:openapi`,
 * `npm run generate:client` and the test that keeps the generated client fresh.
 */
export async function openApiDocumentFromCode(): Promise<OpenAPIObject> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coord-openapi-'));
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', SEED_PLANS: 'false', DATA_DIR: dataDir });
    const app = await createApiApplication(config);
    try {
      return createOpenApiDocument(app);
    } finally {
      await app.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
