import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.js';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries the machine has (Debian's layout); override with PG_BIN. */
async function serverBinaries(): Promise<string> {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = (await readdir('/usr/lib/postgresql')).filter((v) => /^\d+$/.test(v));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('no PostgreSQL server under /usr/lib/postgresql (set PG_BIN)');
  return `/usr/lib/postgresql/${newest}/bin`;
}

/**
 * A PostgreSQL server owned by one test: its own data directory and port, so the test may kill
 * and restart it while the shared server goes on. PostgreSQL refuses to run as root; as root
 * the server runs as the `postgres` user (through runuser).
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
    private readonly asUser: string | undefined,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const bin = await serverBinaries();
    const asUser = userInfo().uid === 0 ? 'postgres' : undefined;
    const dir = await mkdtemp(join(tmpdir(), 'coord-pg-'));
    if (asUser) {
      const { stdout } = await run('id', ['-u', asUser]);
      const { stdout: group } = await run('id', ['-g', asUser]);
      await chown(dir, Number(stdout.trim()), Number(group.trim()));
    }
    await chmod(dir, 0o700);
    const server = new PrivatePostgres(bin, dir, await freePort(), asUser);
    await server.exec('initdb', [
      '-D',
      server.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    await server.restart();
    // A test run that ends without afterAll (a crash, Ctrl-C) leaves no server behind.
    process.once('exit', server.stopOnExit);
    return server;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Starts the server (again) on the same port and data, and waits until it accepts connections. */
  async restart(): Promise<void> {
    await this.exec('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`,
      'start',
    ]);
  }

  /**
   * Stops the server as a crash would: `immediate` ends every backend at once, with no checkpoint;
   * the next start recovers from the write-ahead log.
   */
  async kill(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  /** The last lines of the server's log, for a failure message. */
  async log(): Promise<string> {
    return (await readFile(join(this.dir, 'server.log'), 'utf8').catch(() => ''))
      .split('\n')
      .slice(-40)
      .join('\n');
  }

  private readonly stopOnExit = (): void => {
    try {
      execFileSync(...this.command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop']), {
        stdio: 'ignore',
        timeout: 10_000,
      });
    } catch {
      // Not running.
    }
  };

  async dispose(): Promise<void> {
    process.removeListener('exit', this.stopOnExit);
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const [command, commandArgs] = this.command(tool, args);
    await run(command, commandArgs, { cwd: this.dir, timeout: 90_000 });
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.bin, tool);
    return this.asUser ? ['runuser', ['-u', this.asUser, '--', path, ...args]] : [path, args];
  }
}
