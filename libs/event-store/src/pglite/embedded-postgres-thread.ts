/**
 * The embedded database's own thread (docs/adr/0043): PGlite and its wire server, started by
 * `startEmbeddedPostgres` with `workerData` { dataDir, socketPath, maxConnections }. It answers
 * `{ ready: true }` once the socket accepts connections (or `{ error }`), and on the message
 * `'stop'` closes the server and the database, then answers `{ stopped: true }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { servePGlite } from './wire-server.js';

interface ThreadData {
  readonly dataDir: string;
  readonly socketPath: string;
  readonly maxConnections: number;
}

const port = parentPort;
if (!port) throw new Error('embedded-postgres-thread runs as a worker thread');

const errorText = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

servePGlite(workerData as ThreadData).then(
  (served) => {
    port.on('message', (message: unknown) => {
      if (message !== 'stop') return;
      served.stop().then(
        () => port.postMessage({ stopped: true }),
        (error: unknown) => port.postMessage({ stopped: true, error: errorText(error) }),
      );
    });
    port.postMessage({ ready: true });
  },
  (error: unknown) => port.postMessage({ error: errorText(error) }),
);
