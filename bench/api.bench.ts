/**
 * npm run bench:api — command latency and projection lag of the HTTP API on PostgreSQL.
 *
 * Starts the API and the worker as separate processes on a fresh schema, then:
 *  1. 32 concurrent clients send commands (progress reports on their own task): 10 s of warm-up,
 *     not measured (just started, the processes are still compiling their code), then a fixed
 *     time measured: command latency p50/p99 and commands/s;
 *  2. during the measured time, a probe assigns a new task every 100 ms and measures
 *     append-to-visible lag p50/p99 in two ways at once: through the HTTP query of the agency's
 *     outstanding tasks, asked once with the command's position as minPosition (the API answers
 *     when the projections have reached it; the task must be listed), and by polling the
 *     outstanding_tasks table directly every 2 ms (what the projections alone take).
 *     The load starts once the worker has projected the setup tasks, so its start-up is not
 *     counted either;
 *  3. where the CPU went: this load generator, the API, the worker, the PostgreSQL server, the host.
 * Every response's status is checked. The clients use node:http with keep-alive connections (one
 * per client): fetch costs several times more CPU per request, and this process shares the cores.
 * Targets (issue): command p99 <= 50 ms at 32 clients, lag p99 <= 200 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
/** Load before the measured window: the API's and the worker's code is still being compiled. */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10) * 1000;
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const AGENCIES = [
  'lc-so-ldtbxh',
  'lc-so-y-te',
  'lc-so-gddt',
  'lc-so-tu-phap',
  'lc-so-vhttdl',
  'lc-so-tai-chinh',
];

const schema = `bench_api_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function start(script: string, name: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), script],
    {
      env: {
        ...process.env,
        DATABASE_URL,
        DATABASE_SCHEMA: schema,
        DEMO_TOKENS: 'true',
        PORT: String(PORT),
        LOG_LEVEL: 'warn',
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
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 4 });

function request(
  method: 'GET' | 'POST',
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function post(path: string, token: string, body: unknown): Promise<{ status: number; body: any }> {
  return request('POST', path, token, body);
}

// --- CPU accounting, from /proc (Linux) ----------------------------------------------------------

const CORES = availableParallelism();
/** Linux reports process CPU times in USER_HZ ticks, 100 per second on every common platform. */
const TICK_MS = 10;

function hostTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

function processTicks(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return Number.NaN;
  }
}

interface CpuSample {
  readonly at: number;
  readonly self: NodeJS.CpuUsage;
  readonly api: number;
  readonly worker: number;
  /** The server processes working for this run: its backends and the background processes. */
  readonly server: Map<number, number>;
  readonly host: { busy: number; total: number } | undefined;
}

async function sampleCpu(pool: pg.Pool, api: ChildProcess, worker: ChildProcess): Promise<CpuSample> {
  const { rows } = await pool.query<{ pid: number }>(
    `select pid from pg_stat_activity
     where (datname = current_database() and application_name in ('coord-api', 'coord-worker', 'bench-api'))
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
    api: processTicks(api.pid),
    worker: processTicks(worker.pid),
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
    api: ((after.api - before.api) * TICK_MS) / ms,
    worker: ((after.worker - before.worker) * TICK_MS) / ms,
    'postgresql (this run)': (serverTicks * TICK_MS) / ms,
    [`host (all processes, of ${CORES})`]: host,
  };
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/**
 * Issues the Lai Châu seed plan through the intake (import, then confirm every drafted task), as
 * an issuer would; the benchmark's tasks are added to it. Returns the plan id.
 */
async function issueSeedPlan(): Promise<string> {
  const document = readFileSync('libs/plan-intake/seed-plans/laichau-2024-ct28-kh.txt');
  const imported = await post('/plans/import', ISSUER, {
    fileName: 'laichau-2024-ct28-kh.txt',
    contentBase64: document.toString('base64'),
  });
  if (imported.status !== 201) throw new Error(`importing the plan failed: ${JSON.stringify(imported.body)}`);
  const confirmed = await post(`/plans/drafts/${imported.body.draftId as string}/confirm`, ISSUER, {});
  if (confirmed.status >= 300) throw new Error(`issuing the plan failed: ${JSON.stringify(confirmed.body)}`);
  return imported.body.planId as string;
}

function assignBody(planId: string, taskId: string, agency: string) {
  return {
    taskId,
    planId,
    title: 'Báo cáo kết quả thực hiện Kế hoạch năm 2025',
    duty: 'Định kỳ hằng năm tổng hợp kết quả thực hiện Kế hoạch, báo cáo Ủy ban nhân dân tỉnh trước ngày 01/12.',
    sourceClause: { section: 'VI', start: 14210, end: 14420 },
    dueDate: '2026-11-30',
    assignees: [{ agencyCode: agency, role: 'lead' }],
  };
}

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await request('GET', '/health', undefined)).status === 200) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error('the API did not become healthy');
}

async function main(): Promise<void> {
  process.stdout.write(
    `bench:api on ${DATABASE_URL} schema ${schema}: ${CLIENTS} clients, ${WARMUP_MS / 1000} s warm-up then ${DURATION_MS / 1000} s measured; load average ${loadAverage()}\n`,
  );
  const api = start('dist/apps/api/src/main.js', 'api');
  await waitForHealth();
  const worker = start('dist/apps/worker/src/main.js', 'worker');
  // The lag probe's direct look at the projection table, and the CPU accounting.
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, application_name: 'bench-api' });
  try {
    process.stdout.write('issuing the Lai Châu seed plan, then setting up one task per client...\n');
    const planId = await issueSeedPlan();
    const tasks = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const taskId = randomUUID();
        const agency = AGENCIES[i % AGENCIES.length]!;
        const result = await post('/tasks', ISSUER, assignBody(planId, taskId, agency));
        if (result.status !== 201) throw new Error(`setup failed: ${JSON.stringify(result.body)}`);
        return { taskId, agency };
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
      `the worker projected the setup ${(performance.now() - setupStarted).toFixed(0)} ms after it was written\n`,
    );

    process.stdout.write(`warming up for ${WARMUP_MS / 1000} s (not measured), then measuring...\n`);
    const latencies: number[] = [];
    const lags: number[] = [];
    const directLags: number[] = [];
    let failures = 0;
    let failedQueries = 0;
    const measureFrom = Date.now() + WARMUP_MS;
    const deadline = measureFrom + DURATION_MS;

    const clients = tasks.map(async ({ taskId, agency }) => {
      let n = 0;
      while (Date.now() < deadline) {
        const measured = Date.now() >= measureFrom;
        const t0 = performance.now();
        const result = await post(`/tasks/${taskId}/progress`, `demo.officer.${agency}`, {
          text: `Tiến độ lần ${++n}: đã tổ chức tuyên truyền tại các trường học`,
          indicatorValues: [{ indicator: 'Số trường học', value: n }],
        });
        if (measured) latencies.push(performance.now() - t0);
        if (result.status !== 200) failures++;
      }
    });
    await delay(Math.max(0, measureFrom - Date.now()));
    const cpuBefore = await sampleCpu(pool, api, worker);

    const agency = 'lc-so-noi-vu';
    /**
     * Asks the agency's outstanding tasks through the API once, with the command's position as
     * minPosition: the API answers when the projections have reached it (read-your-writes), and
     * the task must then be listed.
     */
    const visibleOverHttp = async (
      taskId: string,
      position: string,
      t0: number,
    ): Promise<number | undefined> => {
      const response = await request(
        'GET',
        `/agencies/${agency}/outstanding?limit=500&sort=-dueDate&minPosition=${position}`,
        `demo.officer.${agency}`,
      );
      const items = (response.body as { items?: { taskId: string }[] }).items ?? [];
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
          name: 'bench-outstanding-probe',
          text: `select 1 from ${schema}.outstanding_tasks where agency_code = $1 and task_id = $2`,
          values: [agency, taskId],
        });
        if (rowCount) return performance.now() - t0;
        if (performance.now() - t0 > 10_000) throw new Error('a task never reached outstanding_tasks');
        await delay(2);
      }
    };

    const probe = (async () => {
      while (Date.now() < deadline) {
        const taskId = randomUUID();
        const assigned = await post('/tasks', ISSUER, assignBody(planId, taskId, agency));
        if (assigned.status !== 201) {
          failures++;
          continue;
        }
        const t0 = performance.now();
        const [overHttp, inTable] = await Promise.all([
          visibleOverHttp(taskId, String((assigned.body as { position: string }).position), t0),
          visibleInTable(taskId, t0),
        ]);
        if (overHttp !== undefined) lags.push(overHttp);
        directLags.push(inTable);
        await delay(100);
      }
    })();

    await Promise.all([...clients, probe]);
    const seconds = (Date.now() - measureFrom) / 1000;
    const cpu = cpuBetween(cpuBefore, await sampleCpu(pool, api, worker));
    const loadAfter = loadAverage();

    latencies.sort((a, b) => a - b);
    lags.sort((a, b) => a - b);
    directLags.sort((a, b) => a - b);
    const rows = [
      ['commands', String(latencies.length)],
      ['commands/s', (latencies.length / seconds).toFixed(0)],
      ['failed commands', String(failures)],
      ['command latency p50 (ms)', percentile(latencies, 50).toFixed(1)],
      ['command latency p99 (ms)  [target <= 50]', percentile(latencies, 99).toFixed(1)],
      ['lag samples', String(lags.length)],
      ['projection lag p50 (ms)', percentile(lags, 50).toFixed(1)],
      ['projection lag p99 (ms)   [target <= 200]', percentile(lags, 99).toFixed(1)],
      ['  in the table directly, p50 (ms)', percentile(directLags, 50).toFixed(1)],
      ['  in the table directly, p99 (ms)', percentile(directLags, 99).toFixed(1)],
      ['failed lag-probe queries', String(failedQueries)],
    ];
    process.stdout.write('\nresult (PostgreSQL, API and worker as separate processes)\n');
    for (const [name, value] of rows) process.stdout.write(`  ${name!.padEnd(44)} ${value}\n`);
    process.stdout.write(`\nCPU during the load, in cores busy (load average after: ${loadAfter})\n`);
    for (const [name, value] of Object.entries(cpu)) {
      process.stdout.write(`  ${name.padEnd(44)} ${Number.isNaN(value) ? 'n/a' : value.toFixed(2)}\n`);
    }
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    agent.destroy();
    await delay(1000);
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:api failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
