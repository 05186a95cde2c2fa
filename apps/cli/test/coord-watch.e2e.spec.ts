import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestNatsServer } from '../../../libs/fanout/test/support/nats-server.js';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';
import { PostgresEventStore } from '#libs/event-store';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const WATCHED = 'lc-so-y-te';
const OTHER = 'lc-so-gddt';

/** `coord watch` running as an operator would start it, its output collected line by line. */
class Watcher {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private exit: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: Record<string, string>) {
    // The test's own environment must not choose the source: only what each test passes.
    const { NATS_URL: _nats, DATABASE_URL: _db, COORD_TOKEN: _token, ...base } = process.env;
    this.child = spawn(process.execPath, ['bin/coord.js', 'watch', ...args], {
      env: { ...base, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.collect(this.child.stdout!, this.stdout);
    this.collect(this.child.stderr!, this.stderr);
    this.exit = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Waits (bounded) for a line of stdout or stderr that matches. */
  async line(stream: 'stdout' | 'stderr', pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
    const lines = stream === 'stdout' ? this.stdout : this.stderr;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((line) =>
        typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line),
      );
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `no ${stream} line matching ${String(pattern)} (exit ${this.child.exitCode});\nstdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr.join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  exited(): Promise<number | null> {
    return this.exit;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.exit;
  }

  private collect(stream: NodeJS.ReadableStream, lines: string[]): void {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
    });
  }
}

async function assign(api: ApiHarness, agencyCode: string, title: string) {
  const taskId = randomUUID();
  const response = await api.request(
    'POST',
    '/tasks',
    ISSUER,
    assignmentBody(await api.plan(), taskId, [{ agencyCode, role: 'lead' }], { title }),
  );
  expect(response.status).toBe(201);
  return { taskId, position: response.body.position as string };
}

/** A CloudEvents envelope as the feed sends it, at a global position. */
function envelope(position: number) {
  const taskId = randomUUID();
  return {
    specversion: '1.0',
    id: `${randomUUID()}:${WATCHED}`,
    source: '/coord',
    type: 'vn.coord.TaskAssigned',
    time: '2025-06-01T08:00:00.000Z',
    subject: `task-${taskId}`,
    datacontenttype: 'application/json',
    coordeventid: randomUUID(),
    coordagency: WATCHED,
    coordposition: String(position),
    coordtransaction: '1',
    coordstreamversion: '1',
    coordeventtype: 'TaskAssigned',
    coordschemaversion: '1',
    coordoccurredat: '2025-06-01T08:00:00.000Z',
    coordactor: ISSUER,
    coordactoragency: 'lc-ubnd-tinh',
    data: { taskId, title: 'Kiểm tra', dueDate: '2025-11-30' },
  };
}

/** A stand-in for the API's feed: each request is answered by the next handler, and recorded. */
class FakeFeed {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly requests: readonly { url: string; lastEventId: string | undefined }[],
  ) {}

  static async start(handlers: ((response: ServerResponse) => void)[]): Promise<FakeFeed> {
    const requests: { url: string; lastEventId: string | undefined }[] = [];
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      requests.push({
        url: request.url ?? '',
        lastEventId: request.headers['last-event-id'] as string | undefined,
      });
      const handler = handlers[requests.length - 1];
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(': feed\n\n');
      // Past the scripted answers: stay open, quiet.
      handler?.(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeFeed(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('coord watch', () => {
  const watchers: Watcher[] = [];
  const watch = (args: string[], env: Record<string, string> = {}) => {
    const watcher = new Watcher(args, env);
    watchers.push(watcher);
    return watcher;
  };

  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((watcher) => watcher.stop()));
  });

  describe("on the embedded default, through the API's feed", () => {
    let api: ApiHarness;

    beforeAll(async () => {
      api = await startApi('pglite');
    });

    afterAll(async () => {
      await api?.close();
    });

    it('prints an assignment of its agency as it arrives, and nothing of other agencies', async () => {
      const watcher = watch(['--agency', WATCHED, '--api', api.url, '--token', `demo.officer.${WATCHED}`]);
      await watcher.line('stderr', 'watching lc-so-y-te through the API feed');
      // The watch starts from now: wait for the API to have opened the stream before assigning.
      await watcher.line('stderr', 'connected to the feed of lc-so-y-te; showing new events');
      const other = await assign(api, OTHER, 'Việc của Sở Giáo dục');
      const mine = await assign(api, WATCHED, 'Khám sàng lọc cho trẻ em');

      const line = await watcher.line('stdout', `task-${mine.taskId}`);
      expect(line).toMatch(
        new RegExp(
          `#${mine.position}  TaskAssigned +task-${mine.taskId}  by lc-ubnd-tinh  "Khám sàng lọc cho trẻ em", due 2025-11-30`,
        ),
      );
      expect(watcher.stdout.join('\n')).not.toContain(other.taskId);
    });

    it('starts from a past position with --from and prints CloudEvents JSON with --json', async () => {
      const earlier = await assign(api, WATCHED, 'Báo cáo 6 tháng');
      const watcher = watch(['--agency', WATCHED, '--from', earlier.position, '--json', '--api', api.url]);
      const line = await watcher.line('stdout', earlier.taskId);
      expect(JSON.parse(line)).toMatchObject({
        specversion: '1.0',
        type: 'vn.coord.TaskAssigned',
        subject: `task-${earlier.taskId}`,
        coordagency: WATCHED,
        coordposition: earlier.position,
      });
      expect(watcher.stderr.join('\n')).toContain('using the demo token demo.officer.lc-so-y-te');
    });

    it("stops with the API's explanation when the token may not follow the agency", async () => {
      const watcher = watch(['--agency', WATCHED, '--api', api.url, '--token', `demo.officer.${OTHER}`]);
      expect(await watcher.exited()).toBe(1);
      expect(watcher.stderr.join('\n')).toContain(
        'the API refused the feed of lc-so-y-te: 403 feed.forbidden',
      );
    });
  });

  describe("when the API's feed drops or sends something unreadable", () => {
    let fake: FakeFeed | undefined;

    afterEach(async () => {
      await fake?.close();
      fake = undefined;
    });

    it('resumes a live start that dropped before its first event from where it started', async () => {
      const missed = envelope(42);
      fake = await FakeFeed.start([
        // A live start at position 41, dropped before any event.
        (response) => {
          response.write('id: 41\n\n');
          setImmediate(() => response.socket?.destroy());
        },
        (response) => response.write(`id: 42\ndata: ${JSON.stringify(missed)}\n\n`),
      ]);
      const watcher = watch(['--agency', WATCHED, '--api', fake.url, '--json']);
      const line = await watcher.line('stdout', missed.subject);
      expect(JSON.parse(line)).toMatchObject({ coordposition: '42' });
      expect(fake.requests.map((r) => r.lastEventId)).toEqual([undefined, '41']);
      expect(fake.requests[1]!.url).not.toContain('from=');
      await watcher.line('stderr', 'reconnected, resuming after position 41');
    });

    it('reports a message that is not a CloudEvent, skips it and goes on without reconnecting', async () => {
      const next = envelope(8);
      fake = await FakeFeed.start([
        (response) => {
          response.write('id: 7\ndata: {"specversion":"0.3"}\n\n');
          response.write(`id: 8\ndata: ${JSON.stringify(next)}\n\n`);
        },
      ]);
      const watcher = watch(['--agency', WATCHED, '--api', fake.url, '--json']);
      await watcher.line('stdout', next.subject);
      expect(await watcher.line('stderr', 'skipped message 7')).toContain('not a CloudEvent');
      expect(fake.requests).toHaveLength(1);
      expect(watcher.stdout).toHaveLength(1);
    });
  });

  describe('with NATS_URL, through JetStream', () => {
    let nats: TestNatsServer;
    let api: ApiHarness;

    beforeAll(async () => {
      nats = await TestNatsServer.start();
      api = await startApi('postgres', { NATS_URL: nats.url });
    });

    afterAll(async () => {
      await api?.close();
      await nats?.dispose();
    });

    it('prints an assignment of its agency published by the worker', async () => {
      // The worker creates the stream as soon as it reaches NATS; the first assignment proves it.
      const first = await assign(api, WATCHED, 'Tập huấn kỹ năng');
      const watcher = watch(['--agency', WATCHED, '--from', first.position], { NATS_URL: nats.url });
      await watcher.line('stdout', first.taskId);
      const live = await assign(api, WATCHED, 'Kiểm tra liên ngành');
      const line = await watcher.line('stdout', live.taskId);
      expect(line).toContain(`#${live.position}  TaskAssigned`);
      expect(watcher.stderr.join('\n')).toContain('watching lc-so-y-te on JetStream COORD_AGENCY');
    });
  });

  describe('with DATABASE_URL, from the event store', () => {
    let api: ApiHarness;

    beforeAll(async () => {
      api = await startApi('postgres');
    });

    afterAll(async () => {
      await api?.close();
    });

    it('prints past assignments from --from, then new ones', async () => {
      const past = await assign(api, WATCHED, 'Thống kê số liệu');
      const watcher = watch(['--agency', WATCHED, '--from', past.position], {
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: api.schema!,
      });
      await watcher.line('stdout', past.taskId);
      const live = await assign(api, WATCHED, 'Hỗ trợ trẻ em bị xâm hại');
      await watcher.line('stdout', live.taskId);
      expect(watcher.stdout.filter((line) => line.includes('TaskAssigned'))).toHaveLength(2);
    });

    it('starts from now without --from and prints new assignments', async () => {
      const before = await assign(api, WATCHED, 'Việc đã giao trước');
      const watcher = watch(['--agency', WATCHED], {
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: api.schema!,
      });
      await watcher.line('stderr', 'watching lc-so-y-te in the event store');
      const live = await assign(api, WATCHED, 'Việc giao sau');
      await watcher.line('stdout', live.taskId);
      expect(watcher.stdout.join('\n')).not.toContain(before.taskId);
    });
  });

  describe('with DATABASE_URL, read-only', () => {
    let pool: Awaited<ReturnType<typeof connectTestPostgres>>;
    const schemas: string[] = [];
    const tableExists = async (schema: string, table: string) =>
      (
        await pool.query<{ found: boolean }>(
          `select to_regclass(format('%I.%I', $1::text, $2::text)) is not null as found`,
          [schema, table],
        )
      ).rows[0]!.found;

    beforeAll(async () => {
      pool = await connectTestPostgres(2);
    });

    afterAll(async () => {
      for (const schema of schemas) await dropSchema(pool, schema);
      await pool?.end();
    });

    it('stops with a clear error on a schema without an event store, and creates nothing', async () => {
      const schema = uniqueSchema('watch_empty');
      schemas.push(schema);
      const watcher = watch(['--agency', WATCHED], {
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: schema,
      });
      expect(await watcher.exited()).toBe(1);
      expect(watcher.stderr.join('\n')).toContain(`there is no event store in schema "${schema}"`);
      expect(await tableExists(schema, 'events')).toBe(false);
    });

    it('needs nothing but the event store, and creates nothing else', async () => {
      const schema = uniqueSchema('watch_noproj');
      schemas.push(schema);
      await new PostgresEventStore(pool, { schema }).migrate();
      const watcher = watch(['--agency', WATCHED], {
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: schema,
      });
      await watcher.line('stderr', 'watching lc-so-y-te in the event store');
      expect(await tableExists(schema, 'projection_checkpoints')).toBe(false);
    });
  });
});
