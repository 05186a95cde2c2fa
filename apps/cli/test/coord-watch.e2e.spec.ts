import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { TestNatsServer } from '../../../libs/fanout/test/support/nats-server.js';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { TEST_DATABASE_URL } from '../../../test/support/postgres.js';

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
  const response = await api.request('POST', '/tasks', ISSUER, {
    taskId,
    planId: randomUUID(),
    title,
    duty: 'Phối hợp tổ chức tuyên truyền về phòng, chống xâm hại trẻ em',
    sourceClause: { section: 'V.3', start: 0, end: 10 },
    dueDate: '2025-11-30',
    assignees: [{ agencyCode, role: 'lead' }],
  });
  expect(response.status).toBe(201);
  return { taskId, position: response.body.position as string };
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
  });
});
