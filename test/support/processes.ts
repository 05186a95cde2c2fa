import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** One of the built apps (`dist/apps/...`) running as its own process, as it is deployed. */
export interface AppProcess {
  readonly child: ChildProcess;
  /** Complete lines written to stdout so far. */
  readonly lines: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The stdout lines that parse as JSON and satisfy `match`, waiting up to `timeoutMs` for `count`. */
  logged(
    match: (entry: Record<string, any>) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<Record<string, any>[]>;
}

/**
 * Starts `script` with `env`. The worker's operations listener is off (METRICS_PORT=0) unless
 * `env` names a port: test files run in parallel, and each would otherwise take port 9464. The
 * rate limits are out of reach unless `env` sets them (fleet and fault tests send hundreds of
 * commands at once from one address).
 */
export function startAppProcess(script: string, env: Record<string, string | undefined>): AppProcess {
  const child = spawn(process.execPath, [script], {
    env: {
      RATE_LIMIT_PER_PRINCIPAL: '1000000',
      RATE_LIMIT_PER_IP: '1000000',
      ...env,
      METRICS_PORT: env.METRICS_PORT ?? '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    lines.push(...complete);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const parsed = () =>
    lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        return [];
      }
    });
  return {
    child,
    lines,
    stderr: () => errors,
    exited,
    async logged(match, count = 1, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = parsed().filter(match);
        if (found.length >= count || Date.now() > until) return found;
        await delay(50);
      }
    },
  };
}

/**
 * Waits until `url` + `probe` answers 200, or throws with what the process said. The worker's
 * readiness is `/health/ready` on its operations port.
 */
export async function waitForHealth(
  url: string,
  app: AppProcess,
  timeoutMs = 30_000,
  probe = '/health',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const up = await fetch(`${url}${probe}`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    if (Date.now() > until || app.child.exitCode !== null) {
      throw new Error(`the process did not answer ${probe}:\n${app.lines.join('\n')}\n${app.stderr()}`);
    }
    await delay(100);
  }
}

/** Stops (SIGTERM) every process still running and waits until all of them have exited. */
export async function stopProcesses(processes: readonly AppProcess[]): Promise<void> {
  for (const { child } of processes) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  await Promise.all(processes.map((process) => process.exited));
}
