import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { servePGlite, type ServedPGlite } from './wire-server.js';

export interface EmbeddedPostgres {
  /** A postgres:// URL the normal driver (pg, TypeORM) connects to. */
  readonly connectionString: string;
  /** Number of connections the embedded server accepts; size pools below it. */
  readonly maxConnections: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory for the database files, or 'memory' for a throw-away database. */
  readonly dataDir: string;
  readonly maxConnections?: number;
  /** Run the database on a thread of its own (default EMBEDDED_THREAD_DEFAULT, docs/adr/0043). */
  readonly thread?: boolean;
  /**
   * Called when the database's thread ends without `stop()`: its socket is gone and every query
   * fails from then on. A process that serves requests should log it and exit, so that it is
   * restarted (the API does, libs/platform DatabaseModule). Without it a warning is emitted.
   */
  readonly onCrash?: (error: Error) => void;
  /** How long `stop()` waits for the thread to close the database before terminating it. */
  readonly stopTimeoutMs?: number;
  /** For tests: the database's thread once it serves (to end it as a crash would). */
  readonly onThread?: (thread: Worker) => void;
}

/** Whether the embedded database runs on a thread of its own unless told (docs/adr/0043). */
export const EMBEDDED_THREAD_DEFAULT = true;

/** The file name libpq and pg give a server's socket in its directory (`host=/dir`, port 5432). */
const SOCKET_FILE = '.s.PGSQL.5432';

type ThreadAnswer = { ready: true } | { stopped: true; error?: string } | { error: string };

/**
 * Runs PostgreSQL in-process (PGlite, compiled to WebAssembly) behind a socket server, so the
 * embedded default uses the very same driver and SQL as a real server. PGlite is one backend:
 * the server queues statements and keeps a transaction on the connection that opened it, so
 * transactions run one at a time.
 *
 * With `thread` the database runs on a thread of its own (embedded-postgres-thread.ts): its
 * WebAssembly took close to half of the main thread's time, which then serves HTTP and runs the
 * projections' code while the database executes statements, at the price of a hand-over between
 * threads on every round trip (docs/adr/0043).
 *
 * PGlite accepts any user and password as superuser, so the socket is a Unix-domain socket in a
 * fresh directory only this process's user may enter (0700, the socket 0600), never a TCP port
 * another user or a browser page on the host could reach (docs/adr/0016-edges.md).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const maxConnections = options.maxConnections ?? 4;
  // Short (a socket path has a limit of about 100 bytes) and private: mkdtemp makes it 0700.
  const socketDirectory = await mkdtemp(join(tmpdir(), 'coord-pglite-'));
  const served = { dataDir: options.dataDir, socketPath: join(socketDirectory, SOCKET_FILE), maxConnections };
  let server: ServedPGlite;
  try {
    server =
      (options.thread ?? EMBEDDED_THREAD_DEFAULT)
        ? await serveOnThread(served, {
            onCrash:
              options.onCrash ??
              ((error) => process.emitWarning(`the embedded database stopped: ${error.message}`)),
            stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
            onThread: options.onThread,
          })
        : await servePGlite(served);
  } catch (error) {
    await rm(socketDirectory, { recursive: true, force: true });
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    connectionString: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDirectory)}`,
    maxConnections,
    stop() {
      stopping ??= (async () => {
        try {
          await server.stop();
        } finally {
          await rm(socketDirectory, { recursive: true, force: true });
        }
      })();
      return stopping;
    },
  };
}

/** `servePGlite` on a worker thread of this process. */
async function serveOnThread(
  served: Parameters<typeof servePGlite>[0],
  options: Required<Pick<EmbeddedPostgresOptions, 'onCrash' | 'stopTimeoutMs'>> &
    Pick<EmbeddedPostgresOptions, 'onThread'>,
): Promise<ServedPGlite> {
  const worker = new Worker(threadFile(), { workerData: served });
  let exited = false;
  let running = false;
  let stopRequested = false;
  let thrown: Error | undefined;
  const exit = new Promise<number>((resolve) => {
    worker.once('exit', (code) => {
      exited = true;
      resolve(code);
      // Once serving, only stop() may end the thread: anything else leaves the process with a
      // database that answers no query, which only a restart mends.
      if (running && !stopRequested) {
        const why = thrown ? `: ${thrown.stack ?? thrown.message}` : '';
        options.onCrash(new Error(`the embedded database thread exited unexpectedly (code ${code})${why}`));
      }
    });
  });
  // An uncaught error ends the thread ('exit' follows); a listener keeps it from ending the process.
  worker.on('error', (error) => {
    thrown = error;
  });
  const answer = (): Promise<ThreadAnswer> =>
    Promise.race([
      new Promise<ThreadAnswer>((resolve) =>
        worker.once('message', (message: ThreadAnswer) => resolve(message)),
      ),
      exit.then((code): ThreadAnswer => ({ error: `the embedded database thread exited (code ${code})` })),
    ]);
  const started = await answer();
  if (!('ready' in started)) {
    if (!exited) await worker.terminate();
    throw new Error(
      `the embedded database did not start: ${'error' in started ? started.error : 'no answer'}`,
    );
  }
  running = true;
  options.onThread?.(worker);
  return {
    async stop() {
      if (exited) return;
      stopRequested = true;
      const stopped = answer();
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        stopped,
        new Promise<ThreadAnswer>((resolve) => {
          timer = setTimeout(
            () =>
              resolve({ error: `no answer within ${options.stopTimeoutMs} ms; the thread was terminated` }),
            options.stopTimeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      if (!exited) await worker.terminate();
      if ('error' in outcome && outcome.error) {
        throw new Error(`the embedded database did not stop cleanly: ${outcome.error}`);
      }
    },
  };
}

/**
 * The built thread file; under jest (TypeScript sources) the one of the last build. Looked up
 * when a thread starts, so that importing the event store needs no build.
 */
function threadFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return fileURLToPath(new URL('./embedded-postgres-thread.js', import.meta.url));
  const at = here.lastIndexOf('/libs/event-store/');
  const built = `${here.slice(0, at)}/dist${here.slice(at).replace(/embedded-postgres\.ts$/, 'embedded-postgres-thread.js')}`;
  if (!existsSync(built)) throw new Error(`Build first (npm run build): ${built} is missing.`);
  return built;
}
