import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { compareLogPositions, PostgresEventStore, START_OF_LOG } from '#libs/event-store';
import type { ApiResponse } from '../support/api-harness.js';
import { issueTestPlan } from '../support/plans.js';
import { PrivatePostgres } from '../support/private-postgres.js';
import {
  freePort,
  startAppProcess,
  stopProcesses,
  waitForHealth,
  type AppProcess,
} from '../support/processes.js';
import { assignmentBody } from '../support/task-bodies.js';

const API = 'dist/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/src/main.js';
const SCHEMA = 'coord';
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const ASSIGNEES = [
  { agencyCode: 'lc-so-ldtbxh', role: 'lead' },
  { agencyCode: 'lc-so-y-te', role: 'support' },
] as const;
const TASKS = 4;
/** Commands in flight at any time. */
const SENDERS = 4;
/** How long the database stays down (env DB_OUTAGE_SECONDS). */
const OUTAGE_MS = Number(process.env.DB_OUTAGE_SECONDS ?? 5) * 1_000;

interface Sent {
  readonly text: string;
  readonly taskId: string;
  readonly token: string;
  readonly key: string | undefined;
  readonly phase: 'before' | 'outage' | 'after';
  readonly response: ApiResponse;
  readonly contentType: string;
}

/**
 * PostgreSQL stopped as a crash stops it (every backend ended at once), then started again, while
 * an API process and a worker process serve a steady stream of commands, half of them with an
 * Idempotency-Key. Issue #14: the API used to exit on the pg client's unhandled `error` event,
 * and answered 500 while the database was down.
 */
describe('when the database is killed and restarted under load', () => {
  const { DATABASE_URL: _url, NATS_URL: _nats, PORT: _port, ...baseEnv } = process.env;
  let server: PrivatePostgres;
  let pool: pg.Pool;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    server = await PrivatePostgres.start();
    pool = new pg.Pool({ connectionString: server.url, max: 2, application_name: 'fault-test' });
    pool.on('error', () => undefined);
  });

  afterAll(async () => {
    await stopProcesses(processes);
    await pool?.end();
    await server?.dispose();
  });

  it('keeps both processes alive, answers 503 with Retry-After meanwhile, recovers by itself, loses and repeats nothing', async () => {
    const env = {
      ...baseEnv,
      DATABASE_URL: server.url,
      DATABASE_SCHEMA: SCHEMA,
      DEMO_TOKENS: 'true',
      SEED_PLANS: 'false',
      LOG_LEVEL: 'warn',
    };
    const port = await freePort();
    const apiProcess = startAppProcess(API, { ...env, PORT: String(port) });
    processes.push(apiProcess);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, apiProcess);
    // The worker must be running before the outage: one that cannot reach the database while it
    // starts exits and is restarted by its supervisor, which is not what this test is about.
    const workerMetricsPort = await freePort();
    const worker = startAppProcess(WORKER, { ...env, METRICS_PORT: String(workerMetricsPort) });
    processes.push(worker);
    await waitForHealth(`http://127.0.0.1:${workerMetricsPort}`, worker, 60_000, '/health/ready');

    const api = {
      async request(
        method: string,
        path: string,
        token: string,
        body?: unknown,
        headers: Record<string, string> = {},
      ): Promise<ApiResponse & { contentType: string }> {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return {
          status: response.status,
          headers: response.headers,
          contentType: response.headers.get('content-type') ?? '',
          body: text ? JSON.parse(text) : null,
        };
      },
    };

    const planId = await issueTestPlan(api);
    const taskIds = Array.from({ length: TASKS }, () => randomUUID());
    for (const taskId of taskIds) {
      expect(
        (await api.request('POST', '/tasks', ISSUER, assignmentBody(planId, taskId, ASSIGNEES))).status,
      ).toBe(201);
    }

    // Steady load: progress reports (every other one with an Idempotency-Key) and task queries.
    let phase: Sent['phase'] = 'before';
    let sending = true;
    let counter = 0;
    const sent: Sent[] = [];
    const queries: {
      phase: Sent['phase'];
      status: number;
      contentType: string;
      retryAfter: string | null;
    }[] = [];
    const sender = async (lane: number) => {
      while (sending) {
        counter += 1;
        const n = counter;
        const taskId = taskIds[n % TASKS]!;
        const token = `demo.officer.${ASSIGNEES[n % ASSIGNEES.length]!.agencyCode}`;
        if (n % 5 === 0) {
          const at = phase;
          const read = await api.request('GET', `/tasks/${taskId}`, token);
          queries.push({
            phase: at,
            status: read.status,
            contentType: read.contentType,
            retryAfter: read.headers.get('retry-after'),
          });
          continue;
        }
        const text = `Báo cáo ${lane}-${n}-${randomUUID()}`;
        const key = n % 2 === 0 ? randomUUID() : undefined;
        const at = phase;
        const response = await api.request(
          'POST',
          `/tasks/${taskId}/progress`,
          token,
          { text },
          key ? { 'idempotency-key': key } : {},
        );
        sent.push({ text, taskId, token, key, phase: at, response, contentType: response.contentType });
        await delay(20);
      }
    };
    const load = Promise.all(Array.from({ length: SENDERS }, (_, lane) => sender(lane)));
    // An agency's SSE feed stays open through it all: it reads the event store too.
    const feedAbort = new AbortController();
    let feedBytes = 0;
    const feed = fetch(`${url}/agencies/lc-so-ldtbxh/feed?from=0`, {
      headers: { authorization: 'Bearer demo.officer.lc-so-ldtbxh' },
      signal: feedAbort.signal,
    })
      .then(async (response) => {
        for await (const chunk of response.body ?? []) feedBytes += (chunk as Uint8Array).byteLength;
      })
      .catch(() => undefined);

    await delay(2_000);
    // First the connections are dropped under the processes' feet (pg_terminate_backend, as a
    // failover or an operator does), a few times over, while commands are in flight.
    let terminated = 0;
    for (let i = 0; i < 3; i += 1) {
      const { rowCount } = await pool.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where backend_type = 'client backend' and application_name <> 'fault-test'`,
      );
      terminated += rowCount ?? 0;
      await delay(500);
    }
    expect(terminated).toBeGreaterThan(0);
    // Then the server itself goes down.
    phase = 'outage';
    await server.kill();
    await delay(OUTAGE_MS);
    await server.restart();
    phase = 'after';
    // Recovered by itself: commands succeed again with nobody restarting anything.
    const recoveredBy = Date.now() + 30_000;
    while (!sent.some((s) => s.phase === 'after' && s.response.status === 200) && Date.now() < recoveredBy) {
      await delay(100);
    }
    await delay(2_000);
    sending = false;
    await load;
    feedAbort.abort();
    await feed;
    expect(feedBytes).toBeGreaterThan(0);

    // Neither process exited (the output of one that did says why).
    expect({
      api: apiProcess.child.exitCode,
      worker: worker.child.exitCode,
      ...(apiProcess.child.exitCode !== null ? { apiOutput: apiProcess.stderr().slice(-2_000) } : {}),
      ...(worker.child.exitCode !== null ? { workerOutput: worker.stderr().slice(-2_000) } : {}),
    }).toEqual({
      api: null,
      worker: null,
    });
    expect(apiProcess.child.signalCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();

    // Every answer: 200, 409 on a lost race, or 503 database-unavailable with Retry-After; never 500.
    const answers = [
      ...sent.map((s) => ({ ...s.response, contentType: s.contentType, phase: s.phase })),
      ...queries,
    ];
    const unexpected = sent.filter(
      (s) =>
        !(
          s.response.status === 200 ||
          (s.response.status === 409 && s.response.body?.code === 'concurrency-conflict') ||
          (s.response.status === 503 &&
            s.response.body?.code === 'database-unavailable' &&
            s.contentType.startsWith('application/problem+json') &&
            s.response.headers.get('retry-after') !== null)
        ),
    );
    expect(
      unexpected.map((s) => ({ phase: s.phase, status: s.response.status, body: s.response.body })),
    ).toEqual([]);
    const badQueries = queries.filter(
      (q) =>
        !(
          q.status === 200 ||
          // The worker may not have projected the task yet.
          q.status === 404 ||
          (q.status === 503 && q.retryAfter !== null && q.contentType.startsWith('application/problem+json'))
        ),
    );
    expect(badQueries).toEqual([]);
    expect(answers.some((a) => a.status === 503)).toBe(true);
    expect(sent.filter((s) => s.phase === 'after' && s.response.status === 200).length).toBeGreaterThan(0);

    // What was refused during the outage with a key is sent again with that key: it is recorded once.
    const retried = sent.filter((s) => s.response.status === 503 && s.key);
    for (const s of retried) {
      let again = await api.request(
        'POST',
        `/tasks/${s.taskId}/progress`,
        s.token,
        { text: s.text },
        {
          'idempotency-key': s.key!,
        },
      );
      while (again.status === 409 && again.body?.code === 'concurrency-conflict') {
        again = await api.request(
          'POST',
          `/tasks/${s.taskId}/progress`,
          s.token,
          { text: s.text },
          {
            'idempotency-key': s.key!,
          },
        );
      }
      expect(again.status).toBe(200);
    }

    // 0 lost, 0 duplicated: each event a 200 answered is stored once; no command's text twice.
    const stored = await pool.query<{ event_id: string; text: string }>(
      `select event_id::text, data->>'text' as text from ${SCHEMA}.events where type = 'ProgressReported'`,
    );
    const storedIds = stored.rows.map((r) => r.event_id);
    const answeredIds = sent
      .filter((s) => s.response.status === 200)
      .flatMap((s) => (s.response.body.events as { id: string }[]).map((e) => e.id));
    expect(answeredIds.filter((id) => !storedIds.includes(id))).toEqual([]);
    const texts = stored.rows.map((r) => r.text);
    expect(texts.filter((text, i) => texts.indexOf(text) !== i)).toEqual([]);
    for (const s of retried) expect(texts.filter((text) => text === s.text)).toHaveLength(1);

    // The worker's projections catch up with the whole log by themselves.
    const store = new PostgresEventStore(pool, { schema: SCHEMA });
    const head = (await store.logPositionOf(await store.headPosition())) ?? START_OF_LOG;
    const until = Date.now() + 60_000;
    for (;;) {
      const { rows } = await pool.query<{ tx: string; position: string }>(
        `select transaction_id::text as tx, global_position::text as position from ${SCHEMA}.projection_checkpoints`,
      );
      const behind = rows.filter(
        (r) =>
          compareLogPositions({ transactionId: BigInt(r.tx), globalPosition: BigInt(r.position) }, head) < 0,
      );
      if (rows.length > 0 && behind.length === 0) break;
      if (Date.now() > until)
        throw new Error(`projections still behind: ${JSON.stringify(behind)}\n${await server.log()}`);
      await delay(100);
    }
    const trail = await api.request('GET', `/tasks/${taskIds[0]!}/trail`, ISSUER);
    expect(trail.status).toBe(200);

    console.log(
      `database outage: ${sent.length} commands (${sent.filter((s) => s.phase === 'outage').length} during the ` +
        `${OUTAGE_MS / 1000} s outage), ${answers.filter((a) => a.status === 503).length} answered 503, ` +
        `${retried.length} retried with their key, ${stored.rows.length} progress events stored, ` +
        `${terminated} connections terminated before, 0 process exits`,
    );
  });
});
