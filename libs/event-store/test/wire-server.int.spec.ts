import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/pglite/embedded-postgres.js';

/** A frontend message: type byte, int32 length, body. */
function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const bytes = Buffer.alloc(5 + body.length);
  bytes.write(type, 0, 'latin1');
  bytes.writeInt32BE(4 + body.length, 1);
  body.copy(bytes, 5);
  return bytes;
}

function untyped(code: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const bytes = Buffer.alloc(8 + body.length);
  bytes.writeInt32BE(bytes.length, 0);
  bytes.writeInt32BE(code, 4);
  body.copy(bytes, 8);
  return bytes;
}

const startup = (): Buffer => untyped(196608, Buffer.from('user\0postgres\0database\0postgres\0\0'));
const query = (sql: string): Buffer => message('Q', Buffer.from(`${sql}\0`));
const parse = (sql: string): Buffer => message('P', Buffer.from(`\0${sql}\0\0\0`, 'latin1'));
const bind = (): Buffer => message('B', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]));
function execute(rows = 0): Buffer {
  const body = Buffer.alloc(5);
  body.writeInt32BE(rows, 1);
  return message('E', body);
}
const sync = (): Buffer => message('S');
const flush = (): Buffer => message('H');
const terminate = (): Buffer => message('X');

/** A raw client: what the server answered, as a list of message types with a little detail. */
class RawClient {
  private buffer = Buffer.alloc(0);
  private readonly answers: string[] = [];
  private waiting: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      while (this.buffer.length >= 5 && this.buffer.length >= 1 + this.buffer.readInt32BE(1)) {
        const length = 1 + this.buffer.readInt32BE(1);
        const type = String.fromCharCode(this.buffer[0]!);
        const body = this.buffer.subarray(5, length);
        // ParameterStatus messages (PGlite sends them again) say nothing here.
        if (type !== 'S')
          this.answers.push(
            type === 'Z'
              ? `Z${String.fromCharCode(body[0]!)}`
              : type === 'D'
                ? `D${body.subarray(6).toString()}`
                : type,
          );
        this.buffer = this.buffer.subarray(length);
      }
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }

  static async open(embedded: EmbeddedPostgres, started = true): Promise<RawClient> {
    const directory = new URL(embedded.connectionString).searchParams.get('host')!;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const opened = connect(`${directory}/.s.PGSQL.5432`, () => resolve(opened));
      opened.once('error', reject);
    });
    const client = new RawClient(socket);
    if (started) {
      socket.write(startup());
      await client.until((answers) => answers.includes('ZI'));
    }
    return client;
  }

  /** The answers once `done` holds of them (or the socket closed, or `ms` passed), then forgets them. */
  until(done: (answers: readonly string[]) => boolean, ms = 5000): Promise<string[]> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(this.answers.splice(0));
      };
      const timer = setTimeout(finish, ms);
      this.waiting = () => {
        if (this.closed || done(this.answers)) finish();
      };
      this.waiting();
    });
  }

  ready(ms?: number): Promise<string[]> {
    return this.until((answers) => answers.some((answer) => answer.startsWith('Z')), ms);
  }
}

describe.each([
  ['on the main thread', false],
  ['on its own thread', true],
])('the embedded database’s wire server, %s', (_, thread) => {
  let embedded: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeEach(async () => {
    embedded = await startEmbeddedPostgres({ dataDir: 'memory', thread, maxConnections: 4 });
    pool = new pg.Pool({ connectionString: embedded.connectionString, max: 1 });
  });

  afterEach(async () => {
    await pool.end();
    await embedded.stop();
  });

  it('answers the messages before a Terminate in the same read, then closes the connection', async () => {
    const raw = await RawClient.open(embedded);
    raw.socket.write(Buffer.concat([query('select 1'), terminate()]));
    expect(await raw.until(() => false)).toEqual(['T', 'D1', 'C', 'ZI']);
    expect(raw.closed).toBe(true);
    expect((await pool.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });

  it('rolls back the transaction of a connection that left after an error, before its Sync', async () => {
    await pool.query('create table kept (id int)');
    const raw = await RawClient.open(embedded);
    raw.socket.write(query('begin; insert into kept values (1)'));
    expect(await raw.ready()).toContain('ZT');
    raw.socket.write(Buffer.concat([parse('select * from missing'), bind(), execute()]));
    expect(await raw.until((answers) => answers.includes('E'))).toEqual(['E']);
    raw.socket.destroy();
    // The others are served, outside that transaction: its row is gone, a new transaction opens.
    expect((await pool.query('select count(*)::int as n from kept')).rows).toEqual([{ n: 0 }]);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('insert into kept values (2)');
      await client.query('commit');
    } finally {
      client.release();
    }
    expect((await pool.query('select id from kept')).rows).toEqual([{ id: 2 }]);
  });

  it('keeps an extended-query batch split across reads to its connection until its Sync', async () => {
    const first = await RawClient.open(embedded);
    const second = await RawClient.open(embedded);
    first.socket.write(
      Buffer.concat([parse('select g from generate_series(1, 4) g'), bind(), execute(2), flush()]),
    );
    expect(await first.until((answers) => answers.includes('s'))).toEqual(['1', '2', 'D1', 'D2', 's']);
    second.socket.write(Buffer.concat([parse('select 7'), bind(), execute(), sync()]));
    // Nothing runs between the first connection's Execute and its Sync.
    expect(await second.ready(300)).toEqual([]);
    first.socket.write(Buffer.concat([execute(2), sync()]));
    expect(await first.ready()).toEqual(['D3', 'D4', 's', 'ZI']);
    expect(await second.ready()).toEqual(['1', '2', 'D7', 'C', 'ZI']);
  });

  it('keeps a parameter arriving in many reads to its statement while another client queries', async () => {
    const other = new pg.Client(embedded.connectionString);
    await other.connect();
    let stop = false;
    const looping = (async () => {
      while (!stop) await other.query("select 'other' || $1::text as other", ['!']);
    })();
    try {
      const large = 'x'.repeat(5 * 1024 * 1024);
      for (let i = 0; i < 3; i++) {
        const result = await pool.query('select length($1::text) as n', [large]);
        expect(result.rows).toEqual([{ n: large.length }]);
      }
    } finally {
      stop = true;
      await looping;
      await other.end();
    }
  });

  it.each([
    ['an unknown message type', Buffer.from([0x7a, 0, 0, 0, 4])],
    ['a message type 0', Buffer.concat([Buffer.from([0, 0, 0, 0, 8, 0, 0, 0, 0]), query('select 1')])],
    ['a message longer than 1 GB', Buffer.from([0x51, 0x40, 0, 0, 1])],
  ])('closes a connection that sends %s, and serves the others', async (_, garbage) => {
    const raw = await RawClient.open(embedded);
    raw.socket.write(garbage);
    expect(await raw.until(() => false)).toEqual([]);
    expect(raw.closed).toBe(true);
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('closes a connection whose startup message is longer than 10,000 bytes', async () => {
    const raw = await RawClient.open(embedded, false);
    const header = Buffer.alloc(8);
    header.writeInt32BE(10_001, 0);
    header.writeInt32BE(196608, 4);
    raw.socket.write(header);
    expect(await raw.until(() => false)).toEqual([]);
    expect(raw.closed).toBe(true);
  });

  it('declines GSS encryption as it declines SSL', async () => {
    const raw = await RawClient.open(embedded, false);
    const answer = new Promise<string>((resolve) =>
      raw.socket.once('data', (data) => resolve(data.toString())),
    );
    raw.socket.write(untyped(80877104));
    expect(await answer).toBe('N');
    raw.socket.destroy();
  });

  it('tells a connection over the limit why it is refused', async () => {
    const open = await Promise.all([1, 2, 3, 4].map(() => RawClient.open(embedded)));
    try {
      const refused = new pg.Client(embedded.connectionString);
      await expect(refused.connect()).rejects.toThrow('too many clients');
    } finally {
      for (const raw of open) raw.socket.destroy();
    }
  });
});
