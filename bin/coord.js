#!/usr/bin/env node
// The `coord` command-line tool. It runs the compiled code; `npm install` builds it (prepare).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('coord is not built yet: run `npm run build` in the project folder.\n');
  process.exit(1);
}
await import(entry);
