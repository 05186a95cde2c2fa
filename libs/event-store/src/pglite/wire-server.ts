import { chmod, mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';

/** The SSLRequest and CancelRequest codes (8- and 16-byte messages with no type byte). */
const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
/** Protocol 3.0: the startup message, the other message with no type byte. */
const PROTOCOL_3 = 196608;

/** Messages a connection sent, complete, in order, waiting for the database. */
interface Pending {
  readonly connection: Connection;
  readonly messages: Uint8Array;
}

/**
 * PGlite's wire protocol on a socket, for the ordinary driver (docs/adr/0043). Like
 * `@electric-sql/pglite-socket`'s server, it hands the bytes of each connection to PGlite in order,
 * one connection at a time, and while a transaction is open only that connection's; unlike it, it
 * hands over every complete message that has arrived in one call (a query's Parse, Bind,
 * Describe, Execute and Sync together) and writes the answer with one write: each call into
 * PGlite costs tens of µs before any work, five per statement doubled the cost of small ones.
 */
export class WireServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly queue: Pending[] = [];
  private running = false;
  /** The connection whose messages ran last: while PGlite is in a transaction, only its go next. */
  private last: Connection | undefined;
  /** Once closing, PGlite is about to close too: nothing more is handed to it. */
  private closing = false;

  constructor(
    private readonly db: PGlite,
    private readonly maxConnections: number,
  ) {
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = maxConnections;
  }

  listen(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.queue.length = 0;
    for (const connection of [...this.connections]) connection.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(socket, (messages) => {
      this.queue.push({ connection, messages });
      void this.drain();
    });
    this.connections.add(connection);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.connections.delete(connection);
      void this.forget(connection);
    });
  }

  /** Runs queued messages one batch at a time, keeping an open transaction to its connection. */
  private async drain(): Promise<void> {
    if (this.running || this.closing) return;
    this.running = true;
    try {
      while (!this.closing) {
        const at =
          this.db.isInTransaction() && this.last
            ? this.queue.findIndex((pending) => pending.connection === this.last)
            : this.queue.length > 0
              ? 0
              : -1;
        if (at === -1) return;
        const [{ connection, messages }] = this.queue.splice(at, 1) as [Pending];
        this.last = connection;
        if (connection.socket.destroyed) continue;
        const answer: Uint8Array[] = [];
        try {
          await this.db.runExclusive(() =>
            // The chunks are views of PGlite's memory, overwritten by its next answer: copied.
            this.db.execProtocolRawStream(messages, { onRawData: (chunk) => answer.push(chunk.slice()) }),
          );
        } catch {
          connection.socket.destroy();
          continue;
        }
        if (answer.length > 0 && connection.socket.writable) {
          connection.socket.write(answer.length === 1 ? answer[0]! : Buffer.concat(answer));
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** A connection went away: drop what it queued, and roll back the transaction it left open. */
  private async forget(connection: Connection): Promise<void> {
    if (this.closing) return;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.connection === connection) this.queue.splice(i, 1);
    }
    if (this.last === connection && this.db.isInTransaction()) {
      // exec takes PGlite's lock itself (inside runExclusive it would wait for itself).
      await this.db.exec('rollback').catch(() => undefined);
      this.last = undefined;
      void this.drain();
    }
  }
}

/** One client's byte stream, cut into complete protocol messages. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;

  constructor(
    readonly socket: Socket,
    private readonly onMessages: (messages: Uint8Array) => void,
  ) {
    socket.on('data', (data: Buffer) => this.receive(data));
  }

  private receive(data: Buffer): void {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    let complete = 0;
    while (this.buffer.length - complete >= 5 || (!this.started && this.buffer.length - complete >= 8)) {
      if (!this.started) {
        // Untyped messages (SSLRequest, CancelRequest, startup) come before any typed one.
        const length = this.buffer.readInt32BE(complete);
        if (length < 8) {
          this.socket.destroy();
          return;
        }
        if (this.buffer.length - complete < length) break;
        const code = this.buffer.readInt32BE(complete + 4);
        if (code === SSL_REQUEST) {
          this.socket.write('N');
        } else if (code === CANCEL_REQUEST) {
          // Not supported by PGlite: ignored, as the socket server of pglite-socket does.
        } else {
          if (code !== PROTOCOL_3) {
            this.socket.destroy();
            return;
          }
          this.started = true;
          this.onMessages(this.buffer.subarray(complete, complete + length));
        }
        this.buffer = this.buffer.subarray(complete + length);
        complete = 0;
        continue;
      }
      const length = 1 + this.buffer.readInt32BE(complete + 1);
      if (length < 5) {
        this.socket.destroy();
        return;
      }
      if (this.buffer.length - complete < length) break;
      complete += length;
    }
    if (this.started && complete > 0) {
      // A view, not a copy: a socket's reads land in fresh buffers, never in this one again.
      this.onMessages(this.buffer.subarray(0, complete));
      this.buffer = this.buffer.subarray(complete);
    }
  }
}

/** PGlite served on a Unix-domain socket: what `stop` closes. */
export interface ServedPGlite {
  stop(): Promise<void>;
}

/**
 * Opens PGlite on `dataDir` ('memory' for a throw-away database) and serves it on the socket
 * `socketPath` (0600: only this process's user may connect, docs/adr/0016-edges.md).
 */
export async function servePGlite(options: {
  readonly dataDir: string;
  readonly socketPath: string;
  readonly maxConnections: number;
}): Promise<ServedPGlite> {
  let db: PGlite;
  if (options.dataDir === 'memory') {
    db = await PGlite.create();
  } else {
    await mkdir(options.dataDir, { recursive: true });
    db = await PGlite.create(options.dataDir);
  }
  const server = new WireServer(db, options.maxConnections);
  try {
    await server.listen(options.socketPath);
    await chmod(options.socketPath, 0o600);
  } catch (error) {
    await server.close().catch(() => undefined);
    await db.close();
    throw error;
  }
  return {
    async stop() {
      await server.close();
      await db.close();
    },
  };
}
