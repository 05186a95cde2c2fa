import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseSigningKey } from '#libs/ledger';
import { openLedgerFixture, type LedgerFixture } from '../../../libs/ledger/test/ledger-fixture.js';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';

const run = promisify(execFile);

describe('coord ledger keygen, coord export and coord verify (PostgreSQL)', () => {
  let pool: Pool;
  let fixture: LedgerFixture;
  let dir: string;
  let env: Record<string, string>;
  const schema = uniqueSchema('cli_ledger');

  function coord(args: string[]) {
    return run(process.execPath, ['bin/coord.js', ...args], { env: { ...process.env, ...env } });
  }

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
    dir = await mkdtemp(join(tmpdir(), 'coord-ledger-'));
    fixture = await openLedgerFixture(pool, schema);
    await fixture.append(40);
    await fixture.extendAndSign();
    await fixture.append(30);
    await fixture.extendAndSign();
    env = {
      LOG_LEVEL: 'silent',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      // The export names the log by its keys; this one signed the fixture's checkpoints.
      LEDGER_PREVIOUS_KEYS: fixture.key.verifierText,
      // `coord verify` uses its worker threads from the first line: a test export is far smaller
      // than the default threshold.
      COORD_VERIFY_THREADS_FROM: '0',
    };
  });
  afterAll(async () => {
    await fixture?.stop();
    await dropSchema(pool, schema);
    await pool.end();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes a signing key file (0600) and prints its verifier key', async () => {
    const file = join(dir, 'ledger.key');
    const { stdout } = await coord(['ledger', 'keygen', '--out', file, '--name', 'coord.example.vn/ledger']);
    const key = parseSigningKey(await readFile(file, 'utf8'));
    expect(stdout).toContain(key.verifierText);
    expect(key.name).toBe('coord.example.vn/ledger');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(coord(['ledger', 'keygen', '--out', file])).rejects.toMatchObject({ code: 1 });
  });

  it('exports, resumes an interrupted export, and verifies the file; a changed event fails at its leaf', async () => {
    const whole = join(dir, 'whole.ndjson');
    expect((await coord(['export', '--out', whole])).stdout).toMatch(/70 events from leaf 0/);
    const text = await readFile(whole, 'utf8');

    // An export cut in the middle of a line is continued after its last complete event.
    const cut = join(dir, 'cut.ndjson');
    await writeFile(cut, text.slice(0, Math.floor(text.length / 2)));
    const resumed = await coord(['export', '--out', cut]);
    expect(resumed.stdout).toMatch(/events from leaf [1-9]\d*/);
    expect(await readFile(cut, 'utf8')).toBe(text);

    const ok = await coord(['verify', whole, '--key', fixture.key.verifierText]);
    expect(ok.stdout).toMatch(/^OK: 70 events and 2 signed checkpoints verified/);

    const position = await pool.query<{ p: string }>(
      `select global_position::text as p from ${schema}.ledger_leaves where leaf_index = 17`,
    );
    await pool.query(
      `update ${schema}.events set data = '{"note":"đã sửa"}'::json where global_position = $1`,
      [position.rows[0]!.p],
    );
    const tampered = join(dir, 'tampered.ndjson');
    await coord(['export', '--out', tampered]);
    const failed = await coord(['verify', tampered, '--key', fixture.key.verifierText]).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stdout: string }).stdout).toMatch(
      /^FAILED at leaf 17: event .* is not what the ledger recorded/,
    );
  });
});
