import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { startAppProcess, stopProcesses, type AppProcess } from '../../../test/support/processes.js';
import { TEST_DATABASE_URL } from '../../../test/support/postgres.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const WORKER = 'dist/apps/worker/src/main.js';
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const INSPECTOR = 'demo.inspector.lc-ubnd-tinh';

const { DATABASE_URL: _url, NATS_URL: _nats, METRICS_PORT: _port, ...baseEnv } = process.env;

/**
 * Worker processes on a test clock (COORD_TEST_CLOCK_FILE): stopped across a deadline, two of
 * them restarted together record the reminders, the lapse and the escalation once each, with
 * occurredAt = the moment each was due.
 */
describe('deadline timers in worker processes', () => {
  let api: ApiHarness;
  let dir: string;
  let clockFile: string;
  let pool: pg.Pool;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coord-clock-'));
    clockFile = join(dir, 'now');
    await writeFile(clockFile, '2025-06-01T02:00:00Z');
    api = await startApi(
      'postgres',
      { COORD_TEST_CLOCK_FILE: clockFile, NODE_ENV: 'test' },
      { worker: false },
    );
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  });

  afterAll(async () => {
    await stopProcesses(workers);
    await pool?.end();
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const startWorker = () => {
    const worker = startAppProcess(WORKER, {
      ...baseEnv,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: api.schema!,
      DEMO_TOKENS: 'true',
      COORD_TEST_CLOCK_FILE: clockFile,
    });
    workers.push(worker);
    return worker;
  };

  it('records what fell due while the workers were down, once, when two come back', async () => {
    const taskId = randomUUID();
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(await api.plan(), taskId, [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }], {
        dueDate: '2025-06-30',
      }),
    );
    expect(assigned.status).toBe(201);

    // One worker projects the assignment (its timers), then stops before the first reminder.
    const first = startWorker();
    const seen = await api.request(
      'GET',
      `/tasks/${taskId}?minPosition=${assigned.body.position}`,
      INSPECTOR,
    );
    expect(seen.status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // Down across the reminders, the deadline and the first escalation; two workers come back.
    await writeFile(clockFile, '2025-07-10T02:00:00Z');
    const restartedAt = Date.now();
    startWorker();
    startWorker();
    let rows: { type: string; occurred_at: Date; recorded_at: Date }[] = [];
    for (let tries = 0; tries < 300 && rows.length < 4; tries++) {
      await delay(100);
      rows = (
        await pool.query<{ type: string; occurred_at: Date; recorded_at: Date }>(
          `select type, occurred_at, recorded_at from ${api.schema}.events
            where stream_id like 'deadlines-%' and data->>'taskId' = $1 order by occurred_at`,
          [taskId],
        )
      ).rows;
    }
    // Let both go on polling a while: nothing more may be recorded.
    await delay(1_000);
    const { rows: all } = await pool.query<{ type: string; occurred_at: Date; recorded_at: Date }>(
      `select type, occurred_at, recorded_at from ${api.schema}.events
        where stream_id like 'deadlines-%' and data->>'taskId' = $1 order by occurred_at`,
      [taskId],
    );
    expect(all.map((row) => [row.type, row.occurred_at.toISOString()])).toEqual([
      ['DeadlineReminderSent', '2025-06-23T17:00:00.000Z'],
      ['DeadlineReminderSent', '2025-06-29T17:00:00.000Z'],
      ['DeadlineLapsed', '2025-06-30T17:00:00.000Z'],
      ['DeadlineEscalated', '2025-07-07T17:00:00.000Z'],
    ]);
    // Recorded now, on catch-up, by the database clock.
    for (const row of all) expect(row.recorded_at.getTime()).toBeGreaterThanOrEqual(restartedAt - 1_000);
  });
});
