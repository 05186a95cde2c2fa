import { openDatabase, type Database } from '#libs/event-store';
import type { ReadRecord } from '#libs/application';
import { PostgresReadAudit, verifyReadChain } from '../src/read-audit/postgres-read-audit.js';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';

const read = (n: number): ReadRecord => ({
  actor: { personId: `p-${n % 3}`, agencyCode: 'lc-so-y-te', roles: ['officer'] },
  kind: 'task.trail',
  method: 'GET',
  path: `/tasks/T-${n}/trail`,
  resourceIds: [`T-${n}`],
  query: { knownAt: '2025-03-01T00:00:00Z', n: String(n) },
  items: n,
});

describe.each(['pglite', 'postgres'] as const)('the audit of reads in the database (%s)', (backend) => {
  let database: Database;
  const schema = backend === 'postgres' ? uniqueSchema('readaudit') : 'coord';

  beforeAll(async () => {
    database = await openDatabase(
      backend === 'postgres' ? { databaseUrl: TEST_DATABASE_URL, dataDir: 'memory' } : { dataDir: 'memory' },
    );
    await database.pool.query(`create schema if not exists ${schema}`);
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      const pool = await connectTestPostgres(1);
      await dropSchema(pool, schema);
      await pool.end();
    }
    await database.close();
  });

  it('writes concurrent reads as one unbroken chain, several to a commit, from two writers', async () => {
    const first = new PostgresReadAudit(database.pool, schema);
    const second = new PostgresReadAudit(database.pool, schema);
    await first.migrate();
    await second.migrate();
    let transactions = 0;
    const count = (sql: string) => (/^\s*begin\b/i.test(sql) ? (transactions += 1) : 0);
    const spied = database.pool.connect.bind(database.pool);
    // Counts the transactions the writers open: group commit writes many reads in each.
    const pool = Object.assign(Object.create(database.pool) as typeof database.pool, {
      connect: async () => {
        const client = await spied();
        const query = client.query.bind(client) as (sql: string, ...rest: unknown[]) => unknown;
        return Object.assign(client, {
          query: (sql: string, ...rest: unknown[]) => {
            if (typeof sql === 'string') count(sql);
            return query(sql, ...rest);
          },
        });
      },
    });
    const grouped = new PostgresReadAudit(pool, schema);
    const recorded = await Promise.all([
      ...Array.from({ length: 100 }, (_, n) => grouped.record(read(n))),
      ...Array.from({ length: 50 }, (_, n) => first.record(read(100 + n))),
      ...Array.from({ length: 50 }, (_, n) => second.record(read(150 + n))),
    ]);
    expect(new Set(recorded.map((r) => r.seq)).size).toBe(200);
    expect(transactions).toBeLessThan(100);

    const listed = await first.list({ limit: 500, offset: 0, count: true });
    expect(listed.total).toBe(200);
    expect(listed.items.map((r) => Number(r.seq))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(verifyReadChain(listed.items)).toBeNull();
    expect(listed.items.find((r) => r.path === '/tasks/T-7/trail')?.query).toEqual({
      knownAt: '2025-03-01T00:00:00Z',
      n: '7',
    });

    const byActor = await first.list({ actor: 'p-1', resource: 'T-7', limit: 10, offset: 0 });
    expect(byActor.items.map((r) => r.path)).toEqual(['/tasks/T-7/trail']);
    await expect(database.pool.query(`delete from ${schema}.read_audit`)).rejects.toThrow(/append-only/);
    await expect(database.pool.query(`truncate ${schema}.read_audit`)).rejects.toThrow(/append-only/);
  });

  it('stores reads written one at a time, then several at once, exactly as given, in one chain', async () => {
    const writer = new PostgresReadAudit(database.pool, schema);
    await writer.migrate();
    const alone = (n: number): ReadRecord => ({
      ...read(n),
      actor: { personId: `p-${n}`, agencyCode: 'lc-so-y-te', roles: ['officer', 'auditor'] },
      resourceIds: [`T-${n}`, `P-${n}`],
      query: { cursor: 'WyJvdXRzdGFuZGluZzpkdWVEYXRlIl0', limit: '50', q: 'l\'ấp "1"' },
    });
    // One at a time: the first reads the head in a transaction, the next ones link onto it.
    const written = [];
    for (let n = 300; n < 303; n++) written.push(await writer.record(alone(n)));
    // Then several at once (one batch) after them.
    written.push(...(await Promise.all([writer.record(alone(303)), writer.record(alone(304))])));
    const listed = await writer.list({ actor: 'p-301', limit: 10, offset: 0 });
    expect(listed.items).toEqual([written[1]]);
    expect(listed.items[0]).toMatchObject({
      actor: { personId: 'p-301', roles: ['officer', 'auditor'] },
      resourceIds: ['T-301', 'P-301'],
      query: { cursor: 'WyJvdXRzdGFuZGluZzpkdWVEYXRlIl0', limit: '50', q: 'l\'ấp "1"' },
      items: 301,
    });
    const all = await writer.list({ limit: 500, offset: 0 });
    expect(verifyReadChain(all.items)).toBeNull();
    expect(all.items.slice(-5)).toEqual(written);
  });
});
