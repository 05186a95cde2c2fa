import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import { ExpectedVersion, PostgresEventStore, type NewEvent } from '#libs/event-store';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';

const run = promisify(execFile);

/**
 * `coord migrate-store` as an operator runs it, between two schemas of the real test PostgreSQL
 * (the copy and verification are the same code whatever the two stores; KurrentDB needs a server
 * this machine cannot run, so only its missing configuration is tried here).
 */
describe('coord migrate-store', () => {
  let pool: Pool;
  const source = uniqueSchema('mig_src');
  const target = uniqueSchema('mig_dst');
  let events = 0;

  function coord(args: string[], env: Record<string, string> = {}) {
    return run(process.execPath, ['bin/coord.js', 'migrate-store', ...args], {
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: source,
        KURRENTDB_URL: '',
        ...env,
      },
    });
  }

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
    const store = new PostgresEventStore(pool, { schema: source });
    await store.migrate();
    for (let i = 0; i < 12; i++) {
      const streamId = `task-${i}-${randomUUID()}`;
      await store.append(streamId, [event(i), event(i)], ExpectedVersion.noStream);
      await store.append(streamId, [event(i)], ExpectedVersion.exact(2));
      events += 3;
    }
  });

  afterAll(async () => {
    await dropSchema(pool, source);
    await dropSchema(pool, target);
    await pool.end();
  });

  it('copies the log with progress, verifies it, and a second run resumes with nothing left to copy', async () => {
    const first = await coord([
      '--from',
      'postgres',
      '--to',
      'postgres',
      '--target-schema',
      target,
      '--batch',
      '10',
    ]);
    expect(first.stderr).toContain(`copying postgres->postgres:${target} from the start of the log`);
    expect(first.stderr).toMatch(
      /coord migrate-store: 10 events copied, at source position \d+ of \d+ \(\d+% of the log\)/,
    );
    expect(first.stderr).toContain(`copied ${events} events (0 were there already)`);
    expect(first.stdout).toContain(`source: ${events} events in 12 streams`);
    expect(first.stdout).toContain(`target: ${events} events in 12 streams`);
    // The RFC 9162 roots over both logs' leaves, equal for a faithful copy (no ledger checkpoint here).
    const root = /ledger root of the source: ([0-9a-f]{64}) \((\d+) leaves\)/.exec(first.stdout);
    expect(root?.[2]).toBe(String(events));
    expect(first.stdout).toContain(`ledger root of the copy:   ${root?.[1]} (${events} leaves)`);
    expect(first.stdout).toContain('signed checkpoint: none in the source');
    expect(first.stdout).toContain('the copy matches the source');

    const again = await coord(['--from', 'postgres', '--to', 'postgres', '--target-schema', target]);
    expect(again.stderr).toMatch(/resuming postgres->postgres:\S+ after source position \d+/);
    expect(again.stderr).toContain('copied 0 events (0 were there already)');
    expect(again.stdout).toContain('the copy matches the source');
  });

  it('fails, naming the stream, when the copy no longer matches the source', async () => {
    const copy = new PostgresEventStore(pool, { schema: target });
    const [streamId] = (await copy.readAll({ transactionId: 0n, globalPosition: 0n }, 1)).events.map(
      (e) => e.streamId,
    );
    await copy.append(streamId!, [event(99)], ExpectedVersion.exact(3));

    const failure = coord([
      '--from',
      'postgres',
      '--to',
      'postgres',
      '--target-schema',
      target,
      '--verify-only',
    ]);
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        new RegExp(
          `differs: ${streamId}: version 4 in the target, 3 in the source[\\s\\S]*differs: the roots; first differing leaf ${events}: none in the source`,
        ),
      ),
      stderr: expect.stringContaining('coord: the copy does not match the source'),
    });
  });

  it('says what is missing to reach KurrentDB', async () => {
    await expect(coord(['--from', 'postgres', '--to', 'kurrentdb'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('KURRENTDB_URL is required to copy to or from KurrentDB'),
    });
  });
});

function event(i: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'ProgressReported',
    data: { i, note: 'Đã hoàn thành khảo sát' },
    metadata: {
      actor: { personId: 'officer-1', agencyCode: 'lc-so-y-te' },
      occurredAt: '2025-04-01T00:00:00.000Z',
    },
  };
}
