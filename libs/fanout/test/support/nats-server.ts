import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../../../../test/support/processes.js';

/** The machine's nats-server; override with NATS_SERVER_BIN. */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

/**
 * A nats-server with JetStream owned by one test file, on a spare port with its own store
 * directory, so tests can stop, kill and restart it while the shared server keeps running.
 * Restarts reuse the same port and store, as an operator's restart would.
 */
export class TestNatsServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly configFile?: string,
    private readonly env?: Record<string, string>,
  ) {}

  /** `configFile`: a nats-server configuration (accounts, users) read with `-c`; `env` for its variables. */
  static async start(
    options: { configFile?: string; env?: Record<string, string> } = {},
  ): Promise<TestNatsServer> {
    const server = new TestNatsServer(
      await freePort(),
      await mkdtemp(join(tmpdir(), 'coord-nats-')),
      options.configFile,
      options.env,
    );
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process (again) and waits until it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('nats-server is already running');
    const child = spawn(
      NATS_SERVER_BIN,
      [
        ...(this.configFile ? ['-c', this.configFile] : []),
        '-a',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-js',
        '-sd',
        this.storeDir,
        '--server_name',
        `test-${this.port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(this.env ? { env: { ...process.env, ...this.env } } : {}) },
    );
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4_000);
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    process.once('exit', this.killOnExit);
    const deadline = Date.now() + 15_000;
    while (!(await acceptsConnections(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.kill();
        throw new Error(`nats-server did not start on port ${this.port}:\n${log}`);
      }
      await delay(50);
    }
  }

  /** Graceful stop (SIGTERM): the server flushes and closes its streams. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** Abrupt stop (SIGKILL), like a crash of the process (not of the machine). */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** Stops the server if it runs and deletes its store. */
  async dispose(): Promise<void> {
    await this.kill();
    await rm(this.storeDir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await this.exited;
    process.removeListener('exit', this.killOnExit);
    this.child = undefined;
    this.exited = undefined;
  }
}

/** True once the server answers a TCP connection with its INFO line. */
function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('data', (data: Buffer) => finish(data.toString().startsWith('INFO')));
    socket.connect(port, '127.0.0.1');
  });
}
