/**
 * npm run bench:bombs — how long hostile plan documents stall the API's event loop.
 *
 * Starts the API (`dist/apps/api/src/main.js`, embedded database in a temporary directory) as a
 * process of its own, then uploads each document below to `POST /plans/import?dryRun=true` as the
 * issuer, one after another, while a probe sends a request every 10 ms that the API answers
 * without touching the database (an unauthenticated `GET /agencies`: 401). Two figures per
 * document: the API's own longest event-loop delay during the upload (`monitorEventLoopDelay`,
 * preloaded into the API by bench/support/event-loop-monitor.ts), and the longest probe answer
 * minus the probe's median when idle. Prints, per document: its size, the answer (status and
 * code), the upload's duration and both stalls, and the host's load average: on a host busy with
 * other work, a thread waiting for a core shows as a stall too.
 * Target (issue #14): stall <= 200 ms for every bomb.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  docxBomb,
  docxWithBody,
  heavyDocx,
  manyEntriesZip,
  wordParagraph,
} from '../test/support/zip-bombs.js';

const PORT = Number(process.env.BENCH_PORT ?? 3931);
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

interface Case {
  readonly name: string;
  readonly build: () => Buffer;
  readonly type: string;
}

const CASES: readonly Case[] = [
  { name: '.docx bomb, 200 MB of XML', build: () => docxBomb(200), type: DOCX },
  { name: '.docx bomb, 60 MB of XML', build: () => docxBomb(60), type: DOCX },
  {
    name: '.docx lying about its size (60 MB declared 100 KB)',
    build: () => docxWithBody(Buffer.alloc(60 * 1024 * 1024, wordParagraph('Trẻ em. ')), 100 * 1024),
    type: DOCX,
  },
  { name: '.docx of 5,000 files', build: () => manyEntriesZip(5_000), type: DOCX },
  { name: '.docx of 15 MB of varied XML (over the XML limit)', build: () => heavyDocx(15), type: DOCX },
  { name: '.docx of 4 MB of varied XML (under the limits)', build: () => heavyDocx(4), type: DOCX },
  { name: '.docx of 1 MB of varied XML', build: () => heavyDocx(1), type: DOCX },
  {
    name: 'text/plain, 9.5 MB',
    build: () => Buffer.from('1. Sở Y tế chủ trì, phối hợp với các sở.\n'.repeat(174_000)),
    type: 'text/plain; charset=utf-8',
  },
  {
    name: 'text/plain, 2 MB',
    build: () => Buffer.from('Sở Lao động chủ trì kế hoạch năm 2025.\n'.repeat(48_000)),
    type: 'text/plain; charset=utf-8',
  },
  {
    name: 'JSON { contentBase64 }, 9.5 MB of text',
    build: () =>
      Buffer.from(
        JSON.stringify({
          fileName: 'ke-hoach.txt',
          contentBase64: Buffer.from('1. Sở Y tế chủ trì, phối hợp với các sở.\n'.repeat(174_000)).toString(
            'base64',
          ),
        }),
      ),
    type: 'application/json',
  },
];

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Probes every 10 ms until `stop` settles; answers each probe's latency in ms. */
async function probe(stop: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void stop.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    await request('GET', '/agencies', {});
    latencies.push(performance.now() - started);
    await delay(10);
  }
  return latencies;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coord-bombs-'));
  const api = spawn(
    process.execPath,
    ['--import', './dist/bench/support/event-loop-monitor.js', 'dist/apps/api/src/main.js'],
    {
      env: { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, SEED_PLANS: 'false', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const ask = (message: 'reset' | 'report') =>
    new Promise<{ maxMs?: number }>((resolve) => {
      api.once('message', (answer) => resolve(answer as { maxMs?: number }));
      api.send(message);
    });
  try {
    for (let i = 0; ; i++) {
      if (i > 300) throw new Error('the API did not start within 30 s');
      if (
        await request('GET', '/agencies', {}).then(
          () => true,
          () => false,
        )
      )
        break;
      await delay(100);
    }
    // Warm up: the probe path and one ordinary import.
    await probe(delay(1_000));
    const idle = await probe(delay(2_000));
    const baseline = percentile(idle, 50);
    console.log(
      `probe when idle: p50 ${baseline.toFixed(1)} ms, max ${Math.max(...idle).toFixed(1)} ms; ` +
        `${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1)}\n`,
    );
    const rows: string[][] = [];
    for (const bench of CASES) {
      const body = bench.build();
      await ask('reset');
      const started = performance.now();
      const upload = request(
        'POST',
        '/plans/import?dryRun=true',
        {
          authorization: `Bearer ${ISSUER}`,
          'content-type': bench.type,
          'content-length': String(body.length),
        },
        body,
      );
      const latencies = await probe(upload);
      const answer = await upload;
      const took = performance.now() - started;
      const { maxMs = Number.NaN } = await ask('report');
      const code =
        answer.status >= 400 ? String((JSON.parse(answer.text) as { code?: string }).code) : 'draft';
      const stall = Math.max(0, Math.max(...latencies) - baseline);
      rows.push([
        bench.name,
        `${(body.length / 1024).toFixed(0)} KB`,
        `${answer.status} ${code}`,
        `${took.toFixed(0)} ms`,
        `${maxMs.toFixed(0)} ms`,
        `${stall.toFixed(0)} ms`,
        loadavg()[0]?.toFixed(1) ?? '?',
      ]);
      console.log(rows.at(-1)?.join(' | '));
    }
    const widths = [0, 1, 2, 3, 4, 5, 6].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0), 10));
    const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ');
    console.log(
      `\n${line(['document', 'size', 'answer', 'upload', 'loop delay (API)', 'stall (probe)', 'load avg'])}`,
    );
    for (const row of rows) console.log(line(row));
    console.log('\ntarget: stall <= 200 ms for every document');
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    agent.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
