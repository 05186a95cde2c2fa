import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { openApiDocumentFromCode } from '../src/contract/document-from-code.js';

const SCHEMA = join(process.cwd(), 'libs/api-client/src/schema.ts');

/**
 * The typed client (libs/api-client) is generated from the contract and committed: this test
 * generates it again from the code as it is, as `npm run generate:client` does (the document the
 * API serves, openapi-typescript with the same options, prettier), and fails when the committed
 * file differs, so a change of the API cannot leave the CLI and the dashboard on stale types.
 */
describe('the generated API client', () => {
  it('matches the contract of the code as it is', async () => {
    const document = (await openApiDocumentFromCode()) as unknown as OpenAPI3;
    // The options of the openapi-typescript command in package.json's generate:client.
    const ast = await openapiTS(document, { emptyObjectsUnknown: true, silent: true });
    const generated = await format(`${COMMENT_HEADER}${astToString(ast)}`, {
      ...(await resolveConfig(SCHEMA)),
      filepath: SCHEMA,
    });
    const committed = await readFile(SCHEMA, 'utf8');
    if (generated === committed) return;
    const theirs = committed.split('\n');
    const ours = generated.split('\n');
    const differs = ours.findIndex((text, index) => text !== theirs[index]);
    const line = differs < 0 ? ours.length : differs;
    throw new Error(
      `libs/api-client/src/schema.ts is stale: the contract of the code differs from line ${line + 1}\n` +
        `  committed: ${theirs[line] ?? '(end of file)'}\n  generated: ${ours[line] ?? '(end of file)'}\n` +
        'Run `npm run generate:client` and commit the result.',
    );
  });
});
