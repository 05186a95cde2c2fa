import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

// jest loads this file outside its module system (no '.js' to '.ts' mapping): it imports node's
// modules only. test/support/private-postgres.ts is the same kind of server for a single test.

/** A private PostgreSQL server of one jest worker. */
interface WorkerDatabase {
  readonly url: string;
  readonly stop: () => void;
}

/**
 * A PostgreSQL server per jest worker. The log's readable head follows the oldest transaction
 * still running on the whole server, so two test files on one server would hold back each
 * other's reads: worker 1 uses the machine's server (TEST_DATABASE_URL's default, which .ci/run
 * starts); each further worker gets a private server from the same binaries, which
 * test/support/postgres.ts picks by JEST_WORKER_ID. With TEST_DATABASE_URL set, every worker uses
 * that server.
 */
export default async function startWorkerDatabases(globalConfig: {
  readonly maxWorkers: number;
}): Promise<void> {
  if (process.env.TEST_DATABASE_URL || globalConfig.maxWorkers < 2) return;
  const servers: WorkerDatabase[] = [];
  for (let worker = 2; worker <= globalConfig.maxWorkers; worker++) servers.push(await startServer());
  (globalThis as { workerDatabases?: WorkerDatabase[] }).workerDatabases = servers;
  // Stopped by global-teardown; also when the run ends otherwise (a failure, Ctrl-C, a kill).
  const stopAll = () => servers.forEach((server) => server.stop());
  process.on('exit', stopAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopAll();
      process.kill(process.pid, signal);
    });
  }
  // Inherited by the workers, which jest starts after this.
  process.env.COORD_WORKER_DATABASE_URLS = JSON.stringify(servers.map((server) => server.url));
}

async function startServer(): Promise<WorkerDatabase> {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v));
  const bin = process.env.PG_BIN ?? `/usr/lib/postgresql/${versions.sort((a, b) => +b - +a)[0]}/bin`;
  // PostgreSQL refuses to run as root: as root the server runs as the `postgres` user.
  const asUser = userInfo().uid === 0 ? 'postgres' : undefined;
  const run = (tool: string, args: string[]) => {
    const [command, commandArgs] = asUser
      ? ['runuser', ['-u', asUser, '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    execFileSync(command, commandArgs, { stdio: 'pipe', timeout: 90_000 });
  };
  const dir = mkdtempSync(join(tmpdir(), 'coord-worker-pg-'));
  if (asUser) {
    const id = (flag: string) => Number(execFileSync('id', [flag, asUser], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

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
