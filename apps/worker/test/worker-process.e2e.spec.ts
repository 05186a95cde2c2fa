import { randomUUID } from 'node:crypto';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { TEST_DATABASE_URL } from '../../../test/support/postgres.js';
import { startAppProcess } from '../../../test/support/processes.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const WORKER = 'dist/apps/worker/src/main.js';
const LEAD = 'lc-so-ldtbxh';

/** The worker as deployed: its own process, started by `npm run start:worker`. */
describe('the worker process', () => {
  const { DATABASE_URL: _url, NATS_URL: _nats, ...baseEnv } = process.env;

  it('refuses to start without DATABASE_URL, saying why', async () => {
    const worker = startAppProcess(WORKER, { ...baseEnv, LOG_LEVEL: 'info' });
    expect(await worker.exited).toBe(1);
    expect(worker.stderr()).toContain('The worker needs DATABASE_URL');
  });

  describe('on PostgreSQL, beside an API without a worker of its own', () => {
    let api: ApiHarness;

    beforeAll(async () => {
      api = await startApi('postgres', {}, { worker: false });
    });

    afterAll(async () => {
      await api.close();
    });

    it('projects what the API writes, logs JSON lines only, and stops cleanly on SIGTERM', async () => {
      const worker = startAppProcess(WORKER, {
        ...baseEnv,
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: api.schema!,
        LOG_LEVEL: 'info',
      });
      try {
        const taskId = randomUUID();
        const assigned = await api.request(
          'POST',
          '/tasks',
          'demo.issuer.lc-ubnd-tinh',
          assignmentBody(await api.plan(), taskId, [{ agencyCode: LEAD, role: 'lead' }]),
        );
        expect(assigned.status).toBe(201);
        const outstanding = await api.request(
          'GET',
          `/agencies/${LEAD}/outstanding?minPosition=${assigned.body.position as string}`,
          `demo.officer.${LEAD}`,
        );
        expect(outstanding.status).toBe(200);
        expect(outstanding.body.items).toEqual([expect.objectContaining({ taskId })]);
      } finally {
        worker.child.kill('SIGTERM');
      }
      expect(await worker.exited).toBe(0);
      expect(worker.stderr()).toBe('');
      expect(worker.lines.length).toBeGreaterThan(0);
      const entries = worker.lines.map((line) => JSON.parse(line) as { context?: string; msg: string });
      expect(entries.filter((entry) => entry.context === 'Shutdown').map((entry) => entry.msg)).toEqual([
        'stopping on SIGTERM: finishing the work under way',
        'stopped: the database is closed',
      ]);
    });
  });
});
