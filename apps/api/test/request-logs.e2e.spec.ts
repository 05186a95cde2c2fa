import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  startAppProcess,
  waitForHealth,
  type AppProcess,
} from '../../../test/support/processes.js';

describe('the API process logs', () => {
  let dataDir: string;
  let api: AppProcess;
  let url: string;
  let lines: string[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coord-logs-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = startAppProcess('dist/apps/api/src/main.js', {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'info',
      SEED_PLANS: 'false',
    });
    lines = api.lines;
    await waitForHealth(url, api);
  });

  afterAll(async () => {
    api.child.kill('SIGTERM');
    await api.exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The JSON log lines written so far that satisfy `match`, after waiting a little for them. */
  const logged = (match: (entry: Record<string, any>) => boolean, count = 1) =>
    api.logged(match, count, 2_500);

  it('writes only JSON lines to stdout, the start-up message included', async () => {
    const started = await logged((entry) => String(entry.msg).startsWith('Coordination API listening'));
    expect(started).toHaveLength(1);
    const notJson = lines.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
  });

  it('writes one JSON line per request with its id, method, path, status and time, and no headers', async () => {
    const secret = 'demo.officer.lc-so-y-te';
    const response = await fetch(`${url}/agencies/lc-so-y-te/outstanding?limit=5`, {
      headers: { authorization: `Bearer ${secret}`, cookie: 'session=do-not-log' },
    });
    expect(response.status).toBe(200);

    const entries = await logged((entry) => entry.req?.url === '/agencies/lc-so-y-te/outstanding?limit=5');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 30,
      service: 'coord-api',
      msg: 'request completed',
      req: { method: 'GET', url: '/agencies/lc-so-y-te/outstanding?limit=5' },
      res: { statusCode: 200 },
    });
    expect(entries[0]!.req.id).toEqual(expect.any(String));
    expect(entries[0]!.responseTime).toEqual(expect.any(Number));
    const all = lines.join('\n');
    expect(all).not.toContain(secret);
    expect(all).not.toContain('do-not-log');
  });

  it('logs refused requests with their status, and each request under its own id', async () => {
    await fetch(`${url}/agencies/lc-so-y-te/outstanding?limit=6`);
    await fetch(`${url}/agencies/lc-so-y-te/outstanding?limit=6`);

    const entries = await logged((entry) => entry.req?.url === '/agencies/lc-so-y-te/outstanding?limit=6', 2);
    expect(entries.map((entry) => entry.res.statusCode)).toEqual([401, 401]);
    expect(new Set(entries.map((entry) => entry.req.id)).size).toBe(2);
  });

  it('does not log health checks', async () => {
    await fetch(`${url}/health`);
    // Requests made one after another are logged in order: once the next one is there, a line
    // for the health check would be too.
    await fetch(`${url}/agencies/lc-so-y-te/outstanding?limit=7`);
    expect(
      await logged((entry) => entry.req?.url === '/agencies/lc-so-y-te/outstanding?limit=7'),
    ).toHaveLength(1);
    expect(lines.filter((line) => line.includes('"/health"'))).toEqual([]);
  });
});
