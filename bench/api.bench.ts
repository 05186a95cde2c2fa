/**
 * npm run bench:api — command latency and projection lag of the HTTP API on PostgreSQL.
 *
 * Starts the API and the worker as separate processes on a fresh schema, then:
 *  1. 32 concurrent clients send commands (progress reports on their own task) for a fixed time:
 *     command latency p50/p99 and commands/s;
 *  2. meanwhile, a probe assigns a new task every 100 ms and polls the agency's outstanding
 *     tasks until it appears: append-to-visible lag p50/p99.
 * Targets (issue): command p99 <= 50 ms at 32 clients, lag p99 <= 200 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
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
const base = `http://127.0.0.1:${PORT}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function start(script: string, name: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), script],
    {
      env: { ...process.env, DATABASE_URL, DATABASE_SCHEMA: schema, PORT: String(PORT), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  child.on('exit', (code) => {
    if (code !== null && code !== 0) process.stderr.write(`${name} exited with ${code}\n`);
  });
  return child;
}

async function post(path: string, token: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function assignBody(taskId: string, agency: string) {
  return {
    taskId,
    planId: '7d0c9a52-4c1b-4f6e-9a39-5a8d3f0e2b11',
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
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error('the API did not become healthy');
}

async function main(): Promise<void> {
  process.stdout.write(
    `bench:api on ${DATABASE_URL} schema ${schema}: ${CLIENTS} clients, ${DURATION_MS / 1000} s\n`,
  );
  const api = start('dist/apps/api/src/main.js', 'api');
  await waitForHealth();
  const worker = start('dist/apps/worker/src/main.js', 'worker');
  try {
    process.stdout.write('setting up one task per client...\n');
    const tasks = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const taskId = randomUUID();
        const agency = AGENCIES[i % AGENCIES.length]!;
        const result = await post('/tasks', ISSUER, assignBody(taskId, agency));
        if (result.status !== 201) throw new Error(`setup failed: ${JSON.stringify(result.body)}`);
        return { taskId, agency };
      }),
    );

    process.stdout.write('running the load and the lag probe...\n');
    const latencies: number[] = [];
    const lags: number[] = [];
    let failures = 0;
    const deadline = Date.now() + DURATION_MS;

    const clients = tasks.map(async ({ taskId, agency }) => {
      let n = 0;
      while (Date.now() < deadline) {
        const t0 = performance.now();
        const result = await post(`/tasks/${taskId}/progress`, `demo.officer.${agency}`, {
          text: `Tiến độ lần ${++n}: đã tổ chức tuyên truyền tại các trường học`,
          indicatorValues: [{ indicator: 'Số trường học', value: n }],
        });
        latencies.push(performance.now() - t0);
        if (result.status !== 200) failures++;
      }
    });

    const probe = (async () => {
      while (Date.now() < deadline) {
        const taskId = randomUUID();
        const agency = 'lc-so-noi-vu';
        const assigned = await post('/tasks', ISSUER, assignBody(taskId, agency));
        if (assigned.status !== 201) {
          failures++;
          continue;
        }
        const t0 = performance.now();
        for (;;) {
          const response = await fetch(`${base}/agencies/${agency}/outstanding?limit=500&sort=-dueDate`, {
            headers: { authorization: `Bearer demo.officer.${agency}` },
          });
          const page = (await response.json()) as { items: { taskId: string }[] };
          if (page.items.some((item) => item.taskId === taskId)) break;
          if (performance.now() - t0 > 10_000) throw new Error('a task never became visible');
          await delay(2);
        }
        lags.push(performance.now() - t0);
        await delay(100);
      }
    })();

    const started = Date.now();
    await Promise.all([...clients, probe]);
    const seconds = (Date.now() - started) / 1000;

    latencies.sort((a, b) => a - b);
    lags.sort((a, b) => a - b);
    const rows = [
      ['commands', String(latencies.length)],
      ['commands/s', (latencies.length / seconds).toFixed(0)],
      ['failed commands', String(failures)],
      ['command latency p50 (ms)', percentile(latencies, 50).toFixed(1)],
      ['command latency p99 (ms)  [target <= 50]', percentile(latencies, 99).toFixed(1)],
      ['lag samples', String(lags.length)],
      ['projection lag p50 (ms)', percentile(lags, 50).toFixed(1)],
      ['projection lag p99 (ms)   [target <= 200]', percentile(lags, 99).toFixed(1)],
    ];
    process.stdout.write('\nresult (PostgreSQL, API and worker as separate processes)\n');
    for (const [name, value] of rows) process.stdout.write(`  ${name!.padEnd(44)} ${value}\n`);
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    await delay(1000);
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    await pool.query(`drop schema if exists ${schema} cascade`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:api failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
