/**
 * npm run bench:api — command latency and projection lag of the HTTP API on PostgreSQL, with
 * 1 API + 1 worker, then 2 APIs + 2 workers (BENCH_FLEETS), each on a fresh schema, printed side
 * by side.
 *
 * For each fleet it starts the APIs and the workers as separate processes, then:
 *  1. 32 concurrent clients send commands (progress reports on their own task), spread evenly over
 *     the APIs: 10 s of warm-up,
 *     not measured (just started, the processes are still compiling their code), then a fixed
 *     time measured: command latency p50/p99 and commands/s;
 *  2. during the measured time, a probe assigns a new task every 100 ms and measures
 *     append-to-visible lag p50/p99 in two ways at once: through the HTTP query of the agency's
 *     outstanding tasks (on another API than the command's when there are several), asked once
 *     with the command's position as minPosition (the API answers
 *     when the projections have reached it; the task must be listed), and by polling the
 *     outstanding_tasks table directly every 2 ms (what the projections alone take).
 *     The load starts once the worker has projected the setup tasks, so its start-up is not
 *     counted either;
 *  3. where the CPU went: this load generator, the APIs, the workers, the PostgreSQL server, the host.
 * Then (BENCH_PGBENCH seconds, default 5; 0: not run) pgbench runs single-row INSERT transactions
 * from as many clients on the same server: the 1+1 commands/s are printed as a ratio of it.
 * Every response's status is checked. The clients use node:http with keep-alive connections (one
 * per client): fetch costs several times more CPU per request, and this process shares the cores.
 * Targets (issue): command p99 <= 50 ms at 32 clients, lag p99 <= 200 ms; with 2 APIs + 2 workers
 * (issue #13): 0 5xx, commands/s at least 0.9x the 1+1 figure of the same run, p99 <= 25 ms, lag
 * p99 <= 100 ms. Issue #21, 1+1 on a quiet host: commands/s >= 0.35x pgbench's single-row INSERT
 * transactions/s of the same run, p99 <= 10 ms, lag p99 <= 50 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import {
  assignBody,
  hostTicks,
  httpLoad,
  ISSUER,
  issueSeedPlan,
  loadAverage,
  percentile,
  processTicks,
  TICK_MS,
  verdict,
  waitForHealth,
} from './support/http-load.js';
import { pgbenchInserts } from './support/pgbench.js';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
/** Load before the measured window: the API's and the worker's code is still being compiled. */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10) * 1000;
/** The first API's port; the others take the next ones. */
const PORT = Number(process.env.BENCH_PORT ?? 3917);
/** Seconds of pgbench single-row INSERTs after the fleets (the server's ceiling); 0: not run. */
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH ?? 5);
/** Fleets measured one after the other: APIs+workers. */
const FLEETS = (process.env.BENCH_FLEETS ?? '1+1,2+2').split(',').map((fleet) => {
  const match = /^(\d+)\+(\d+)$/.exec(fleet.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new Error(`BENCH_FLEETS: "${fleet}" is not APIs+workers, e.g. 2+2`);
  }
  return { apis: Number(match[1]), workers: Number(match[2]) };
});
const AGENCIES = [
  'lc-so-ldtbxh',
  'lc-so-y-te',
  'lc-so-gddt',
  'lc-so-tu-phap',
  'lc-so-vhttdl',
  'lc-so-tai-chinh',
];

const newSchema = () => `bench_api_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

function start(script: string, name: string, schema: string, port: number): ChildProcess {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), script],
    {
      env: {
        ...process.env,
        DATABASE_URL,
        DATABASE_SCHEMA: schema,
        DEMO_TOKENS: 'true',
        PORT: String(port),
        // Two workers on one host: their operations listeners would both take 9464.
        METRICS_PORT: '0',
        LOG_LEVEL: 'warn',
        // The benchmark measures throughput: a few people at full speed from one address.
        RATE_LIMIT_PER_PRINCIPAL: '1000000',
        RATE_LIMIT_PER_IP: '1000000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  child.on('exit', (code) => {
    if (code !== null && code !== 0) process.stderr.write(`${name} exited with ${code}\n`);
  });
  return child;
}

/** One keep-alive connection per client (and a few for the probe), reused for every request. */
const load = httpLoad(CLIENTS + 4);
const { request, post } = load;

const CORES = availableParallelism();

interface CpuSample {
  readonly at: number;
  readonly self: NodeJS.CpuUsage;
  readonly apis: number;
  readonly workers: number;
  /** The server processes working for this run: its backends and the background processes. */
  readonly server: Map<number, number>;
  readonly host: { busy: number; total: number } | undefined;
}

async function sampleCpu(
  pool: pg.Pool,
  apis: readonly ChildProcess[],
  workers: readonly ChildProcess[],
): Promise<CpuSample> {
  const { rows } = await pool.query<{ pid: number }>(
    `select pid from pg_stat_activity
     where (datname = current_database()
            and application_name in ('coord-api', 'coord-worker', 'coord-leases', 'bench-api'))
        or backend_type <> 'client backend'`,
  );
  const server = new Map<number, number>();
  for (const { pid } of rows) {
    const ticks = processTicks(pid);
    if (!Number.isNaN(ticks)) server.set(pid, ticks);
  }
  return {
    at: performance.now(),
    self: process.cpuUsage(),
    apis: apis.reduce((sum, child) => sum + processTicks(child.pid), 0),
    workers: workers.reduce((sum, child) => sum + processTicks(child.pid), 0),
    server,
    host: hostTicks(),
  };
}

/** Cores busy between two samples (1 = one core the whole time). */
function cpuBetween(before: CpuSample, after: CpuSample): Record<string, number> {
  const ms = after.at - before.at;
  let serverTicks = 0;
  for (const [pid, ticks] of after.server) serverTicks += ticks - (before.server.get(pid) ?? 0);
  const host =
    before.host && after.host && after.host.total > before.host.total
      ? ((after.host.busy - before.host.busy) / (after.host.total - before.host.total)) * CORES
      : Number.NaN;
  return {
    'load generator (this process)':
      (after.self.user - before.self.user + after.self.system - before.self.system) / 1000 / ms,
    'api processes': ((after.apis - before.apis) * TICK_MS) / ms,
    'worker processes': ((after.workers - before.workers) * TICK_MS) / ms,
    'postgresql (this run)': (serverTicks * TICK_MS) / ms,
    [`host (all processes, of ${CORES})`]: host,
  };
}

interface Fleet {
  readonly apis: number;
  readonly workers: number;
}

interface FleetFigures {
  readonly commands: number;
  readonly commandsPerSecond: number;
  readonly serverErrors: number;
  readonly failures: number;
  readonly p50: number;
  readonly p99: number;
  readonly lagSamples: number;
  readonly lagP50: number;
  readonly lagP99: number;
  readonly directLagP50: number;
  readonly directLagP99: number;
  readonly failedQueries: number;
  readonly cpu: Record<string, number>;
  /** CPU time per command, ms, of each process group (the same names as cpu). */
  readonly cpuMsPerCommand: Record<string, number>;
  readonly loadAfter: string;
}

const label = (fleet: Fleet) => `${fleet.apis}+${fleet.workers}`;

/** Starts a fleet on a fresh schema, loads it, measures it, stops it and drops the schema. */
async function measure(fleet: Fleet, pool: pg.Pool): Promise<FleetFigures> {
  const schema = newSchema();
  const ports = Array.from({ length: fleet.apis }, (_, i) => PORT + i);
  process.stdout.write(
    `\n== ${label(fleet)}: ${fleet.apis} API + ${fleet.workers} worker processes, schema ${schema}\n`,
  );
  const apis: ChildProcess[] = [];
  const workers: ChildProcess[] = [];
  try {
    // The first API migrates the schema; the others start on it.
    apis.push(start('dist/apps/api/src/main.js', 'api 1', schema, ports[0]!));
    await waitForHealth(load, ports[0]!);
    for (const [i, port] of ports.slice(1).entries()) {
      apis.push(start('dist/apps/api/src/main.js', `api ${i + 2}`, schema, port));
    }
    for (const port of ports.slice(1)) await waitForHealth(load, port);
    // One worker takes the leases; the others stand by.
    for (let i = 0; i < fleet.workers; i++) {
      workers.push(start('dist/apps/worker/src/main.js', `worker ${i + 1}`, schema, PORT));
    }
    const portOf = (i: number) => ports[i % ports.length]!;

    process.stdout.write('issuing the Lai Châu seed plan, then setting up one task per client...\n');
    const planId = await issueSeedPlan(load, portOf(0));
    const tasks = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const taskId = randomUUID();
        const agency = AGENCIES[i % AGENCIES.length]!;
        const result = await post(portOf(i), '/tasks', ISSUER, assignBody(planId, taskId, agency));
        if (result.status !== 201) throw new Error(`setup failed: ${JSON.stringify(result.body)}`);
        return { taskId, agency, port: portOf(i) };
      }),
    );

    // Lag is measured on a running worker: wait until it has started and projected the setup,
    // so that its start-up (loading, migrations, catching up) is not counted as lag.
    const setupStarted = performance.now();
    for (;;) {
      const { rows } = await pool
        .query<{ visible: number }>(
          `select count(*)::int as visible from ${schema}.outstanding_tasks where task_id = any($1::text[])`,
          [tasks.map((task) => task.taskId)],
        )
        .catch(() => ({ rows: [{ visible: 0 }] })); // the worker may not have created the table yet
      if (rows[0]!.visible === tasks.length) break;
      if (performance.now() - setupStarted > 60_000) throw new Error('the worker did not project the setup');
      await delay(20);
    }
    process.stdout.write(
      `the workers projected the setup ${(performance.now() - setupStarted).toFixed(0)} ms after it was written\n`,
    );

    process.stdout.write(`warming up for ${WARMUP_MS / 1000} s (not measured), then measuring...\n`);
    const latencies: number[] = [];
    const lags: number[] = [];
    const directLags: number[] = [];
    let failures = 0;
    let serverErrors = 0;
    let failedQueries = 0;
    const measureFrom = Date.now() + WARMUP_MS;
    const deadline = measureFrom + DURATION_MS;
    const count = (status: number, expected: number, measured: boolean) => {
      if (status === expected) return;
      if (measured) failures++;
      if (measured && status >= 500) serverErrors++;
    };

    const clients = tasks.map(async ({ taskId, agency, port }) => {
      let n = 0;
      while (Date.now() < deadline) {
        const measured = Date.now() >= measureFrom;
        const t0 = performance.now();
        const result = await post(port, `/tasks/${taskId}/progress`, `demo.officer.${agency}`, {
          // Text only: indicator values must name the plan's own indicators (a made-up one is 422).
          text: `Tiến độ lần ${++n}: đã tổ chức tuyên truyền tại các trường học`,
        });
        if (measured) latencies.push(performance.now() - t0);
        count(result.status, 200, measured);
      }
    });
    await delay(Math.max(0, measureFrom - Date.now()));
    const cpuBefore = await sampleCpu(pool, apis, workers);

    const agency = 'lc-so-noi-vu';
    /**
     * Asks the agency's outstanding tasks through an API once, with the command's position as
     * minPosition: the API answers when the projections have reached it (read-your-writes), and
     * the task must then be listed.
     */
    const visibleOverHttp = async (
      port: number,
      taskId: string,
      position: string,
      t0: number,
    ): Promise<number | undefined> => {
      const response = await request(
        port,
        'GET',
        `/agencies/${agency}/outstanding?limit=500&sort=-dueDate&minPosition=${position}`,
        `demo.officer.${agency}`,
      );
      const items = (response.body as { items?: { taskId: string }[] }).items ?? [];
      if (response.status >= 500) serverErrors++;
      if (response.status !== 200 || !items.some((item) => item.taskId === taskId)) {
        failedQueries++;
        process.stderr.write(
          `outstanding tasks at minPosition ${position}: ${response.status}, task not listed\n`,
        );
        return undefined;
      }
      return performance.now() - t0;
    };
    /** Polls the projection table itself, at the same pace. */
    const visibleInTable = async (taskId: string, t0: number): Promise<number> => {
      for (;;) {
        const { rowCount } = await pool.query({
          name: `bench-outstanding-probe-${schema}`,
          text: `select 1 from ${schema}.outstanding_tasks where agency_code = $1 and task_id = $2`,
          values: [agency, taskId],
        });
        if (rowCount) return performance.now() - t0;
        if (performance.now() - t0 > 10_000) throw new Error('a task never reached outstanding_tasks');
        await delay(2);
      }
    };

    const probe = (async () => {
      // The command goes to one API and the read to the next: read-your-writes across the fleet.
      for (let k = 0; Date.now() < deadline; k++) {
        const taskId = randomUUID();
        const assigned = await post(portOf(k), '/tasks', ISSUER, assignBody(planId, taskId, agency));
        if (assigned.status !== 201) {
          count(assigned.status, 201, true);
          continue;
        }
        const t0 = performance.now();
        const [overHttp, inTable] = await Promise.all([
          visibleOverHttp(
            portOf(k + 1),
            taskId,
            String((assigned.body as { position: string }).position),
            t0,
          ),
          visibleInTable(taskId, t0),
        ]);
        if (overHttp !== undefined) lags.push(overHttp);
        directLags.push(inTable);
        await delay(100);
      }
    })();

    await Promise.all([...clients, probe]);
    const seconds = (Date.now() - measureFrom) / 1000;
    const cpu = cpuBetween(cpuBefore, await sampleCpu(pool, apis, workers));
    latencies.sort((a, b) => a - b);
    lags.sort((a, b) => a - b);
    directLags.sort((a, b) => a - b);
    return {
      commands: latencies.length,
      commandsPerSecond: latencies.length / seconds,
      serverErrors,
      failures,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      lagSamples: lags.length,
      lagP50: percentile(lags, 50),
      lagP99: percentile(lags, 99),
      directLagP50: percentile(directLags, 50),
      directLagP99: percentile(directLags, 99),
      failedQueries,
      cpu,
      cpuMsPerCommand: Object.fromEntries(
        Object.entries(cpu).map(([name, cores]) => [name, (cores * seconds * 1000) / latencies.length]),
      ),
      loadAfter: loadAverage().split(' ')[0]!,
    };
  } finally {
    const children = [...apis, ...workers];
    const exited = children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        }),
    );
    for (const child of children) child.kill('SIGTERM');
    await Promise.race([Promise.all(exited), delay(10_000)]);
    await pool.query(`drop schema if exists ${schema} cascade`);
  }
}

async function main(): Promise<void> {
  process.stdout.write(
    `bench:api on ${DATABASE_URL}: fleets ${FLEETS.map(label).join(', ')} (APIs+workers), ${CLIENTS} clients, ${WARMUP_MS / 1000} s warm-up then ${DURATION_MS / 1000} s measured each; load average ${loadAverage()}\n`,
  );
  // The lag probe's direct look at the projection table, and the CPU accounting.
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, application_name: 'bench-api' });
  const results: { fleet: Fleet; figures: FleetFigures }[] = [];
  let pgbenchTps: number | undefined;
  // Why pgbench did not run (not installed, say): printed after the fleets' figures, not lost with them.
  let pgbenchNotRun: string | undefined;
  try {
    for (const fleet of FLEETS) results.push({ fleet, figures: await measure(fleet, pool) });
    if (PGBENCH_SECONDS > 0) {
      const schema = newSchema();
      process.stdout.write(
        `\npgbench: ${CLIENTS} clients, single-row INSERT transactions for ${PGBENCH_SECONDS} s (schema ${schema}) ...\n`,
      );
      try {
        await pool.query(`create schema ${schema}`);
        pgbenchTps = await pgbenchInserts(pool, DATABASE_URL, schema, CLIENTS, PGBENCH_SECONDS);
      } catch (error) {
        pgbenchNotRun = error instanceof Error ? error.message : String(error);
      } finally {
        await pool.query(`drop schema if exists ${schema} cascade`);
      }
    }
  } finally {
    load.close();
    await pool.end();
  }

  const format = (value: number, digits = 1) => (Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
  const rows: [string, (f: FleetFigures) => string][] = [
    ['commands', (f) => String(f.commands)],
    ['commands/s', (f) => format(f.commandsPerSecond, 0)],
    ['5xx answers', (f) => String(f.serverErrors)],
    ['failed commands (any status not expected)', (f) => String(f.failures)],
    ['command latency p50 (ms)', (f) => format(f.p50)],
    ['command latency p99 (ms)  [target <= 50]', (f) => format(f.p99)],
    ['lag samples', (f) => String(f.lagSamples)],
    ['projection lag p50 (ms)', (f) => format(f.lagP50)],
    ['projection lag p99 (ms)   [target <= 200]', (f) => format(f.lagP99)],
    ['  in the table directly, p50 (ms)', (f) => format(f.directLagP50)],
    ['  in the table directly, p99 (ms)', (f) => format(f.directLagP99)],
    ['failed lag-probe queries', (f) => String(f.failedQueries)],
  ];
  const cpuNames = Object.keys(results[0]?.figures.cpu ?? {});
  const column = (text: string) => text.padStart(12);
  process.stdout.write('\nresult (PostgreSQL; APIs+workers as separate processes)\n');
  process.stdout.write(`  ${''.padEnd(44)}${results.map((r) => column(label(r.fleet))).join('')}\n`);
  for (const [name, value] of rows) {
    process.stdout.write(`  ${name.padEnd(44)}${results.map((r) => column(value(r.figures))).join('')}\n`);
  }
  process.stdout.write('\nCPU during the load, in cores busy\n');
  for (const name of cpuNames) {
    process.stdout.write(
      `  ${name.padEnd(44)}${results.map((r) => column(format(r.figures.cpu[name] ?? Number.NaN, 2))).join('')}\n`,
    );
  }
  process.stdout.write('\nCPU per command (ms)\n');
  for (const name of cpuNames) {
    process.stdout.write(
      `  ${name.padEnd(44)}${results.map((r) => column(format(r.figures.cpuMsPerCommand[name] ?? Number.NaN, 3))).join('')}\n`,
    );
  }
  process.stdout.write(
    `  ${'load average (1 min) after'.padEnd(44)}${results.map((r) => column(r.figures.loadAfter)).join('')}\n`,
  );
  if (pgbenchNotRun !== undefined) process.stdout.write(`\npgbench: not run: ${pgbenchNotRun}\n`);

  const single = results.find((r) => r.fleet.apis === 1 && r.fleet.workers === 1)?.figures;
  // Issue #21: one API and one worker against the server's own ceiling for small writes.
  if (single) {
    process.stdout.write('\n1+1 targets (issue #21, on a quiet host)\n');
    const lines: [string, string, boolean | undefined][] = [
      [
        'pgbench single-row INSERT tx/s (same run)',
        pgbenchTps === undefined ? 'not run' : format(pgbenchTps, 0),
        undefined,
      ],
    ];
    if (pgbenchTps !== undefined) {
      const ratio = single.commandsPerSecond / pgbenchTps;
      lines.push(['commands/s >= 0.35 x pgbench', `${format(ratio, 2)} x`, ratio >= 0.35]);
    }
    lines.push(
      ['command latency p99 <= 10 ms', format(single.p99), single.p99 <= 10],
      ['projection lag p99 <= 50 ms', format(single.lagP99), single.lagP99 <= 50],
    );
    for (const [name, value, met] of lines) {
      process.stdout.write(
        `  ${name.padEnd(44)}${column(value)}${met === undefined ? '' : `  ${verdict(met)}`}\n`,
      );
    }
  }

  // Issue #13: the fleet against the single pair measured in the same run.
  const pair = results.find((r) => r.fleet.apis === 2 && r.fleet.workers === 2)?.figures;
  if (single && pair) {
    const ratio = pair.commandsPerSecond / single.commandsPerSecond;
    process.stdout.write('\n2+2 targets (issue #13)\n');
    const lines: [string, string, boolean][] = [
      ['5xx answers = 0', String(pair.serverErrors), pair.serverErrors === 0],
      ['commands/s >= 0.9 x 1+1', `${format(ratio, 2)} x`, ratio >= 0.9],
      ['command latency p99 <= 25 ms', format(pair.p99), pair.p99 <= 25],
      ['projection lag p99 <= 100 ms', format(pair.lagP99), pair.lagP99 <= 100],
    ];
    for (const [name, value, met] of lines) {
      process.stdout.write(`  ${name.padEnd(44)}${column(value)}  ${verdict(met)}\n`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:api failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
