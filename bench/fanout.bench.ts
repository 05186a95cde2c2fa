/**
 * Agency fan-out benchmark: `npm run bench:fanout`.
 *
 * Against PostgreSQL (BENCH_DATABASE_URL) and NATS JetStream (BENCH_NATS_URL) it measures
 *   1. events/s published to JetStream: a backlog of task events (each to 3-4 agencies) is appended,
 *      then a JetStreamPublisher with a fresh checkpoint publishes it (DurableSubscription.catchUp,
 *      every PubAck awaited, checkpoint stored per batch);
 *   2. append-to-consumer latency: events appended live at a steady rate while the publisher runs
 *      as the worker runs it (polling the log every 50 ms, batches of 1,000); a durable agency
 *      consumer (explicit acks) of the issuer, which every task event concerns, receives them.
 *      Latency = arrival at the consumer - return of the append, per event (p50, p99, max).
 * Every run uses a fresh schema `bench_<random>` and its own stream `BENCH_FANOUT_<random>` on
 * subjects `bench.<random>.agency.>`, both deleted at the end (also on Ctrl-C), so a shared
 * server's COORD_AGENCY stream is never touched.
 *
 * Environment (all optional): BENCH_DATABASE_URL, BENCH_NATS_URL (nats://127.0.0.1:4222),
 * BENCH_BACKLOG_TASKS (5000: x 4 events), BENCH_LIVE_RATE (events/s, 1000), BENCH_LIVE_SECONDS (20),
 * BENCH_POOL_SIZE (8), BENCH_PUBLISH_BATCH (1000), BENCH_POLL_MS (50).
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import {
  DurableSubscription,
  ExpectedVersion,
  PostgresCheckpointStore,
  PostgresEventStore,
  type NewEvent,
} from '#libs/event-store';
import { ensureAgencyConsumer, ensureStream, JetStreamPublisher, parseCloudEvent } from '#libs/fanout';
import {
  decide,
  evolve,
  initialState,
  taskStreamId,
  type Actor,
  type TaskCommand,
  type TaskState,
} from '#libs/tasks';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const BACKLOG_TASKS = intFromEnv('BENCH_BACKLOG_TASKS', 5_000);
const LIVE_RATE = intFromEnv('BENCH_LIVE_RATE', 1_000);
const LIVE_SECONDS = intFromEnv('BENCH_LIVE_SECONDS', 20);
const POOL_SIZE = intFromEnv('BENCH_POOL_SIZE', 8);
const PUBLISH_BATCH = intFromEnv('BENCH_PUBLISH_BATCH', 1_000);
const POLL_MS = intFromEnv('BENCH_POLL_MS', 50);
const WRITERS = 16;

const TARGETS = { eventsPerSecond: 5_000, p99Ms: 250 };

const ISSUER = 'lc-ubnd-tinh';
const AGENCIES = [
  'lc-so-ldtbxh',
  'lc-so-gddt',
  'lc-so-y-te',
  'lc-cong-an-tinh',
  'lc-so-tu-phap',
  'lc-so-vhttdl',
  'lc-mttq',
  'lc-tinh-doan',
] as const;

const issuer: Actor = { personId: 'bench-issuer', agencyCode: ISSUER, roles: ['issuer'] };

/** A task's events as a command handler would decide them: assigned to 3 agencies, then each acknowledges. */
function taskEvents(i: number, acknowledgements: number): { streamId: string; events: NewEvent[] } {
  const taskId = randomUUID();
  const now = new Date().toISOString();
  const pick = (k: number) => AGENCIES[(i + k) % AGENCIES.length]!;
  const assignees = [
    { agencyCode: pick(0), role: 'lead' as const },
    { agencyCode: pick(1), role: 'support' as const },
    { agencyCode: pick(2), role: 'requested' as const },
  ];
  const commands: TaskCommand[] = [
    {
      type: 'AssignTask',
      data: {
        taskId,
        planId: 'plan-lai-chau-ct28-2024',
        title: `Tuyên truyền, phổ biến pháp luật về quyền trẻ em (${i})`,
        duty: 'Chủ trì, phối hợp tổ chức tuyên truyền về quyền trẻ em và phòng, chống xâm hại trẻ em trên địa bàn tỉnh.',
        sourceClause: { section: 'V.1', start: 1200, end: 1480 },
        dueDate: '2025-11-30',
        assignees,
        issuerAgencyCode: ISSUER,
        kind: 'duty',
      },
      metadata: { actor: issuer, now },
    },
    ...assignees.slice(0, acknowledgements).map((assignee): TaskCommand => ({
      type: 'AcknowledgeTask',
      data: { taskId, agencyCode: assignee.agencyCode },
      metadata: {
        actor: {
          personId: `bench-${assignee.agencyCode}`,
          agencyCode: assignee.agencyCode,
          roles: ['officer'],
        },
        now,
      },
    })),
  ];
  let state: TaskState = initialState();
  const events: NewEvent[] = [];
  for (const command of commands) {
    for (const event of decide(command, state)) {
      state = evolve(state, event);
      events.push({
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: {
          actor: { personId: command.metadata.actor.personId, agencyCode: command.metadata.actor.agencyCode },
          occurredAt: now,
          correlationId: taskId,
        },
      });
    }
  }
  return { streamId: taskStreamId(taskId), events };
}

async function appendBacklog(store: PostgresEventStore): Promise<number> {
  let next = 0;
  let events = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < BACKLOG_TASKS; i = next++) {
        const task = taskEvents(i, 3);
        await store.append(task.streamId, task.events, ExpectedVersion.noStream);
        events += task.events.length;
      }
    }),
  );
  return events;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const run = randomUUID().replace(/-/g, '').slice(0, 10);
  const schema = `bench_${run}`;
  const streamName = `BENCH_FANOUT_${run}`;
  const subjectPrefix = `bench.${run}.agency`;
  const stream = { name: streamName, subjectPrefix, duplicateWindowMs: 120_000 };
  const loadBefore = loadavg();
  log(
    `fan-out benchmark: PostgreSQL ${redact(DATABASE_URL)}, NATS ${NATS_URL}; backlog ${BACKLOG_TASKS} tasks x 4 events; ` +
      `live ${LIVE_RATE} events/s for ${LIVE_SECONDS} s; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`,
  );

  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    max: POOL_SIZE,
    application_name: 'bench-fanout',
  });
  pool.on('error', () => undefined);
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  const cleanup = async () => {
    await jsm?.streams.delete(streamName).catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await pool.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await pool.end().catch(() => undefined);
  };
  process.once('SIGINT', () => {
    void cleanup().finally(() => process.exit(130));
  });

  try {
    await pool.query('select 1').catch((error: unknown) => {
      throw new Error(`PostgreSQL is not reachable at ${redact(DATABASE_URL)}: ${String(error)}`);
    });
    nc = await connect({ servers: NATS_URL, name: 'bench-fanout', timeout: 5_000 }).catch(
      (error: unknown) => {
        throw new Error(`NATS is not reachable at ${NATS_URL}: ${String(error)}`);
      },
    );
    jsm = await jetstreamManager(nc);
    await ensureStream(jsm, stream);

    const store = new PostgresEventStore(pool, { schema });
    await store.migrate();
    const checkpoints = new PostgresCheckpointStore(pool, schema);

    // 1. Throughput: publish a backlog.
    const appendStarted = performance.now();
    const backlogEvents = await appendBacklog(store);
    log(
      `appended ${fmt(backlogEvents)} events in ${((performance.now() - appendStarted) / 1000).toFixed(1)} s`,
    );
    const throughputPublisher = new JetStreamPublisher({
      nc,
      store,
      checkpoints,
      subscriptionId: 'bench-throughput',
      stream,
      ensureStream: false,
    });
    const catchUp = new DurableSubscription(store, throughputPublisher, {
      name: 'bench-throughput',
      batchSize: PUBLISH_BATCH,
    });
    const publishStarted = performance.now();
    await catchUp.catchUp();
    const publishSeconds = (performance.now() - publishStarted) / 1000;
    const published = throughputPublisher.stats;
    throughputPublisher.close();
    const eventsPerSecond = published.events / publishSeconds;
    log(
      `published ${fmt(published.events)} events as ${fmt(published.messages)} messages in ${publishSeconds.toFixed(2)} s ` +
        `(${fmt(published.stored)} stored, ${fmt(published.duplicates)} duplicates)`,
    );

    // 2. Latency: live appends, the publisher as the worker runs it, a durable consumer of the issuer.
    const consumerName = `agency-${ISSUER}`;
    await ensureAgencyConsumer(jsm, ISSUER, { streamName, subjectPrefix, start: { kind: 'new' } });
    const consumer = await jetstream(nc).consumers.get(streamName, consumerName);
    const appendedAt = new Map<string, number>();
    const arrivedFirst = new Map<string, number>(); // before its append's promise settled
    const latencies: number[] = [];
    const messages = await consumer.consume({ max_messages: 1_000 });
    const receiving = (async () => {
      for await (const msg of messages) {
        const arrived = performance.now();
        const envelope = parseCloudEvent(msg.data);
        const sent = appendedAt.get(envelope.coordeventid);
        if (sent !== undefined) {
          latencies.push(arrived - sent);
          appendedAt.delete(envelope.coordeventid);
        } else arrivedFirst.set(envelope.coordeventid, arrived);
        msg.ack();
      }
    })();
    const livePublisher = new JetStreamPublisher({
      nc,
      store,
      checkpoints,
      subscriptionId: 'bench-live',
      stream,
      ensureStream: false,
    });
    // Start the live publisher at the end of the backlog.
    await checkpoints.save('bench-live', catchUp.checkpoint);
    const live = new DurableSubscription(store, livePublisher, {
      name: 'bench-live',
      batchSize: PUBLISH_BATCH,
      pollIntervalMs: POLL_MS,
    });
    await live.start();

    const total = LIVE_RATE * LIVE_SECONDS;
    const started = performance.now();
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * LIVE_RATE));
      while (sent < due && inFlight.size < 64) {
        const task = taskEvents(sent, 0);
        const id = task.events[0]!.id;
        const append = store.append(task.streamId, task.events, ExpectedVersion.noStream).then(() => {
          if (arrivedFirst.delete(id)) latencies.push(0);
          else appendedAt.set(id, performance.now());
        });
        const tracked = append.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        sent += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(inFlight);
    const liveSeconds = (performance.now() - started) / 1000;
    const deadline = Date.now() + 30_000;
    while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await live.stop();
    livePublisher.close();
    messages.stop();
    await receiving.catch(() => undefined);

    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const loadAfter = loadavg();
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log('');
    console.log(
      table([
        ['measure', 'result', 'target', ''],
        [
          'published to JetStream',
          `${fmt(eventsPerSecond)} events/s (${fmt(published.messages / publishSeconds)} messages/s)`,
          `>= ${fmt(TARGETS.eventsPerSecond)} events/s`,
          verdict(eventsPerSecond >= TARGETS.eventsPerSecond),
        ],
        ['append-to-consumer p50', `${p50.toFixed(0)} ms`, '', ''],
        [
          'append-to-consumer p99',
          `${p99.toFixed(0)} ms`,
          `<= ${TARGETS.p99Ms} ms`,
          verdict(p99 <= TARGETS.p99Ms),
        ],
        ['append-to-consumer max', `${(sorted[sorted.length - 1] ?? Number.NaN).toFixed(0)} ms`, '', ''],
        [
          'live events received',
          `${fmt(latencies.length)} of ${fmt(total)} (${(total / liveSeconds).toFixed(0)} appended/s)`,
          'all',
          verdict(latencies.length === total),
        ],
      ]),
    );
    console.log(
      `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} ` +
        `(${availableParallelism()} CPUs; other jobs on the host lower these figures)`,
    );
    if (latencies.length < total) process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

function intFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive whole number`);
  return parsed;
}

main().catch((error: unknown) => {
  console.error(
    `bench:fanout failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
