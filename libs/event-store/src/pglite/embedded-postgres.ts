import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL the normal driver (pg, TypeORM) connects to. */
  readonly connectionString: string;
  /** Number of connections the embedded server accepts; size pools below it. */
  readonly maxConnections: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory for the database files, or 'memory' for a throw-away database. */
  /** A directory, or 'memory' for a throw-away database. */
  readonly dataDir: string;
  readonly maxConnections?: number;
}

/** The file name libpq and pg give a server's socket in its directory (`host=/dir`, port 5432). */
const SOCKET_FILE = '.s.PGSQL.5432';

/**
 * Runs PostgreSQL in-process (PGlite, compiled to WebAssembly) behind a socket server, so the
 * embedded default uses the very same driver and SQL as a real server. PGlite is one backend:
 * the socket server queues statements and keeps a transaction on the connection that opened it,
 * so transactions run one at a time.
 *
 * PGlite accepts any user and password as superuser, so the socket is a Unix-domain socket in a
 * fresh directory only this process's user may enter (0700, the socket 0600), never a TCP port
 * another user or a browser page on the host could reach (docs/adr/0016-edges.md).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const maxConnections = options.maxConnections ?? 4;
  let db: PGlite;
  if (options.dataDir === 'memory') {
    db = await PGlite.create();
  } else {
    await mkdir(options.dataDir, { recursive: true });
    db = await PGlite.create(options.dataDir);
  }
  // Short (a socket path has a limit of about 100 bytes) and private: mkdtemp makes it 0700.
  const socketDirectory = await mkdtemp(join(tmpdir(), 'coord-pglite-'));
  const server = new PGLiteSocketServer({ db, path: join(socketDirectory, SOCKET_FILE), maxConnections });
  try {
    await server.start();
    await chmod(join(socketDirectory, SOCKET_FILE), 0o600);
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(socketDirectory, { recursive: true, force: true });
    await db.close();
    throw error;
  }
  return {
    connectionString: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDirectory)}`,
    maxConnections,
    async stop() {
      await server.stop();
      await rm(socketDirectory, { recursive: true, force: true });
      await db.close();
    },
  };
}
