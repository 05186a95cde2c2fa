/**
 * npm run bench:intake — a 9 MB plan imported while the API keeps answering.
 *
 * Starts the API (`dist/apps/api/src/main.js`, embedded database in a temporary directory, a free
 * port) as a process of its own, builds a 9 MB plan (test/support/variants.ts annexedPlan: the Lai
 * Châu plan with an annex of figures for ~30,000 communes; BENCH_SHAPE=parties: ~2,300 parties of 12
 * duties each) and imports it as the issuer (`POST /plans/import`, stored draft; DRY_RUN=1: dry run),
 * while a probe asks `GET /health` every 10 ms from a thread of its own. Prints the
 * import's duration and the API's CPU during it (its main thread apart: CPU, unlike times, a loaded
 * host does not inflate), the `/health` answer times during it (p50, p99, max), the API's own longest
 * event-loop delay, how much the API process grew (its peak RSS, VmHWM reset just before the
 * import, less the RSS before with the API's garbage collected; the intake thread and the upload
 * are part of the process) against the document's size, what a 64 KB import costs, and the
 * answer's size and hash. The API keeps one fresh intake thread started and idle for the next import
 * (ADR 0039, addendum): that thread's base is part of the RSS before, not of the growth.
 * BENCH_THREADS=1: each thread's V8 heap figures too (bench/support/thread-heap.ts). Off by default:
 * they add 8-11 MB to the growth of the 2,300 parties, all of it the intake thread's GCProfiler (its
 * record of each of ~530 collections, read as that thread answers, at the process's peak).
 * BENCH_MAIN_HEAP=1: the main heap's resident size too (glibc's brk arena, from /proc/PID/smaps), before
 * the import and at each new highest RSS. Off by default: one read of the API's smaps takes 40-100 ms
 * of this process's event loop and holds the API's memory map lock meanwhile, and read on every new
 * peak during the upload it added tens of milliseconds to the /health answers measured.
 * Targets (issue #20): /health <= 50 ms during the import, the import <= 5 s, growth < 4x the document.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { annexedPlan, largePlan } from '../libs/plan-intake/test/support/variants.js';
import { processTicks } from './support/http-load.js';
import type { ThreadHeap } from './support/thread-heap.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const DOCUMENT_BYTES = 9 * 1024 * 1024;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function request(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      // Decoded by the caller once the probes have stopped: decoding 14 MB here held this thread.
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * GET /health every 10 ms until `until` settles, from a thread of its own: this thread's work on the
 * import's answer (14 MB for the parties plan, concatenated and decoded as it ends; its
 * collections) held this event loop up to 77 ms, and a probe in flight then was counted that
 * much slower than the API answered it. `at` is on this thread's clock (performance.now()).
 */
async function probeHealth(port: number, until: Promise<unknown>): Promise<{ ms: number; at: number }[]> {
  const prober = new Worker(
    `const http = require('node:http');
    const { parentPort, workerData } = require('node:worker_threads');
    const agent = new http.Agent({ keepAlive: true });
    let stopped = false;
    parentPort.once('message', () => (stopped = true));
    const get = () => new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: workerData.port, path: '/health', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    (async () => {
      const probes = [];
      while (!stopped) {
        const asked = performance.timeOrigin + performance.now();
        await get();
        probes.push({ ms: performance.timeOrigin + performance.now() - asked, at: asked });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      agent.destroy();
      parentPort.postMessage(probes);
    })();`,
    { eval: true, workerData: { port } },
  );
  const probes = new Promise<{ ms: number; at: number }[]>((resolve, reject) => {
    prober.once('message', resolve);
    prober.once('error', reject);
  });
  await until.catch(() => undefined);
  prober.postMessage('stop');
  const answered = await probes;
  await prober.terminate();
  return answered.map((probe) => ({ ms: probe.ms, at: probe.at - performance.timeOrigin }));
}

/** RSS (VmRSS) or peak RSS (VmHWM) of a process in bytes, from /proc (Linux). */
function rssOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`${field}:\\s+(\\d+)\\s+kB`, 'u').exec(status)?.[1];
  return kb ? Number(kb) * 1024 : Number.NaN;
}

/**
 * The resident part of a process's main heap: glibc's brk arena (`[heap]` in /proc/PID/smaps), where
 * the main thread's malloc'd buffers live (the upload's socket chunks, its whole buffer). Memory freed
 * there stays resident until glibc trims it; whether it was trimmed before an import decides
 * whether the import's buffers count as growth (ADR 0039, addendum on the two groups of runs).
 */
function mainHeapRssOf(pid: number): number {
  const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const at = smaps.indexOf('[heap]');
  if (at === -1) return 0;
  const kb = /Rss:\s+(\d+)\s+kB/u.exec(smaps.slice(at))?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/**
 * Sets a process's peak RSS (VmHWM) back to its RSS now (Linux, a process of this user): the kernel
 * then keeps the true peak from here on, which a sampler may miss between two samples.
 */
function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Each thread's V8 heap during the import (bench/support/thread-heap.ts): what it held at the reset
 * just before the import, at its fullest since (just before a collection), and its collections.
 * The peaks of different threads need not be at the same moment: their sum bounds what the heaps
 * added to the process's peak; the rest of the growth is outside the V8 heaps (array buffers,
 * the allocator's arenas, PGlite's memory, thread stacks).
 */
function printThreads(threads: readonly ThreadHeap[], growth: number): void {
  const rows = [...threads].sort((a, b) => a.threadId - b.threadId);
  console.log(
    "threads (V8 heap, MB: at the reset before the import -> highest since; committed = the heap's pages):",
  );
  let heapGrowth = 0;
  for (const t of rows) {
    const committedGrowth = t.committedPeak - t.committedAtReset;
    heapGrowth += Math.max(0, committedGrowth);
    const m = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `  ${`${t.thread} #${t.threadId}`.padEnd(12)} used ${m(t.usedAtReset)} -> ${m(t.usedPeak)} (now ${m(t.usedNow)}), ` +
        `committed ${m(t.committedAtReset)} -> ${m(t.committedPeak)} (+${m(committedGrowth)}), ` +
        `external ${m(t.externalAtReset)} -> ${m(t.externalPeak)}, array buffers ${m(t.arrayBuffersAtReset)} -> ${m(t.arrayBuffersNow)} now, ` +
        `malloc'd peak ${m(t.mallocedPeak)}; GCs ${t.scavenges} scavenges + ${t.markCompacts} full, ${t.gcMs.toFixed(0)} ms; ` +
        `${t.limits}; figures ${t.at === 'answered its job' ? 'as it answered its job' : 'when asked after the import'}`,
    );
  }
  console.log(
    `  heaps committed, sum of each thread's growth to its peak: ${mb(heapGrowth)}; ` +
      `the process's growth less that: ${mb(growth - heapGrowth)} (outside the V8 heaps, or heap peaks not at the same time)`,
  );
}

async function main(): Promise<void> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'coord-intake-bench-'));
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const threadFigures = process.env.BENCH_THREADS === '1';
  const mainHeapFigures = process.env.BENCH_MAIN_HEAP === '1';
  const schema = `bench_intake_${randomUUID().replace(/-/gu, '').slice(0, 12)}`;
  const api = spawn(
    process.execPath,
    [
      // BENCH_NODE_ARGS: extra node flags for the API, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      // The bench collects the API's garbage before it reads the RSS a growth is measured from.
      '--expose-gc',
      '--import',
      './dist/bench/support/event-loop-monitor.js',
      '--import',
      './dist/bench/support/settle-memory.js',
      // Each thread's heap figures (main, intake, database), reported beside the process's growth.
      ...(threadFigures ? ['--import', './dist/bench/support/thread-heap.js'] : []),
      'dist/apps/api/src/main.js',
    ],
    {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        SEED_PLANS: 'false',
        LOG_LEVEL: 'warn',
        // BENCH_DATABASE_URL: a PostgreSQL server instead of the embedded database, in a fresh schema.
        ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, DEMO_TOKENS: 'true' } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const ask = (message: 'reset' | 'report' | 'settle' | 'threads') =>
    new Promise<{ maxMs?: number; settled?: boolean; threads?: ThreadHeap[]; missing?: string[] }>(
      (resolve) => {
        api.once('message', (answer) =>
          resolve(
            answer as { maxMs?: number; settled?: boolean; threads?: ThreadHeap[]; missing?: string[] },
          ),
        );
        api.send(message);
      },
    );
  /**
   * The API at rest: its garbage collected (the embedded database leaves ~200 MB of array buffers
   * to its thread's next full collection, which, when it came during an import, hid the import's
   * growth or made it negative), then a moment for the freed memory to be given back.
   */
  const settle = async () => {
    const { settled } = await ask('settle');
    if (!settled) throw new Error('the API was started without --expose-gc: its RSS at rest is not settled');
    await delay(300);
  };
  try {
    for (let i = 0; ; i++) {
      // 2 minutes: on a shared 2-core host at load average 14, the embedded database's start took over 30 s.
      if (i > 1200) throw new Error('the API did not start within 120 s');
      const up = await request(port, 'GET', '/health', {}).then(
        (answer) => answer.status === 200,
        () => false,
      );
      if (up) break;
      await delay(100);
    }
    const seed = readFileSync('libs/plan-intake/seed-plans/laichau-2024-ct28-kh.txt', 'utf8');
    // BENCH_SHAPE=parties: ~2,300 parties of 12 duties each instead of the annexed plan.
    const document = Buffer.from(
      process.env.BENCH_SHAPE === 'parties' ? largePlan(DOCUMENT_BYTES) : annexedPlan(seed, DOCUMENT_BYTES),
    );
    const headers = {
      authorization: `Bearer ${ISSUER}`,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(document.length),
    };
    // Warm up: small imports (load the worker code), then the probe alone. The last one's peak is
    // what any import costs whatever its size (the intake thread's own base, the request).
    const small = Buffer.from(largePlan(64 * 1024));
    const importSmall = () =>
      request(
        port,
        'POST',
        '/plans/import?dryRun=true',
        { ...headers, 'content-length': String(small.length) },
        small,
      );
    await importSmall();
    await delay(500);
    await settle();
    const smallBefore = rssOf(api.pid ?? 0);
    resetPeakRss(api.pid ?? 0);
    await importSmall();
    const smallGrowth = rssOf(api.pid ?? 0, 'VmHWM') - smallBefore;
    const idle: number[] = [];
    for (let i = 0; i < 100; i++) {
      const started = performance.now();
      await request(port, 'GET', '/health', {});
      idle.push(performance.now() - started);
      await delay(10);
    }
    await delay(500);
    await settle();
    const rssBefore = rssOf(api.pid ?? 0);
    const mainHeapBefore = mainHeapFigures ? mainHeapRssOf(api.pid ?? 0) : Number.NaN;
    resetPeakRss(api.pid ?? 0);
    await ask('reset');

    let done = false;
    let peakRss = rssBefore;
    let mainHeapAtPeak = mainHeapBefore;
    const sampler = (async () => {
      while (!done) {
        const rss = rssOf(api.pid ?? 0);
        // The main heap where the process is at its fullest: memory it takes after that moment (the
        // answer's buffers, once the intake thread has ended) is not part of the peak.
        if (rss > peakRss && mainHeapFigures) mainHeapAtPeak = mainHeapRssOf(api.pid ?? 0);
        peakRss = Math.max(peakRss, rss);
        await delay(20);
      }
    })();
    const ticksBefore = processTicks(api.pid);
    // The API's main thread is a task of its own whose id is the process's.
    const mainTicksBefore = processTicks(api.pid, api.pid);
    const started = performance.now();
    const upload = request(
      port,
      'POST',
      `/plans/import${process.env.DRY_RUN ? '?dryRun=true' : ''}`,
      headers,
      document,
    ).finally(() => (done = true));
    const probes = await probeHealth(port, upload);
    const health = probes.map((probe) => probe.ms);
    const slowProbes = probes
      .filter((probe) => probe.ms > 50)
      .map((probe) => `${probe.ms.toFixed(0)} ms at ${((probe.at - started) / 1000).toFixed(2)} s`);
    const answer = await upload;
    const took = performance.now() - started;
    const cpu = (processTicks(api.pid) - ticksBefore) / 100;
    const mainCpu = (processTicks(api.pid, api.pid) - mainTicksBefore) / 100;
    await sampler;
    const peakHwm = rssOf(api.pid ?? 0, 'VmHWM');
    const { maxMs = Number.NaN } = await ask('report');
    const { threads = [], missing = [] } = threadFigures ? await ask('threads') : {};
    if (missing.length > 0) process.stdout.write(`  no heap figures from ${missing.join(', ')} within 2 s\n`);
    const text = answer.body.toString();
    const body = JSON.parse(text) as {
      code?: string;
      summary?: { dutyTasks: number; reportTasks: number };
      sourceText?: string;
      sourceTextLength?: number;
    };
    const growth = peakHwm - rssBefore;
    // BENCH_ANSWER_FILE: the answer's body is written there, to compare two builds.
    if (process.env.BENCH_ANSWER_FILE) writeFileSync(process.env.BENCH_ANSWER_FILE, answer.body);
    // A dry run's answer has no id nor time: the same document gives the same bytes.
    const answerHash = createHash('sha256').update(answer.body).digest('hex').slice(0, 16);

    console.log(
      `${databaseUrl ? 'PostgreSQL' : 'embedded database (PGlite)'}; ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1)} (a shared host: other work shows as delay)`,
    );
    console.log(
      `document: ${mb(document.length)} of plan text, ${document.toString().split('\n').length} lines`,
    );
    console.log(
      `answer: ${answer.status}${body.code ? ` ${body.code}` : ''}, ${(answer.body.length / 1024).toFixed(0)} KB; ` +
        `${body.summary?.dutyTasks ?? '?'} duty tasks, ${body.summary?.reportTasks ?? '?'} report tasks; ` +
        `text echoed: ${body.sourceText === undefined ? 'no' : 'yes'} (sourceTextLength ${body.sourceTextLength ?? '?'}); ` +
        `sha256 ${answerHash}`,
    );
    console.log(
      `import took: ${(took / 1000).toFixed(2)} s (target <= 5 s); API CPU ${cpu.toFixed(2)} s, ` +
        `of which its main thread ${mainCpu.toFixed(2)} s (the rest: the intake thread, zlib, the GC's helpers)`,
    );
    console.log(
      `GET /health during the import: ${health.length} probes, p50 ${percentile(health, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(health, 99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms (target <= 50 ms); ` +
        `idle p50 ${percentile(idle, 50).toFixed(1)} ms`,
    );
    if (slowProbes.length > 0) console.log(`  over 50 ms: ${slowProbes.join(', ')} (import started at 0 s)`);
    console.log(`API event-loop delay during the import: max ${maxMs.toFixed(0)} ms`);
    console.log(
      `API process growth: ${mb(growth)} (peak RSS ${mb(peakHwm)}, before ${mb(rssBefore)}) = ` +
        `${(growth / document.length).toFixed(1)}x the document (target < 4x); ` +
        `sampled every 20 ms: ${mb(peakRss - rssBefore)}`,
    );
    console.log(
      '  (the API keeps one intake thread started and idle for the next import: its base, 10-18 MB, is ' +
        'in the RSS before; each import still has a fresh thread, started ahead)',
    );
    console.log(
      `  of which any import costs (the same growth for a 64 KB plan, dry run): ${mb(smallGrowth)}; ` +
        `the rest ${mb(growth - smallGrowth)} = ${((growth - smallGrowth) / document.length).toFixed(1)}x the document`,
    );
    if (!mainHeapFigures) {
      console.log(
        "  the main heap's figures: off (BENCH_MAIN_HEAP=1 reads them, and slows the API and /health while it does)",
      );
    } else {
      console.log(
        `  the main heap (glibc's brk arena, resident): ${mb(mainHeapBefore)} before, ${mb(mainHeapAtPeak)} at the ` +
          `highest sample (${mainHeapAtPeak >= mainHeapBefore ? '+' : ''}${mb(mainHeapAtPeak - mainHeapBefore)}: the upload's buffers, in memory glibc had given ` +
          'back; about 0 when they fit in memory it still held); the growth without it: ' +
          `${mb(growth - (mainHeapAtPeak - mainHeapBefore))} = ` +
          `${((growth - (mainHeapAtPeak - mainHeapBefore)) / document.length).toFixed(1)}x the document`,
      );
    }
    if (threadFigures) printThreads(threads, growth);
    else
      console.log("threads' heap figures: off (BENCH_THREADS=1 prints them, and adds 8-11 MB to the growth)");
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    agent.destroy();
    await rm(dataDir, { recursive: true, force: true });
    if (databaseUrl) {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      await pool.query(`drop schema if exists ${schema} cascade`);
      await pool.end();
    }
  }
}

await main();
