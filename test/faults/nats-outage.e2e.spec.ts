import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Pool } from 'pg';
import { compareLogPositions, PostgresEventStore, START_OF_LOG, type LogPosition } from '#libs/event-store';
import { AgencyFanout, connectToNats, DEFAULT_STREAM_NAME, readFanout } from '#libs/fanout';
import { TestNatsServer } from '../../libs/fanout/test/support/nats-server.js';
import { requestApi } from '../support/api-harness.js';
import { issueTestPlan } from '../support/plans.js';
import { connectTestPostgres, dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres.js';
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
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const ASSIGNEES = [
  { agencyCode: 'lc-so-ldtbxh', role: 'lead' },
  { agencyCode: 'lc-so-y-te', role: 'support' },
] as const;
const TASKS = 3;
/** How long NATS stays down: 30 s, as long as a broker restart or failover takes (env NATS_OUTAGE_SECONDS). */
const OUTAGE_MS = Number(process.env.NATS_OUTAGE_SECONDS ?? 30) * 1_000;

/**
 * NATS killed (SIGKILL) while an API process and a worker process serve commands: commands go on
 * being answered, both processes stay up, and once NATS is back every event reaches JetStream once
 * for each agency it concerns.
 */
describe('when NATS is killed while commands flow', () => {
  const { DATABASE_URL: _url, NATS_URL: _nats, PORT: _port, ...baseEnv } = process.env;
  const schema = uniqueSchema('nats_fault');
  let pool: Pool;
  let nats: TestNatsServer;
  let nc: NatsConnection | undefined;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    pool = await connectTestPostgres(2);
    nats = await TestNatsServer.start();
  });

  afterAll(async () => {
    await stopProcesses(processes);
    await nc?.close().catch(() => undefined);
    await nats?.dispose();
    if (pool) {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });

  it(
    'keeps answering and both processes alive, then publishes every event once per agency',
    async () => {
      const env = {
        ...baseEnv,
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: schema,
        DEMO_TOKENS: 'true',
        SEED_PLANS: 'false',
        NATS_URL: nats.url,
        LOG_LEVEL: 'warn',
      };
      const port = await freePort();
      const apiProcess = startAppProcess(API, { ...env, PORT: String(port) });
      processes.push(apiProcess);
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, apiProcess);
      const worker = startAppProcess(WORKER, env);
      processes.push(worker);
      const api = {
        request: (method: string, path: string, token: string, body?: unknown, headers = {}) =>
          requestApi(url, method, path, token, body, headers),
      };

      const planId = await issueTestPlan(api);
      const taskIds = Array.from({ length: TASKS }, () => randomUUID());
      for (const taskId of taskIds) {
        const assigned = await api.request(
          'POST',
          '/tasks',
          ISSUER,
          assignmentBody(planId, taskId, ASSIGNEES),
        );
        expect(assigned.status).toBe(201);
      }

      let n = 0;
      const statuses: number[] = [];
      const report = async () => {
        n += 1;
        const agency = ASSIGNEES[n % ASSIGNEES.length]!.agencyCode;
        const response = await api.request(
          'POST',
          `/tasks/${taskIds[n % TASKS]!}/progress`,
          `demo.officer.${agency}`,
          { text: `Báo cáo ${n}` },
          n % 2 === 0 ? { 'idempotency-key': randomUUID() } : {},
        );
        statuses.push(response.status);
      };

      for (let i = 0; i < 10; i += 1) await report();
      await nats.kill();
      const outageEnds = Date.now() + OUTAGE_MS;
      while (Date.now() < outageEnds) {
        await report();
        await delay(100);
      }
      await nats.restart();
      for (let i = 0; i < 10; i += 1) await report();

      // Commands never depended on NATS.
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect({ api: apiProcess.child.exitCode, worker: worker.child.exitCode }).toEqual({
        api: null,
        worker: null,
      });

      // The publisher catches up with the whole log by itself.
      const store = new PostgresEventStore(pool, { schema });
      const head = (await store.logPositionOf(await store.headPosition())) ?? START_OF_LOG;
      await publisherReaches(pool, schema, head);

      // JetStream holds each event's message exactly once for each agency it concerns.
      const expected: string[] = [];
      for await (const batch of readFanout(store, new AgencyFanout({ store }), { from: 0n })) {
        expected.push(...batch.messages.map((message) => message.envelope.id));
      }
      nc = await connectToNats({ servers: [nats.url] });
      const js = jetstream(nc);
      const info = await (await js.streams.get(DEFAULT_STREAM_NAME)).info();
      const consumer = await js.consumers.get(DEFAULT_STREAM_NAME, { filter_subjects: 'coord.agency.>' });
      const received: string[] = [];
      const messages = await consumer.fetch({ max_messages: info.state.messages, expires: 10_000 });
      for await (const message of messages) {
        received.push(message.headers?.get('Nats-Msg-Id') ?? `(no Nats-Msg-Id) ${message.subject}`);
        if (received.length === info.state.messages) break;
      }
      expect(received.length).toBe(info.state.messages);
      expect(received.sort()).toEqual(expected.sort());
      expect(new Set(expected).size).toBe(expected.length);
      expect(apiProcess.child.exitCode).toBeNull();
      expect(worker.child.exitCode).toBeNull();
      console.log(
        `NATS outage: ${statuses.length} commands answered 200 across a ${OUTAGE_MS / 1000} s outage; ` +
          `${received.length} messages in JetStream, one per event and agency; 0 process exits`,
      );
    },
    OUTAGE_MS + 120_000,
  );
});

/** Waits (bounded) until the NATS publisher's checkpoint has reached `head`. */
async function publisherReaches(pool: Pool, schema: string, head: LogPosition): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    const { rows } = await pool.query<{ tx: string; position: string }>(
      `select transaction_id::text as tx, global_position::text as position
         from ${schema}.subscriptions where subscription_id = 'nats-publisher'`,
    );
    const row = rows[0];
    if (
      row &&
      compareLogPositions({ transactionId: BigInt(row.tx), globalPosition: BigInt(row.position) }, head) >= 0
    )
      return;
    if (Date.now() > until)
      throw new Error(`the publisher is still behind ${head.globalPosition}: ${JSON.stringify(row)}`);
    await delay(100);
  }
}
