import type pg from 'pg';
import { openDatabase, type Database } from '#libs/event-store';
import type { ReadRecord } from '#libs/application';
import { PostgresReadAudit, verifyReadChain } from '../src/read-audit/postgres-read-audit.js';

const SCHEMA = 'readbatch';

const read = (n: number): ReadRecord => ({
  actor: { personId: `p-${n}`, agencyCode: 'lc-so-y-te', roles: ['officer'] },
  kind: 'task.trail',
  method: 'GET',
  path: `/tasks/T-${n}/trail`,
  resourceIds: [`T-${n}`],
  query: {},
  items: 1,
});

/**
 * How the audit of reads uses the embedded database's one connection: a batch is one statement
 * once the writer knows the chain's head, and it takes every read queued while it waited for the
 * connection. The statements the writer sends are logged; `failNext` makes the next one fail
 * after it has run (committed, but the answer lost).
 */
describe('the audit of reads, written in batches on one connection', () => {
  let database: Database;
  const statements: string[] = [];
  let failNext = false;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory' });
    await database.pool.query(`create schema ${SCHEMA}`);
    const connect = database.pool.connect.bind(database.pool);
    const logged = new WeakSet<pg.PoolClient>();
    pool = Object.assign(Object.create(database.pool) as pg.Pool, {
      connect: async () => {
        const client = await connect();
        // The pool hands out the same client again: its query is wrapped once.
        if (logged.has(client)) return client;
        logged.add(client);
        type Sql = string | { text: string };
        const query = client.query.bind(client) as (sql: Sql, ...rest: unknown[]) => Promise<unknown>;
        return Object.assign(client, {
          // A statement is given as its text, or (a prepared one) as { name, text, values }.
          query: async (sql: Sql, ...rest: unknown[]) => {
            const text = typeof sql === 'string' ? sql : sql.text;
            statements.push(text.trim().split(/\s+/).slice(0, 2).join(' ').toLowerCase());
            const result = await query(sql, ...rest);
            if (failNext) {
              failNext = false;
              throw new Error('connection lost');
            }
            return result;
          },
        });
      },
    });
  });

  afterAll(async () => {
    await database.close();
  });

  it('writes the reads queued while it waits for the connection in one statement, after a stale head or an error too', async () => {
    const writer = new PostgresReadAudit(pool, SCHEMA);
    await writer.migrate();
    // The first batch reads the chain's head, in a transaction that locks it.
    statements.length = 0;
    await writer.record(read(1));
    expect(statements).toEqual([
      'begin',
      'select seq::text',
      'insert into',
      'update readbatch.read_audit_head',
      'commit',
    ]);

    // The one connection is busy (a read holds it): the reads recorded meanwhile wait for it
    // together and are written in one statement once it is free.
    const busy = await database.pool.connect();
    statements.length = 0;
    let settled = 0;
    const waiting = Array.from({ length: 20 }, (_, i) =>
      writer.record(read(2 + i)).finally(() => (settled += 1)),
    );
    // Nothing is answered while the connection is held (the writer has asked for it).
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(0);
    busy.release();
    const grouped = await Promise.all(waiting);
    expect(grouped.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => 2 + i));
    expect(statements).toEqual(['with moved']);

    // Another writer (another API process) appends: this writer's head is stale, its statement
    // inserts nothing, and the batch is linked onto the head the other left.
    const other = new PostgresReadAudit(pool, SCHEMA);
    expect((await other.record(read(22))).seq).toBe('22');
    statements.length = 0;
    expect((await writer.record(read(23))).seq).toBe('23');
    expect(statements).toEqual([
      'with moved',
      'begin',
      'select seq::text',
      'insert into',
      'update readbatch.read_audit_head',
      'commit',
    ]);

    // A statement that committed but whose answer was lost: the read is refused, and the next
    // batch reads the head again instead of trusting the one it had.
    failNext = true;
    await expect(writer.record(read(24))).rejects.toThrow('connection lost');
    statements.length = 0;
    expect((await writer.record(read(25))).seq).toBe('25');
    expect(statements[0]).toBe('begin');

    // (Listed through the pool itself: pool.query asks connect() for a callback.)
    const listed = await new PostgresReadAudit(database.pool, SCHEMA).list({ limit: 100, offset: 0 });
    expect(listed.items.map((r) => Number(r.seq))).toEqual(Array.from({ length: 25 }, (_, i) => 1 + i));
    expect(verifyReadChain(listed.items)).toBeNull();
  });
});
