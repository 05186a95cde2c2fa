import { readdir, readFile, readlink, stat } from 'node:fs/promises';
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
      let ticks = 0;
      const ticking = setInterval(() => ticks++, 1);
      try {
        // Seconds of WebAssembly in one statement: on the main thread no timer could fire meanwhile.
        const { rows } = await database.pool.query<{ n: string }>(
          'select count(*)::text as n from generate_series(1, 3000000) g where md5(g::text) like $1',
          ['0%'],
        );
        expect(Number(rows[0]!.n)).toBeGreaterThan(0);
      } finally {
        clearInterval(ticking);
      }
      expect(ticks).toBeGreaterThan(20);
    } finally {
      await database.close();
    }
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
      // The connection's close, seen after the database closed, is not handed to it.
      await new Promise((resolve) => setTimeout(resolve, 50));
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
