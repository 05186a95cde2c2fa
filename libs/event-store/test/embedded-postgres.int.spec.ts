import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import pg from 'pg';
import { openDatabase } from '../src/database.js';
import { startEmbeddedPostgres } from '../src/pglite/embedded-postgres.js';

/** Inodes of the TCP sockets this process listens on (Linux: /proc/net/tcp{,6} and /proc/self/fd). */
async function listeningTcpSockets(): Promise<Set<string>> {
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(table, 'utf8')).split('\n').slice(1);
    for (const row of rows) {
      const fields = row.trim().split(/\s+/);
      // st 0A: LISTEN; the inode is the tenth field.
      if (fields[3] === '0A' && fields[9]) listening.add(fields[9]);
    }
  }
  const mine = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && listening.has(inode)) mine.add(inode);
  }
  return mine;
}

/**
 * PGlite takes any user and password as superuser: the embedded database must not be reachable by
 * anyone else on the host (docs/adr/0016-edges.md).
 */
describe('the embedded database', () => {
  it('listens on no TCP port: its socket is a Unix-domain socket in a directory only this user may enter', async () => {
    const before = await listeningTcpSockets();
    const database = await openDatabase({ dataDir: 'memory' });
    try {
      expect(await listeningTcpSockets()).toEqual(before);
      const directory = new URL(database.connectionString).searchParams.get('host')!;
      expect(directory).toMatch(/^\//);
      expect((await stat(directory)).mode & 0o777).toBe(0o700);
      expect((await stat(`${directory}/.s.PGSQL.5432`)).mode & 0o777).toBe(0o600);
      // The pool (the only way in) works as before.
      expect((await database.pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });

  it('leaves no socket behind once closed', async () => {
    const database = await openDatabase({ dataDir: 'memory' });
    const directory = new URL(database.connectionString).searchParams.get('host')!;
    await database.close();
    await expect(stat(directory)).rejects.toMatchObject({ code: 'ENOENT' });
    const client = new pg.Client({
      host: directory,
      user: 'anyone',
      password: 'anything',
      database: 'postgres',
    });
    await expect(client.connect()).rejects.toThrow();
  });

  it('executes statements on a thread of its own: the process goes on while one runs', async () => {
    const database = await openDatabase({ dataDir: 'memory' });
    try {
      // When this thread's timers fired (ms since the epoch, the clock PGlite reads too).
      const ticks: number[] = [];
      const ticking = setInterval(() => ticks.push(Date.now()), 1);
      let statement: { began: number; ended: number };
      try {
        const { rows } = await database.pool.query<{ began: number; ended: number }>(
          `select extract(epoch from clock_timestamp())::float8 * 1000 as began, pg_sleep(0.5),
                  extract(epoch from clock_timestamp())::float8 * 1000 as ended`,
        );
        statement = rows[0]!;
      } finally {
        clearInterval(ticking);
      }
      // A timer fired while the statement ran: on the main thread none could until it ended.
      // (1 ms apart: Date.now() drops the fraction of a millisecond.)
      expect(ticks.some((tick) => tick > statement.began && tick + 1 < statement.ended)).toBe(true);
    } finally {
      await database.close();
    }
  });

  it('reports a thread that ends without stop(), and not one stop() ends', async () => {
    const crashes: Error[] = [];
    let thread: Worker | undefined;
    const embedded = await startEmbeddedPostgres({
      dataDir: 'memory',
      onCrash: (error) => crashes.push(error),
      onThread: (worker) => (thread = worker),
    });
    const ended = new Promise<void>((resolve) => thread!.once('exit', () => resolve()));
    await thread!.terminate();
    await ended;
    expect(crashes.map((error) => error.message)).toEqual([
      expect.stringMatching(/^the embedded database thread exited unexpectedly \(code 1\)/),
    ]);
    await embedded.stop();

    const stopped: Error[] = [];
    const again = await startEmbeddedPostgres({ dataDir: 'memory', onCrash: (error) => stopped.push(error) });
    await again.stop();
    expect(stopped).toEqual([]);
  });

  it('terminates a thread that does not answer stop() in time, and says so', async () => {
    const crashes: Error[] = [];
    const embedded = await startEmbeddedPostgres({
      dataDir: 'memory',
      stopTimeoutMs: 100,
      onCrash: (error) => crashes.push(error),
    });
    const client = new pg.Client(embedded.connectionString);
    client.on('error', () => undefined);
    await client.connect();
    // The database's thread is busy in one statement for far longer than the timeout.
    const busy = client.query('select pg_sleep(30)').catch((error: unknown) => error);
    await expect(embedded.stop()).rejects.toThrow(/did not stop cleanly: no answer within 100 ms/);
    expect(await busy).toBeInstanceOf(Error);
    expect(crashes).toEqual([]);
  });

  describe.each([
    ['on its own thread', true],
    ['on the main thread', false],
  ])('served %s', (_, thread) => {
    it('keeps an open transaction to its connection: another waits, then sees it committed', async () => {
      const embedded = await startEmbeddedPostgres({ dataDir: 'memory', thread });
      const first = new pg.Client(embedded.connectionString);
      const second = new pg.Client(embedded.connectionString);
      try {
        await first.connect();
        await second.connect();
        await first.query('create table notes (id int primary key, text text)');
        await first.query('begin');
        await first.query('insert into notes values ($1, $2)', [1, 'mở']);
        const seen = second.query<{ n: number }>('select count(*)::int as n from notes');
        let answered = false;
        void seen.then(() => (answered = true));
        await first.query('insert into notes values ($1, $2)', [2, 'đóng']);
        expect(answered).toBe(false);
        await first.query('commit');
        expect((await seen).rows).toEqual([{ n: 2 }]);
      } finally {
        await first.end();
        await second.end();
        await embedded.stop();
      }
    });

    it('stops while a client is still connected in a transaction, and the client is told', async () => {
      const embedded = await startEmbeddedPostgres({ dataDir: 'memory', thread });
      const client = new pg.Client(embedded.connectionString);
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      client.on('error', () => undefined);
      await client.connect();
      await client.query('begin');
      await embedded.stop();
      await ended;
      // The connection's close has been seen (the wire server's close waits for its sockets') and
      // was not handed to the closed database: the process is still here to ask again.
      await expect(client.query('select 1')).rejects.toThrow();
    });

    it('rolls back the transaction of a connection that goes away, and serves the others', async () => {
      const embedded = await startEmbeddedPostgres({ dataDir: 'memory', thread });
      const leaving = new pg.Client(embedded.connectionString);
      const staying = new pg.Client(embedded.connectionString);
      try {
        await leaving.connect();
        await staying.connect();
        await staying.query('create table notes (id int primary key)');
        await leaving.query('begin');
        await leaving.query('insert into notes values (1)');
        const seen = staying.query<{ n: number }>('select count(*)::int as n from notes');
        await leaving.end();
        expect((await seen).rows).toEqual([{ n: 0 }]);
        // Named statements and errors keep the protocol in step.
        await expect(staying.query('select * from missing')).rejects.toThrow(/missing/);
        const named = { name: 'count-notes', text: 'select count(*)::int as n from notes where id > $1' };
        expect((await staying.query({ ...named, values: [0] })).rows).toEqual([{ n: 0 }]);
        expect((await staying.query({ ...named, values: [-1] })).rows).toEqual([{ n: 0 }]);
      } finally {
        await staying.end();
        await embedded.stop();
      }
    });
  });
});
