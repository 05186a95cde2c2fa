/**
 * npm run bench:embedded — what `npm start` serves: the API with its embedded database (PGlite,
 * one connection, in the same process) and the seed plans, driven over HTTP by 16 clients, each
 * reporting progress on its own task: commands/s, latency p50/p99 and the API's CPU per command.
 *
 * Each round starts a fresh API on a fresh data directory, issues the Lai Châu plan and assigns one
 * task per client, warms up (not measured: the process is still compiling its code), then measures
 * for a fixed time. Rounds (BENCH_ROUNDS, default 3) are printed one by one and as medians.
 * Target (issue #21): >= 2,000 commands/s at 16 clients with p99 <= 25 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
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
import type { StatementCounts } from './support/statement-count.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
/**
 * Tasks each client reports on, in turn. 1 (the default) is the issue's workload: every command
 * lands on one of 16 streams, which grow by hundreds of events a round.
 */
const TASKS_PER_CLIENT = Number(process.env.BENCH_TASKS_PER_CLIENT ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10) * 1000;
const PORT = Number(process.env.BENCH_PORT ?? 3937);
/** Count the API's statements (a preload that wraps pg's `Client.query`); `0` leaves it out. */
const COUNT_STATEMENTS = process.env.BENCH_STATEMENTS !== '0';
const AGENCIES = [
  'lc-so-ldtbxh',
  'lc-so-y-te',
  'lc-so-gddt',
  'lc-so-tu-phap',
  'lc-so-vhttdl',
  'lc-so-tai-chinh',
];

interface RoundFigures {
  readonly commands: number;
  readonly commandsPerSecond: number;
  readonly failures: number;
  readonly p50: number;
  readonly p99: number;
  /** Cores the API process kept busy, and its CPU time per command. */
  readonly apiCores: number;
  readonly apiCpuMsPerCommand: number;
  /** Of which the main thread (HTTP, commands, projections' code); the rest is other threads (the database's). */
  readonly mainThreadCpuMsPerCommand: number;
  readonly hostCores: number;
  readonly load: string;
  /** Statements the API sent to its database per HTTP request in the measured time (NaN: not counted). */
  readonly statementsPerCommand: number;
  /** The same by the statements' first words, the most frequent first. */
  readonly statementKinds: readonly [string, number][];
}

/** The API as `npm start` runs it: no DATABASE_URL, so the embedded database in DATA_DIR. */
function startEmbeddedApi(dataDir: string): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(PORT),
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    // The benchmark measures throughput: a few people at full speed from one address.
    RATE_LIMIT_PER_PRINCIPAL: '1000000',
    RATE_LIMIT_PER_IP: '1000000',
  };
  for (const name of ['DATABASE_URL', 'EVENT_STORE', 'KURRENTDB_URL', 'NATS_URL']) delete env[name];
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (COUNT_STATEMENTS) {
    nodeArgs.push('--import', fileURLToPath(new URL('./support/statement-count.js', import.meta.url)));
  }
  const child = spawn(process.execPath, [...nodeArgs, 'dist/apps/api/src/main.js'], {
    env,
    // The statement counter answers over the IPC channel.
    stdio: ['ignore', 'ignore', 'inherit', ...(COUNT_STATEMENTS ? (['ipc'] as const) : [])],
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) process.stderr.write(`the API exited with ${code}\n`);
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, delay(15_000)]);
}

async function round(): Promise<RoundFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coord-bench-embedded-'));
  const api = startEmbeddedApi(dataDir);
  const load = httpLoad(CLIENTS + 2);
  try {
    await waitForHealth(load, PORT, 120_000);
    const planId = await issueSeedPlan(load, PORT);
    const tasks = Array.from({ length: CLIENTS * TASKS_PER_CLIENT }, (_, i) => ({
      taskId: randomUUID(),
      agency: AGENCIES[i % AGENCIES.length]!,
    }));
    for (const { taskId, agency } of tasks) {
      const assigned = await load.post(PORT, '/tasks', ISSUER, assignBody(planId, taskId, agency));
      if (assigned.status !== 201)
        throw new Error(`assigning a task failed: ${JSON.stringify(assigned.body)}`);
    }

    const latencies: number[] = [];
    let failures = 0;
    const measureFrom = Date.now() + WARMUP_MS;
    const deadline = measureFrom + DURATION_MS;
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      let n = 0;
      while (Date.now() < deadline) {
        const { taskId, agency } = tasks[client + CLIENTS * (n % TASKS_PER_CLIENT)]!;
        const measured = Date.now() >= measureFrom;
        const t0 = performance.now();
        const result = await load.post(PORT, `/tasks/${taskId}/progress`, `demo.officer.${agency}`, {
          text: `Tiến độ lần ${++n}: đã tổ chức tuyên truyền tại các trường học`,
        });
        if (!measured) continue;
        latencies.push(performance.now() - t0);
        if (result.status !== 200) failures++;
      }
    });
    await delay(Math.max(0, measureFrom - Date.now()));
    const before = {
      at: performance.now(),
      api: processTicks(api.pid),
      main: processTicks(api.pid, api.pid),
      host: hostTicks(),
      statements: await askStatements(api),
    };
    await Promise.all(clients);
    const after = {
      at: performance.now(),
      api: processTicks(api.pid),
      main: processTicks(api.pid, api.pid),
      host: hostTicks(),
      statements: await askStatements(api),
    };
    const ms = after.at - before.at;
    latencies.sort((a, b) => a - b);
    const apiCpuMs = (after.api - before.api) * TICK_MS;
    return {
      commands: latencies.length,
      commandsPerSecond: latencies.length / (ms / 1000),
      failures,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      apiCores: apiCpuMs / ms,
      apiCpuMsPerCommand: apiCpuMs / latencies.length,
      mainThreadCpuMsPerCommand: ((after.main - before.main) * TICK_MS) / latencies.length,
      hostCores:
        before.host && after.host && after.host.total > before.host.total
          ? ((after.host.busy - before.host.busy) / (after.host.total - before.host.total)) *
            availableParallelism()
          : Number.NaN,
      load: loadAverage().split(' ')[0]!,
      ...statementsPerRequest(before.statements, after.statements),
    };
  } finally {
    load.close();
    await stop(api);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The API's statement counts so far (bench/support/statement-count.ts), or none within 5 s. */
let statementsAsked = 0;
async function askStatements(api: ChildProcess): Promise<StatementCounts | undefined> {
  if (!COUNT_STATEMENTS || !api.connected) return undefined;
  const asked = ++statementsAsked;
  let listener: ((message: unknown) => void) | undefined;
  const timeout = new AbortController();
  const answer = new Promise<StatementCounts>((resolve) => {
    listener = (message) => {
      const answered = message as { statementsAsked?: number; counts?: StatementCounts } | null;
      if (answered?.statementsAsked === asked && answered.counts) resolve(answered.counts);
    };
    api.on('message', listener);
  });
  api.send({ statements: asked });
  try {
    return await Promise.race([
      answer,
      delay(5_000, undefined, { signal: timeout.signal }).then(
        () => undefined,
        () => undefined,
      ),
    ]);
  } finally {
    timeout.abort();
    if (listener) api.off('message', listener);
  }
}

/** Counted in the API (both figures from the same snapshot), so their ratio holds exactly. */
function statementsPerRequest(
  before: StatementCounts | undefined,
  after: StatementCounts | undefined,
): Pick<RoundFigures, 'statementsPerCommand' | 'statementKinds'> {
  const requests = before && after ? after.requests - before.requests : 0;
  if (!before || !after || requests <= 0) return { statementsPerCommand: Number.NaN, statementKinds: [] };
  const kinds = Object.entries(after.byKind)
    .map(([kind, count]): [string, number] => [kind, (count - (before.byKind[kind] ?? 0)) / requests])
    .filter(([, perCommand]) => perCommand > 0)
    .sort((a, b) => b[1] - a[1]);
  return { statementsPerCommand: (after.statements - before.statements) / requests, statementKinds: kinds };
}

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function main(): Promise<void> {
  process.stdout.write(
    `bench:embedded: the API as npm start runs it (embedded database), ${CLIENTS} clients on ${TASKS_PER_CLIENT} task(s) each, ${ROUNDS} rounds of ${WARMUP_MS / 1000} s warm-up then ${DURATION_MS / 1000} s measured; load average ${loadAverage()}\n`,
  );
  const rounds: RoundFigures[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const figures = await round();
    rounds.push(figures);
    process.stdout.write(
      `round ${i + 1}: ${figures.commandsPerSecond.toFixed(0)} commands/s, p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, ` +
        `API ${figures.apiCores.toFixed(2)} cores (${figures.apiCpuMsPerCommand.toFixed(2)} ms CPU per command, main thread ${figures.mainThreadCpuMsPerCommand.toFixed(2)}), ${figures.failures} failed, load ${figures.load}, ${figures.statementsPerCommand.toFixed(2)} statements per command\n`,
    );
    if (process.env.BENCH_STATEMENT_KINDS === '1') {
      for (const [kind, perCommand] of figures.statementKinds) {
        process.stdout.write(`  ${perCommand.toFixed(3).padStart(7)}  ${kind}\n`);
      }
    }
  }
  const rate = median(rounds.map((r) => r.commandsPerSecond));
  const p99 = median(rounds.map((r) => r.p99));
  process.stdout.write(`\nmedians of ${ROUNDS} rounds\n`);
  const lines: [string, string, boolean | undefined][] = [
    ['commands/s   [target >= 2,000]', rate.toFixed(0), rate >= 2000],
    ['command latency p50 (ms)', median(rounds.map((r) => r.p50)).toFixed(1), undefined],
    ['command latency p99 (ms)   [target <= 25]', p99.toFixed(1), p99 <= 25],
    ['API CPU per command (ms)', median(rounds.map((r) => r.apiCpuMsPerCommand)).toFixed(2), undefined],
    [
      'of which the main thread (ms)',
      median(rounds.map((r) => r.mainThreadCpuMsPerCommand)).toFixed(2),
      undefined,
    ],
    ['statements per command', median(rounds.map((r) => r.statementsPerCommand)).toFixed(2), undefined],
    ['API cores busy', median(rounds.map((r) => r.apiCores)).toFixed(2), undefined],
    [
      `host cores busy (of ${availableParallelism()})`,
      median(rounds.map((r) => r.hostCores)).toFixed(2),
      undefined,
    ],
    ['failed commands', String(rounds.reduce((sum, r) => sum + r.failures, 0)), undefined],
  ];
  for (const [name, value, met] of lines) {
    process.stdout.write(
      `  ${name.padEnd(44)}${value.padStart(10)}${met === undefined ? '' : `  ${verdict(met)}`}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:embedded failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
