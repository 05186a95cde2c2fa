/**
 * Webhook delivery benchmark: `npm run bench:webhooks`.
 *
 * 100 endpoints (BENCH_WEBHOOK_ENDPOINTS), one per agency, each a plain HTTP server in a process
 * of its own (bench/support/webhook-receivers.ts) answering 204. Tasks are assigned to 10 of
 * those agencies each (a lead and nine supporting) and acknowledged by their lead: 11 deliveries
 * per task (10 for the assignment, 1 for the acknowledgement, which must follow it). The
 * service's own pieces do the work: the event store on PostgreSQL, the WebhookDispatcher as a
 * durable subscription (as the worker hosts it) and the WebhookSender.
 *
 * 1. Throughput: BENCH_WEBHOOK_TASKS tasks (default 2,000: 22,000 deliveries) appended as fast as
 *    the store takes them; deliveries/s from the first append to the last delivery received.
 * 2. Latency: a steady BENCH_WEBHOOK_RATE deliveries/s (default 2,000) for BENCH_WEBHOOK_SECONDS
 *    (default 15 s); p50/p99/max from the moment an append returned (committed) to the moment the
 *    receiver had the delivery.
 *
 * Checked: every delivery arrived, once, and each task's acknowledgement after its assignment at
 * the lead's endpoint. Targets: >= 2,000 deliveries/s, p99 <= 500 ms. Runs in a fresh schema
 * `bench_webhooks_<random>` at BENCH_DATABASE_URL, dropped at the end.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  DurableSubscription,
  ExpectedVersion,
  PostgresCheckpointStore,
  PostgresEventStore,
  type NewEvent,
} from '#libs/event-store';
import { WebhookDispatcher, WebhookSender, WebhookStore } from '#libs/platform';
import { newSecret } from '#libs/webhooks';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ENDPOINTS = Number(process.env.BENCH_WEBHOOK_ENDPOINTS ?? 100);
const TASKS = Number(process.env.BENCH_WEBHOOK_TASKS ?? 2_000);
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 2_000);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 15);
const FAN = Math.min(10, ENDPOINTS);
const PER_TASK = FAN + 1;
const ISSUER = 'lc-ubnd-tinh';
const RECEIVERS = fileURLToPath(new URL('./support/webhook-receivers.js', import.meta.url));

const agency = (index: number) => `bench-agency-${String(index % ENDPOINTS).padStart(3, '0')}`;

interface Arrival {
  readonly endpoint: number;
  readonly at: number;
}

async function main(): Promise<void> {
  const schema = `bench_webhooks_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  const store = new PostgresEventStore(pool, { schema });
  await store.migrate();
  const webhooks = new WebhookStore(pool, schema);
  await webhooks.migrate();
  const checkpoints = new PostgresCheckpointStore(pool, schema);
  const receivers = fork(RECEIVERS, [String(ENDPOINTS)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  /** webhook-id -> arrivals. */
  const arrivals = new Map<string, Arrival[]>();
  let received = 0;
  const ports = await new Promise<number[]>((resolve) => {
    receivers.on('message', (message: { ports?: number[]; receipts?: [string, number, number][] }) => {
      if (message.ports) resolve(message.ports);
      for (const [id, endpoint, at] of message.receipts ?? []) {
        received += 1;
        const list = arrivals.get(id) ?? [];
        list.push({ endpoint, at });
        arrivals.set(id, list);
      }
    });
  });
  const load = [loadavg()];
  console.log(`load average before: ${load[0]!.map((n) => n.toFixed(2)).join(' ')}`);

  const sender = new WebhookSender({ webhooks });
  const dispatcher = new WebhookDispatcher({
    webhooks,
    events: store,
    checkpoints,
    onQueued: () => sender.wake(),
  });
  // As the worker hosts it (libs/platform SubscriptionHost).
  const subscription = new DurableSubscription(store, dispatcher, {
    name: 'webhook-dispatcher',
    batchSize: 500,
    pollIntervalMs: 50,
    busyPollIntervalMs: 5,
  });
  try {
    for (let index = 0; index < ENDPOINTS; index++) {
      await webhooks.createEndpoint({
        id: randomUUID(),
        agencyCode: agency(index),
        url: `http://127.0.0.1:${ports[index]}/hooks`,
        eventTypes: ['*'],
        description: null,
        createdBy: 'bench',
        secretId: randomUUID(),
        secret: newSecret(),
        now: new Date(),
        fromPosition: await store.headPosition(),
      });
    }
    await subscription.start();
    sender.start();

    /** Event id -> when its append returned. */
    const appendedAt = new Map<string, number>();
    /** Assignment and acknowledgement ids of each task, with the lead's endpoint. */
    const tasks: { assigned: string; acknowledged: string; lead: number }[] = [];
    let taskNumber = 0;
    const runTask = async (): Promise<void> => {
      const number = taskNumber++;
      const taskId = randomUUID();
      const streamId = `task-${taskId}`;
      const assigned = taskEvent(taskId, number);
      const first = await store.append(streamId, [assigned], ExpectedVersion.noStream);
      appendedAt.set(assigned.id, Date.now());
      subscription.wake();
      const acknowledged = acknowledgement(taskId, number);
      await store.append(streamId, [acknowledged], ExpectedVersion.exact(first.nextVersion));
      appendedAt.set(acknowledged.id, Date.now());
      subscription.wake();
      tasks.push({ assigned: assigned.id, acknowledged: acknowledged.id, lead: number % ENDPOINTS });
    };
    const waitForAll = async (expected: number, timeoutMs: number) => {
      const until = Date.now() + timeoutMs;
      while (received < expected && Date.now() < until) await delay(10);
    };

    // Warm-up: 200 tasks (connections opened, code compiled), not counted.
    for (let i = 0; i < 200; i += 50) await Promise.all(Array.from({ length: 50 }, runTask));
    await waitForAll(200 * PER_TASK, 60_000);
    const warmUp = received;
    tasks.length = 0;

    // 1. Throughput.
    const started = Date.now();
    for (let i = 0; i < TASKS; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, TASKS - i) }, runTask));
    }
    const appendedIn = Date.now() - started;
    await waitForAll(warmUp + TASKS * PER_TASK, 120_000);
    const lastArrival = Math.max(...[...arrivals.values()].flat().map((a) => a.at));
    const throughput = ((received - warmUp) / (lastArrival - started)) * 1000;
    console.log(
      `throughput: ${received - warmUp} deliveries of ${TASKS * PER_TASK} (${TASKS} tasks appended in ${(appendedIn / 1000).toFixed(1)} s) ` +
        `in ${((lastArrival - started) / 1000).toFixed(1)} s: ${throughput.toFixed(0)} deliveries/s to ${ENDPOINTS} endpoints`,
    );
    load.push(loadavg());

    // 2. Latency at a steady rate.
    const before = received;
    const firstSteady = taskNumber;
    const tasksPerTick = (RATE / PER_TASK) * 0.05;
    const steadyStart = Date.now();
    let owed = 0;
    const inFlight: Promise<void>[] = [];
    while (Date.now() - steadyStart < SECONDS * 1000) {
      owed += tasksPerTick;
      for (; owed >= 1; owed -= 1) inFlight.push(runTask());
      await delay(50);
    }
    await Promise.all(inFlight);
    const steadyTasks = taskNumber - firstSteady;
    const steadyFrom = tasks.length - steadyTasks;
    await waitForAll(before + steadyTasks * PER_TASK, 60_000);
    const latencies: number[] = [];
    for (const task of tasks.slice(steadyFrom)) {
      for (const id of [task.assigned, task.acknowledged]) {
        for (const [webhookId, list] of arrivals) {
          if (!webhookId.startsWith(id)) continue;
          for (const arrival of list) latencies.push(arrival.at - appendedAt.get(id)!);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    console.log(
      `latency at ${RATE} deliveries/s for ${SECONDS} s: ${latencies.length} deliveries of ${steadyTasks * PER_TASK}, ` +
        `append -> delivery p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)} ms`,
    );
    load.push(loadavg());

    // Every delivery once; at the lead's endpoint, the acknowledgement after the assignment.
    const duplicates = [...arrivals.values()].filter((list) => list.length > 1).length;
    let outOfOrder = 0;
    let missing = 0;
    for (const task of tasks) {
      const lead = agency(task.lead);
      const assigned = arrivals.get(`${task.assigned}:${lead}`)?.[0];
      const acknowledged = arrivals.get(`${task.acknowledged}:${lead}`)?.[0];
      if (!assigned || !acknowledged) missing += 1;
      else if (acknowledged.at < assigned.at) outOfOrder += 1;
    }
    console.log(
      `check: ${received - warmUp} received, ${tasks.length * PER_TASK} expected, ${duplicates} duplicated, ` +
        `${missing} tasks incomplete at their lead, ${outOfOrder} out of order`,
    );
    console.log(
      `load average after each phase: ${load
        .slice(1)
        .map((l) => l.map((n) => n.toFixed(2)).join(' '))
        .join(' | ')}`,
    );
    console.log(`targets: >= 2000 deliveries/s, p99 <= 500 ms`);
  } finally {
    await subscription.stop();
    await sender.stop();
    receivers.disconnect();
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  }
}

function taskEvent(taskId: string, number: number): NewEvent {
  const assignees = Array.from({ length: FAN }, (_, k) => ({
    agencyCode: agency(number + k),
    role: k === 0 ? 'lead' : 'support',
  }));
  return {
    id: randomUUID(),
    type: 'TaskAssigned',
    data: {
      taskId,
      planId: 'plan-bench',
      title: `Rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt ${number}`,
      duty: 'Chủ trì rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt trên địa bàn',
      sourceClause: { section: 'V.2', start: 0, end: 10 },
      dueDate: '2030-06-30',
      assignees,
      issuerAgencyCode: ISSUER,
      kind: 'duty',
      reportYear: null,
      byAgency: ISSUER,
    },
    metadata: { actor: { personId: 'bench', agencyCode: ISSUER }, occurredAt: new Date().toISOString() },
  };
}

function acknowledgement(taskId: string, number: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'TaskAcknowledged',
    data: { taskId, planId: 'plan-bench', agencyCode: agency(number), role: 'lead' },
    metadata: {
      actor: { personId: 'bench', agencyCode: agency(number) },
      occurredAt: new Date().toISOString(),
    },
  };
}

await main();
