/**
 * What the HTTP benchmarks share: keep-alive requests with node:http (fetch costs several times
 * more CPU per request, and the load generator shares the cores), percentiles, CPU read from /proc,
 * the seed plan issued as an issuer would, and a task body to assign.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

export const ISSUER = 'demo.issuer.lc-ubnd-tinh';

export interface Answer {
  readonly status: number;
  readonly body: any;
}

export interface HttpLoad {
  request(
    port: number,
    method: 'GET' | 'POST',
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<Answer>;
  post(port: number, path: string, token: string, body: unknown): Promise<Answer>;
  /** Closes the kept connections. */
  close(): void;
}

/** One keep-alive connection per client, reused for every request. */
export function httpLoad(connections: number): HttpLoad {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const request: HttpLoad['request'] = (port, method, path, token, body) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
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
  };
  return {
    request,
    post: (port, path, token, body) => request(port, 'POST', path, token, body),
    close: () => agent.destroy(),
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// --- CPU accounting, from /proc (Linux) ----------------------------------------------------------

/** Linux reports process CPU times in USER_HZ ticks, 100 per second on every common platform. */
export const TICK_MS = 10;

export function hostTicks(): { busy: number; total: number } | undefined {
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

/**
 * CPU ticks (1/100 s) of a process, or of one of its threads (`thread`: the thread's id; the main
 * thread's id is the process's).
 */
export function processTicks(pid: number | undefined, thread?: number): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return Number.NaN;
  }
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/**
 * Issues the Lai Châu seed plan through the intake (import, then confirm every drafted task), as
 * an issuer would; the benchmark's tasks are added to it. Returns the plan id. A plan the service
 * seeded already is confirmed as recorded (200), which is as good.
 */
export async function issueSeedPlan(load: HttpLoad, port: number): Promise<string> {
  const document = readFileSync('libs/plan-intake/seed-plans/laichau-2024-ct28-kh.txt');
  const imported = await load.post(port, '/plans/import', ISSUER, {
    fileName: 'laichau-2024-ct28-kh.txt',
    contentBase64: document.toString('base64'),
  });
  if (imported.status !== 201) throw new Error(`importing the plan failed: ${JSON.stringify(imported.body)}`);
  const confirmed = await load.post(
    port,
    `/plans/drafts/${imported.body.draftId as string}/confirm`,
    ISSUER,
    {},
  );
  if (confirmed.status >= 300) throw new Error(`issuing the plan failed: ${JSON.stringify(confirmed.body)}`);
  return imported.body.planId as string;
}

export function assignBody(planId: string, taskId: string, agency: string) {
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

export async function waitForHealth(load: HttpLoad, port: number, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await load.request(port, 'GET', '/health', undefined)).status === 200) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error('the API did not become healthy');
}

/** `met` / `MISSED` beside a figure with a target. */
export const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
