import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Pool } from 'pg';
import { compareLogPositions, PostgresEventStore, START_OF_LOG, type LogPosition } from '#libs/event-store';
import { AgencyFanout, connectToNats, DEFAULT_STREAM_NAME, readFanout } from '#libs/fanout';
import { allProjections, openProjectionDataSource, ProjectionRunner } from '#libs/projections';
import { TestNatsServer } from '../../../libs/fanout/test/support/nats-server.js';
import { PROJECTION_TABLES } from '../../../libs/projections/test/support/world.js';
import { requestApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { issueTestPlan } from '../../../test/support/plans.js';
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
import { assignmentBody } from '../../../test/support/task-bodies.js';

const API = 'dist/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/src/main.js';
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
/** Every task's assignees; each of them may report progress. */
const ASSIGNEES = [
  { agencyCode: 'lc-so-ldtbxh', role: 'lead' },
  { agencyCode: 'lc-so-y-te', role: 'support' },
  { agencyCode: 'lc-so-gddt', role: 'support' },
] as const;
const TASKS = 5;
const COMMANDS = 200;
/** The worker holding the leases is killed once this many commands have been answered. */
const KILL_AFTER = 50;
/** How long a standing-by worker may take to run a killed one's consumers (issue #13). */
const TAKEOVER_MS = 5_000;
const CONSUMERS = ['projections', 'nats-publisher', 'ledger'];

interface Api extends Pick<ApiHarness, 'request'> {
  readonly url: string;
  readonly process: AppProcess;
}

const isLease = (lease: string, message: string) => (entry: Record<string, any>) =>
  entry.context === 'Leases' &&
  entry.lease === lease &&
  typeof entry.msg === 'string' &&
  entry.msg === message;

/**
 * The core as a fleet, as deployed: two API processes and two worker processes on one
 * PostgreSQL schema and one NATS server. Concurrent commands on a few tasks through both APIs,
 * while the worker running the projections and the publisher is killed with SIGKILL.
 */
describe('two APIs and two workers on one database', () => {
  const { DATABASE_URL: _url, NATS_URL: _nats, PORT: _port, ...baseEnv } = process.env;
  const schema = uniqueSchema('fleet');
  let pool: Pool;
  let nats: TestNatsServer;
  let nc: NatsConnection | undefined;
  const processes: AppProcess[] = [];
  const rebuiltSchema = uniqueSchema('fleet_rebuilt');

  const env = (extra: Record<string, string> = {}) => ({
    ...baseEnv,
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    DEMO_TOKENS: 'true',
    SEED_PLANS: 'false',
    NATS_URL: nats.url,
    LOG_LEVEL: 'info',
    ...extra,
  });

  async function startApiProcess(): Promise<Api> {
    const port = await freePort();
    const child = startAppProcess(API, env({ PORT: String(port) }));
    processes.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child);
    return {
      url,
      process: child,
      request: (method, path, token, body, headers = {}) =>
        requestApi(url, method, path, token, body, headers),
    };
  }

  function startWorker(): AppProcess {
    const worker = startAppProcess(WORKER, env());
    processes.push(worker);
    return worker;
  }

  /** Every row of the projection tables of `inSchema`, in a stable order. */
  async function snapshot(inSchema: string): Promise<Record<string, unknown[]>> {
    const tables: Record<string, unknown[]> = {};
    for (const table of PROJECTION_TABLES) {
      const { rows } = await pool.query<{ row: unknown }>(
        `select to_jsonb(t) as row from ${inSchema}.${table} t order by to_jsonb(t)::text`,
      );
      tables[table] = rows.map((r) => r.row);
    }
    return tables;
  }

  /** Waits (bounded) until every projection checkpoint and the publisher's have reached `head`. */
  async function consumersReach(head: LogPosition): Promise<void> {
    const until = Date.now() + 60_000;
    for (;;) {
      const { rows } = await pool.query<{ name: string; tx: string; position: string }>(
        `select projection_name as name, transaction_id::text as tx, global_position::text as position
           from ${schema}.projection_checkpoints
         union all
         select subscription_id, transaction_id::text, global_position::text
           from ${schema}.subscriptions where subscription_id = 'nats-publisher'`,
      );
      const behind = rows.filter(
        (row) =>
          compareLogPositions({ transactionId: BigInt(row.tx), globalPosition: BigInt(row.position) }, head) <
          0,
      );
      if (rows.some((row) => row.name === 'nats-publisher') && behind.length === 0) return;
      if (Date.now() > until)
        throw new Error(`still behind ${head.globalPosition}: ${JSON.stringify(behind)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
    nats = await TestNatsServer.start();
  });

  afterAll(async () => {
    await stopProcesses(processes);
    await nc?.drain().catch(() => undefined);
    await nats?.dispose();
    if (pool) {
      await dropSchema(pool, schema);
      await dropSchema(pool, rebuiltSchema);
      await pool.end();
    }
  });

  it('answers no 5xx, stores each answered event once, projects as a rebuild does and publishes each message once', async () => {
    const [first, second] = [await startApiProcess(), await startApiProcess()];
    const apis = [first, second];

    // The first worker runs both consumers; the second stands by.
    const holder = startWorker();
    for (const consumer of CONSUMERS) {
      expect(await holder.logged(isLease(consumer, `lease ${consumer} acquired`), 1, 30_000)).toHaveLength(1);
    }
    const standby = startWorker();
    for (const consumer of CONSUMERS) {
      expect(
        await standby.logged(
          isLease(consumer, `lease ${consumer} is held by another process; standing by`),
          1,
          30_000,
        ),
      ).toHaveLength(1);
    }

    const planId = await issueTestPlan(first);
    const taskIds = Array.from({ length: TASKS }, () => randomUUID());
    for (const [i, taskId] of taskIds.entries()) {
      const assigned = await apis[i % 2]!.request(
        'POST',
        '/tasks',
        ISSUER,
        assignmentBody(planId, taskId, ASSIGNEES),
      );
      expect(assigned.status).toBe(201);
    }

    // 200 progress reports at once on the 5 tasks, by their three assignees, through both APIs;
    // the worker holding the leases is killed while they are being answered.
    let answered = 0;
    let killedAt: number | undefined;
    const results = await Promise.all(
      Array.from({ length: COMMANDS }, async (_, i) => {
        const agency = ASSIGNEES[i % ASSIGNEES.length]!.agencyCode;
        const response = await apis[i % 2]!.request(
          'POST',
          `/tasks/${taskIds[i % TASKS]!}/progress`,
          `demo.officer.${agency}`,
          {
            text: `Báo cáo tiến độ lần ${i + 1}`,
          },
        );
        answered += 1;
        if (answered === KILL_AFTER) {
          holder.child.kill('SIGKILL');
          killedAt = Date.now();
        }
        return { i, status: response.status, body: response.body };
      }),
    );
    expect(killedAt).toBeDefined();
    expect(await holder.exited).toBeNull();

    // No 5xx: each command succeeded or, when its task kept changing under it, was refused with 409.
    const refusedOtherwise = results.filter(
      (r) => !(r.status === 200 || (r.status === 409 && r.body?.code === 'concurrency-conflict')),
    );
    expect(refusedOtherwise).toEqual([]);
    const succeeded = results.filter((r) => r.status === 200);
    expect(succeeded.length).toBeGreaterThan(0);

    // The standby took the killed worker's consumers over, and was running them within the bound.
    for (const consumer of CONSUMERS) {
      expect(await standby.logged(isLease(consumer, `lease ${consumer} acquired`), 1, 30_000)).toHaveLength(
        1,
      );
      const [started] = await standby.logged(
        (entry) => entry.context === 'SubscriptionHost' && entry.msg === `subscription ${consumer} started`,
        1,
        30_000,
      );
      expect(started).toBeDefined();
      expect((started!.time as number) - killedAt!).toBeLessThanOrEqual(TAKEOVER_MS);
    }

    // Every event a 2xx answered is in the log exactly once; nothing else was recorded on the tasks.
    const answeredIds = succeeded.flatMap((r) => (r.body.events as { id: string }[]).map((e) => e.id));
    expect(answeredIds).toHaveLength(succeeded.length);
    const stored = await pool.query<{ event_id: string }>(
      `select event_id from ${schema}.events where type = 'ProgressReported' and stream_id = any($1::text[])`,
      [taskIds.map((id) => `task-${id}`)],
    );
    expect(stored.rows.map((row) => row.event_id).sort()).toEqual([...answeredIds].sort());

    const store = new PostgresEventStore(pool, { schema });
    const headAt = await store.headPosition();
    const head = (await store.logPositionOf(headAt)) ?? START_OF_LOG;
    await consumersReach(head);

    // The projections equal what a rebuild from the log produces.
    const live = await snapshot(schema);
    const dataSource = await openProjectionDataSource({ pool, schema: rebuiltSchema });
    try {
      await new ProjectionRunner({ dataSource, store, projections: allProjections }).catchUp();
    } finally {
      await dataSource.destroy();
    }
    expect(live).toEqual(await snapshot(rebuiltSchema));

    // JetStream holds each event's message exactly once for each agency it concerns.
    const expected: string[] = [];
    for await (const batch of readFanout(store, new AgencyFanout({ store }), { from: 0n })) {
      expected.push(...batch.messages.map((message) => message.envelope.id));
    }
    nc = await connectToNats({ servers: [nats.url] });
    const js = jetstream(nc);
    const info = await (await js.streams.get(DEFAULT_STREAM_NAME)).info();
    const consumer = await js.consumers.get(DEFAULT_STREAM_NAME, {
      // A single string becomes filter_subject, which servers before 2.10 understand too.
      filter_subjects: 'coord.agency.>',
    });
    const received: string[] = [];
    const messages = await consumer.fetch({ max_messages: info.state.messages, expires: 10_000 });
    for await (const message of messages) {
      received.push(message.headers?.get('Nats-Msg-Id') ?? `(no Nats-Msg-Id) ${message.subject}`);
      if (received.length === info.state.messages) break;
    }
    expect(received.length).toBe(info.state.messages);
    expect(received.sort()).toEqual(expected.sort());
    expect(new Set(expected).size).toBe(expected.length);

    // The ledger's leaves are the log's events, each once, in log order, across the takeover.
    const inLogOrder = async () =>
      (
        await pool.query<{ event_id: string }>(
          `select event_id from ${schema}.events order by transaction_id, global_position`,
        )
      ).rows.map((row) => row.event_id);
    const inLeafOrder = async () =>
      (
        await pool.query<{ event_id: string }>(
          `select e.event_id from ${schema}.ledger_leaves l
           join ${schema}.events e on e.global_position = l.global_position order by l.leaf_index`,
        )
      ).rows.map((row) => row.event_id);
    const log = await inLogOrder();
    const deadline = Date.now() + 30_000;
    while ((await inLeafOrder()).length < log.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await inLeafOrder()).toEqual(log);
  });
});
