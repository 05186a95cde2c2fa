/**
 * Deadline timers benchmark: `npm run bench:timers`.
 *
 * 100,000 tasks (BENCH_TIMERS) of one plan fall due at the same instant. They are assigned with
 * real TaskAssigned events and projected by the ProjectionRunner into deadline timers (assigned
 * an hour before their deadline, so only the lapse of each is due at that instant). Then two
 * worker processes (bench/support/timer-worker.ts: the worker's DeadlineFirer, on a pool of its
 * own, the clock at the deadline) fire them, from the moment both are loaded; one is killed with SIGKILL when about a third has
 * been fired, the other finishes. Printed: timers/s from the start of the workers to the last
 * timer fired, and the check: every timer fired, one event each (0 lost, 0 duplicated).
 *
 * Runs in a fresh schema `bench_timers_<random>` at BENCH_DATABASE_URL, dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ExpectedVersion, PostgresEventStore, type NewEvent } from '#libs/event-store';
import { openProjectionDataSource, ProjectionRunner, allProjections } from '#libs/projections';
import { deadlineInstant } from '#libs/tasks';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TIMERS = Number(process.env.BENCH_TIMERS ?? 100_000);
const DUE_DATE = '2025-11-30';
const DEADLINE = deadlineInstant(DUE_DATE);
const WORKER = fileURLToPath(new URL('./support/timer-worker.js', import.meta.url));

async function main(): Promise<void> {
  const schema = `bench_timers_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  const store = new PostgresEventStore(pool, { schema });
  await store.migrate();
  const dataSource = await openProjectionDataSource({ pool, schema });
  const workers: ChildProcess[] = [];
  try {
    let started = performance.now();
    const assignedAt = new Date(Date.parse(DEADLINE) - 60 * 60 * 1000).toISOString();
    const appends: { streamId: string; events: NewEvent[]; expected: ExpectedVersion }[] = [];
    for (let i = 0; i < TIMERS; i++) {
      const taskId = `bench-${i}`;
      appends.push({
        streamId: `task-${taskId}`,
        expected: ExpectedVersion.noStream,
        events: [
          {
            id: randomUUID(),
            type: 'TaskAssigned',
            data: {
              taskId,
              planId: 'plan-bench',
              title: `Nhiệm vụ ${i}`,
              duty: 'Báo cáo kết quả thực hiện',
              sourceClause: { section: 'IV', start: 0, end: 10 },
              dueDate: DUE_DATE,
              assignees: [{ agencyCode: `agency-${i % 50}`, role: 'lead' }],
              issuerAgencyCode: 'lc-ubnd-tinh',
              kind: 'duty',
              reportYear: null,
              byAgency: 'lc-ubnd-tinh',
            },
            metadata: { actor: { personId: 'bench', agencyCode: 'lc-ubnd-tinh' }, occurredAt: assignedAt },
          },
        ],
      });
    }
    for (let i = 0; i < appends.length; i += 1000)
      await store.appendAllWith(pool, appends.slice(i, i + 1000));
    const appended = performance.now();
    await new ProjectionRunner({ dataSource, store, projections: allProjections, batchSize: 2000 }).catchUp();
    const { rows: waiting } = await pool.query<{ n: string }>(
      `select count(*) as n from ${schema}.deadline_timers where fired_at is null and fire_at <= $1`,
      [DEADLINE],
    );
    console.log(
      `setup: ${TIMERS} tasks assigned in ${((appended - started) / 1000).toFixed(1)} s, projected in ` +
        `${((performance.now() - appended) / 1000).toFixed(1)} s: ${waiting[0]!.n} timers due at ${DEADLINE}`,
    );

    const fired = [0, 0];
    const ready: Promise<void>[] = [];
    for (const index of [0, 1]) {
      const child = spawn(process.execPath, [WORKER, DATABASE_URL, schema, DEADLINE], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      ready.push(
        new Promise((resolve, reject) => {
          child.stdout.once('data', () => resolve());
          child.once('exit', (code) => reject(new Error(`worker ${index + 1} exited with ${code}`)));
        }),
      );
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const last = /fired (\d+)\s*$/.exec(chunk);
        if (last) fired[index] = Number(last[1]);
      });
      workers.push(child);
    }
    await Promise.all(ready);
    started = performance.now();
    for (const worker of workers) worker.stdin!.write('go\n');
    let killedAt: number | null = null;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { rows } = await pool.query<{ n: string }>(
        `select count(*) as n from ${schema}.deadline_timers where fired_at is null and fire_at <= $1`,
        [DEADLINE],
      );
      const left = Number(rows[0]!.n);
      if (killedAt === null && left <= (TIMERS * 2) / 3) {
        workers[0]!.kill('SIGKILL');
        killedAt = TIMERS - left;
      }
      if (left === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const { rows: check } = await pool.query<{ events: string; timers: string; repeated: string }>(
      `select count(*) as events, count(distinct metadata->>'correlationId') as timers,
              (select count(*) from (select 1 from ${schema}.events where stream_id like 'deadlines-%'
                 group by metadata->>'correlationId' having count(*) > 1) r) as repeated
         from ${schema}.events where stream_id like 'deadlines-%'`,
    );
    const events = Number(check[0]!.events);
    const distinct = Number(check[0]!.timers);
    console.log(
      `fired: ${TIMERS} timers in ${seconds.toFixed(2)} s by 2 worker processes = ` +
        `${Math.round(TIMERS / seconds)} timers/s (worker 1 SIGKILLed after ${killedAt} fired in all; ` +
        `worker 1 reported ${fired[0]}, worker 2 ${fired[1]})`,
    );
    console.log(
      `check: ${events} DeadlineLapsed events for ${TIMERS} timers: ${TIMERS - distinct} lost, ` +
        `${Number(check[0]!.repeated)} timers recorded twice, ${events - distinct} duplicate events`,
    );
    workers[1]!.kill('SIGTERM');
  } finally {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await dataSource.destroy().catch(() => undefined);
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
