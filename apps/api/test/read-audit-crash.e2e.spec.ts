import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import type { Backend } from '../../../test/support/api-harness.js';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';
import {
  freePort,
  startAppProcess,
  stopProcesses,
  waitForHealth,
  type AppProcess,
} from '../../../test/support/processes.js';

const API = 'dist/apps/api/src/main.js';
const OFFICER = 'demo.officer.lc-so-ldtbxh';
const NATIONAL = 'demo.auditor.national';
const PATH = '/agencies/lc-so-ldtbxh/outstanding';
/** Reads in flight when the API is killed. */
const READS = 40;

/**
 * The API process is killed (SIGKILL) right after it answers a read with 200, while other reads
 * are in flight: every read answered 200 is in the audit of reads when the API is back, because
 * the record is committed before the answer is sent.
 */
describe.each<Backend>(['pglite', 'postgres'])(
  'a read answered just before the API is killed (%s)',
  (backend) => {
    const { DATABASE_URL: _url, NATS_URL: _nats, PORT: _port, ...baseEnv } = process.env;
    const processes: AppProcess[] = [];
    let dataDir: string;
    const schema = uniqueSchema('readcrash');
    let pool: Pool | undefined;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'coord-read-crash-'));
      if (backend === 'postgres') pool = await connectTestPostgres(1);
    });

    afterAll(async () => {
      await stopProcesses(processes);
      await rm(dataDir, { recursive: true, force: true });
      if (pool) {
        await dropSchema(pool, schema);
        await pool.end();
      }
    });

    async function startApi(): Promise<{ url: string; app: AppProcess }> {
      const port = await freePort();
      const storage =
        backend === 'pglite'
          ? { DATA_DIR: dataDir }
          : { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, DEMO_TOKENS: 'true' };
      const app = startAppProcess(API, {
        ...baseEnv,
        ...storage,
        PORT: String(port),
        SEED_PLANS: 'false',
        LOG_LEVEL: 'warn',
      });
      processes.push(app);
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, app, 60_000);
      return { url, app };
    }

    it('never loses the record of a read it answered', async () => {
      const first = await startApi();
      const answered: number[] = [];
      let killed = false;
      await Promise.all(
        Array.from({ length: READS }, async (_, offset) => {
          try {
            const response = await fetch(`${first.url}${PATH}?offset=${offset}`, {
              headers: { authorization: `Bearer ${OFFICER}` },
            });
            if (response.status === 200 && !killed) {
              answered.push(offset);
              // Right after the first 200 arrives; reads still in flight die with the process.
              if (answered.length === 1) {
                killed = true;
                first.app.child.kill('SIGKILL');
              }
            } else if (response.status === 200) {
              answered.push(offset);
            }
          } catch {
            // In flight when the process died: no answer, nothing promised.
          }
        }),
      );
      expect(await first.app.exited).toBeNull();
      expect(answered.length).toBeGreaterThan(0);

      const second = await startApi();
      const listed = await fetch(`${second.url}/audit/reads?resource=${PATH}&limit=500`, {
        headers: { authorization: `Bearer ${NATIONAL}` },
      });
      expect(listed.status).toBe(200);
      const recorded = ((await listed.json()) as { items: { query: Record<string, string> }[] }).items.map(
        (read) => Number(read.query.offset),
      );
      expect(recorded).toEqual(expect.arrayContaining(answered));
    });
  },
);
