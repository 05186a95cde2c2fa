import { mkdir } from 'node:fs/promises';
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

/**
 * Runs PostgreSQL in-process (PGlite, compiled to WebAssembly) behind a loopback socket, so the
 * embedded default uses the very same driver and SQL as a real server. PGlite is one backend:
 * the socket server queues statements and keeps a transaction on the connection that opened it,
 * so transactions run one at a time.
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
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const address = server.getServerConn();
  return {
    connectionString: `postgres://postgres@${address}/postgres`,
    maxConnections,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
