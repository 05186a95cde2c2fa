import { writeFile } from 'node:fs/promises';
import { openApiDocumentFromCode } from './document-from-code.js';

/**
 * Writes the OpenAPI document the API serves at /docs-json to a file, for `npm run lint:openapi`
 * and `npm run generate:client`. Usage: node dist/apps/api/src/contract/write-openapi.js <file>
 */
async function main(file: string): Promise<void> {
  await writeFile(file, `${JSON.stringify(await openApiDocumentFromCode(), null, 2)}\n`);
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
