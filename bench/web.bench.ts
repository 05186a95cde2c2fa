/**
 * npm run bench:web — the dashboard on the embedded default, in Debian's chromium (headless):
 *  1. first load of the officer inbox to interactive (rows listed, a cold browser cache each
 *     time): median and worst of BENCH_LOADS loads; target <= 1 s;
 *  2. an inbox of 1,000 tasks (assigned through the API first): load to all rows shown, then in
 *     the page, filter to the overdue ones, back to all, and a search, each timed from the click
 *     or keystroke to the next frame laid out; target <= 300 ms;
 *  3. the JavaScript and CSS shipped (dist/web/assets), gzip; target <= 250 KB.
 * The API runs as its own process (`node dist/apps/api/src/main.js`) on a fresh data directory,
 * with the seed plans, as `npm start` does.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { freePort } from '../test/support/processes.js';

// Functions given to page.evaluate run in the browser; this file compiles without the DOM types.
declare const document: any, sessionStorage: any, performance: any, requestAnimationFrame: any;

const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const TASKS = Number(process.env.BENCH_TASKS ?? 1000);
const OFFICER = 'lc-so-ldtbxh';
const BIG_INBOX = 'lc-so-tu-phap';
const ISSUER = 'demo.issuer.lc-ubnd-tinh';

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 1800; i++) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error('the API did not become ready in 180 s');
}

async function call(url: string, method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<any>;
}

async function openInbox(browser: Browser, url: string, agency: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addInitScript(
    (session: string) => sessionStorage.setItem('coord.session', session),
    JSON.stringify({
      token: `demo.officer.${agency}`,
      role: 'officer',
      agencyCode: agency,
      agencyName: agency,
    }),
  );
  const page = await context.newPage();
  await page.goto(`${url}/#/inbox`);
  return page;
}

/** Milliseconds from the navigation's start until `rows` rows are listed. */
async function loadTime(page: Page, rows: number): Promise<number> {
  await page.waitForFunction(
    (count: number) => document.querySelectorAll('[data-testid=inbox] tbody tr').length >= count,
    rows,
    { timeout: 60_000, polling: 'raf' },
  );
  return page.evaluate(() => performance.now() as number);
}

/** Milliseconds from a click on the filter until the next frame is laid out. */
function timeFilter(page: Page, filter: string): Promise<number> {
  return page.evaluate(async (name: string) => {
    const start = performance.now();
    document.querySelector(`[data-filter=${name}]`).click();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    void document.body.offsetHeight; // lay it out
    return performance.now() - start;
  }, filter);
}

function timeSearch(page: Page, text: string): Promise<number> {
  return page.evaluate(async (value: string) => {
    const input = document.querySelector('input[type=search]');
    const start = performance.now();
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    void document.body.offsetHeight;
    return performance.now() - start;
  }, text);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function shippedSizes(): Promise<{ raw: number; gzip: number; files: number }> {
  const dir = join('dist', 'web', 'assets');
  let raw = 0;
  let gzip = 0;
  const files = (await readdir(dir)).filter((name) => /\.(js|css)$/.test(name));
  for (const name of files) {
    const bytes = await readFile(join(dir, name));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files: files.length };
}

async function main(): Promise<void> {
  const sizes = await shippedSizes();
  const dataDir = await mkdtemp(join(tmpdir(), 'coord-bench-web-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_PRINCIPAL: '1000000',
      RATE_LIMIT_PER_IP: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let browser: Browser | undefined;
  try {
    await waitReady(url);
    // The seed plans are imported on the first start, just after the API listens.
    for (let i = 0; i < 300; i++) {
      if (
        (await call(url, 'GET', `/agencies/${OFFICER}/outstanding?count=true`, `demo.officer.${OFFICER}`))
          .total > 0
      )
        break;
      await delay(100);
    }
    const expected = (
      await call(url, 'GET', `/agencies/${OFFICER}/outstanding?count=true`, `demo.officer.${OFFICER}`)
    ).total;
    browser = (await launchChromium()).browser;

    // 1. First load of the officer inbox, each in a new context (cold cache).
    const loads: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const page = await openInbox(browser, url, OFFICER);
      loads.push(await loadTime(page, expected));
      await page.context().close();
    }

    // 2. An inbox of 1,000 tasks: assigned through the API, eight at a time.
    const plan = (await call(url, 'GET', '/plans', ISSUER)).items[0].planId as string;
    const before = (
      await call(url, 'GET', `/agencies/${BIG_INBOX}/outstanding?count=true`, `demo.officer.${BIG_INBOX}`)
    ).total;
    let next = 0;
    let position = '0';
    const assign = async () => {
      while (next < TASKS) {
        const i = next++;
        const due = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
        const result = await call(url, 'POST', '/tasks', ISSUER, {
          taskId: randomUUID(),
          planId: plan,
          title: `Nhiệm vụ thử tải số ${i + 1}`,
          duty: `Thực hiện nhiệm vụ thử tải số ${i + 1}.`,
          sourceClause: { section: 'V', start: 0, end: 10 },
          dueDate: due,
          assignees: [{ agencyCode: BIG_INBOX, role: i % 3 === 0 ? 'lead' : 'support' }],
        });
        if (BigInt(result.position) > BigInt(position)) position = result.position as string;
      }
    };
    await Promise.all(Array.from({ length: 8 }, assign));
    const total = (
      await call(
        url,
        'GET',
        `/agencies/${BIG_INBOX}/outstanding?count=true&minPosition=${position}`,
        `demo.officer.${BIG_INBOX}`,
      )
    ).total as number;
    if (total !== before + TASKS)
      throw new Error(`expected ${before + TASKS} outstanding tasks, got ${total}`);
    const page = await openInbox(browser, url, BIG_INBOX);
    const bigLoad = await loadTime(page, total);
    // Where that time went: the list's pages asked for (the first request's start) and answered
    // (the last response's end), from the navigation's start, as the browser timed them.
    const [asked, answered] = await page.evaluate(() => {
      const reads = performance
        .getEntriesByType('resource')
        .filter((entry: any) => entry.name.includes('/outstanding?'));
      return [
        Math.min(...reads.map((entry: any) => entry.startTime as number)),
        Math.max(...reads.map((entry: any) => entry.responseEnd as number)),
      ];
    });
    const overdue = await timeFilter(page, 'overdue');
    const all = await timeFilter(page, 'all');
    const search = await timeSearch(page, 'so 999');
    const cleared = await timeSearch(page, '');

    console.log(
      `Dashboard on the embedded default, chromium headless (shared host: figures vary with the other load)`,
    );
    console.log(
      `first load of the officer inbox to interactive (${expected} tasks, ${LOADS} cold loads): median ${ms(median(loads))}, worst ${ms(Math.max(...loads))} (target <= 1000 ms)`,
    );
    console.log(
      `inbox of ${total} tasks: load to all rows shown ${ms(bigLoad)} (list asked for at ${ms(asked)}, answered by ${ms(answered)}, rows shown ${ms(bigLoad - answered)} after)`,
    );
    console.log(
      `  filter overdue ${ms(overdue)}, back to all ${ms(all)}, search ${ms(search)}, search cleared ${ms(cleared)} (target <= 300 ms each)`,
    );
    console.log(
      `shipped JS+CSS: ${sizes.files} files, ${(sizes.raw / 1024).toFixed(1)} KB, ${(sizes.gzip / 1024).toFixed(1)} KB gzip (target <= 250 KB)`,
    );
  } finally {
    await browser?.close();
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
