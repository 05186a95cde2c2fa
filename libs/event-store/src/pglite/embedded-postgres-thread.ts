/**
 * The embedded database's own thread (docs/adr/0043): PGlite and its socket server, started by
 * `startEmbeddedPostgres` with `workerData` { dataDir, socketPath, maxConnections }. It answers
 * `{ ready: true }` once the socket accepts connections (or `{ error }`), and on the message
 * `'stop'` closes the server and the database, then answers `{ stopped: true }`.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface ThreadData {
  readonly dataDir: string;
  readonly socketPath: string;
  readonly maxConnections: number;
}

const port = parentPort;
if (!port) throw new Error('embedded-postgres-thread runs as a worker thread');
const { dataDir, socketPath, maxConnections } = workerData as ThreadData;

const errorText = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

async function start(): Promise<{ db: PGlite; server: PGLiteSocketServer }> {
  let db: PGlite;
  if (dataDir === 'memory') {
    db = await PGlite.create();
  } else {
    await mkdir(dataDir, { recursive: true });
    db = await PGlite.create(dataDir);
  }
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections });
  try {
    await server.start();
    await chmod(socketPath, 0o600);
  } catch (error) {
    await server.stop().catch(() => undefined);
    await db.close();
    throw error;
  }
  return { db, server };
}

start().then(
  ({ db, server }) => {
    port.on('message', (message: unknown) => {
      if (message !== 'stop') return;
      void (async () => {
        try {
          await server.stop();
          await db.close();
          port.postMessage({ stopped: true });
        } catch (error) {
          port.postMessage({ stopped: true, error: errorText(error) });
        }
      })();
    });
    port.postMessage({ ready: true });
  },
  (error: unknown) => port.postMessage({ error: errorText(error) }),
);
