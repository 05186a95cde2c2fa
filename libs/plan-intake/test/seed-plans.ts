import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanExtract, Span } from '../src/index.js';

const seedPlansDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'seed-plans');

export const LAI_CHAU = 'laichau-2024-ct28-kh.txt';
export const LANG_SON_CITY = 'langson-city-2024-nq121-kh.txt';

export function readSeedPlan(fileName: string): string {
  return readFileSync(join(seedPlansDir, fileName), 'utf8');
}

/** The source text a span points at, for asserting that spans land on the right clause. */
export function textAt(extract: PlanExtract, span: Span | null | undefined): string {
  if (!span) throw new Error('no span');
  return extract.text.slice(span.start, span.end);
}
