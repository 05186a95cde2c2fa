import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startAppProcess, waitForHealth } from '../../../test/support/processes.js';

describe('the API process on SIGTERM', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coord-shutdown-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ends open feeds, closes the embedded database and exits 0; its data opens again', async () => {
    const start = async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const api = startAppProcess('dist/apps/api/src/main.js', {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: 'info',
        SEED_PLANS: 'false',
      });
      await waitForHealth(url, api);
      return { api, url };
    };

    const { api, url } = await start();
    // A live SSE feed: a connection that would stay open for ever if shutdown waited for it.
    const feed = await fetch(`${url}/agencies/lc-so-y-te/feed`, {
      headers: { authorization: 'Bearer demo.officer.lc-so-y-te', accept: 'text/event-stream' },
    });
    expect(feed.status).toBe(200);
    const reading = (async () => {
      const reader = feed.body!.getReader();
      for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return 'ended';
    })();

    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await reading).toBe('ended');
    expect(api.stderr()).toBe('');
    const shutdown = api.lines
      .map((line) => JSON.parse(line) as { context?: string; msg: string })
      .filter((entry) => entry.context === 'Shutdown')
      .map((entry) => entry.msg);
    expect(shutdown).toEqual([
      'stopping on SIGTERM: finishing the work under way',
      'stopped: the database is closed',
    ]);

    // The embedded database was closed properly: the next start opens it and is healthy.
    const again = await start();
    again.api.child.kill('SIGTERM');
    expect(await again.api.exited).toBe(0);
  });

  it('exits 1 with the reason logged when the embedded database thread ends on its own', async () => {
    const port = await freePort();
    const preload = fileURLToPath(
      new URL('../../../test/support/end-embedded-thread-on-sigusr2.cjs', import.meta.url),
    );
    const api = startAppProcess('dist/apps/api/src/main.js', {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require=${preload}`,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'info',
      SEED_PLANS: 'false',
    });
    await waitForHealth(`http://127.0.0.1:${port}`, api);

    api.child.kill('SIGUSR2');
    expect(await api.exited).toBe(1);
    const errors = api.lines
      .map((line) => JSON.parse(line) as { context?: string; level?: number | string; msg: string })
      .filter((entry) => entry.context === 'Database');
    expect(errors).toEqual([
      expect.objectContaining({
        msg: expect.stringMatching(
          /^the embedded database thread exited unexpectedly .*exiting so that the API is restarted$/s,
        ),
      }),
    ]);
  });
});
