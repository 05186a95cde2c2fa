import { chmod, mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';

/** The SSLRequest, GSSENCRequest and CancelRequest codes (messages with no type byte). */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Protocol 3.0: the startup message, the other message with no type byte. */
const PROTOCOL_3 = 196608;
/** PostgreSQL's limits: a startup packet of at most 10,000 bytes, a message of at most 1 GB. */
const MAX_STARTUP_LENGTH = 10_000;
const MAX_MESSAGE_LENGTH = 1 << 30;
/**
 * The message types a client may send after startup. PGlite loops forever on an unknown type and
 * takes a type byte 0 for a new startup packet: anything else closes the connection.
 */
const FRONTEND_TYPES = new Set([...'BCcdDEfFHPpQSX'].map((type) => type.charCodeAt(0)));
const TERMINATE = 'X'.charCodeAt(0);
const READY_FOR_QUERY = 'Z'.charCodeAt(0);
const IDLE = 'I'.charCodeAt(0);
/** Sync: closes an extended-query batch, ends skipping after an error, answers ReadyForQuery. */
const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);

/** Messages a connection sent, complete, in order, waiting for the database. */
interface Pending {
  readonly connection: Connection;
  readonly messages: Uint8Array;
}

/** Where an answer leaves the connection: ReadyForQuery idle, in (or failed) transaction, or mid-batch. */
type AnswerEnd = 'idle' | 'busy' | 'unfinished';

function answerEnd(answer: readonly Uint8Array[]): AnswerEnd {
  // The last six bytes of an answer ending with ReadyForQuery: 'Z', int32 5, status.
  let from = answer.length;
  for (let bytes = 0; from > 0 && bytes < 6;) bytes += answer[--from]!.length;
  const tail = Buffer.concat(answer.slice(from)).subarray(-6);
  if (tail.length < 6 || tail[0] !== READY_FOR_QUERY || tail.readInt32BE(1) !== 5) return 'unfinished';
  return tail[5] === IDLE ? 'idle' : 'busy';
}

/**
 * PGlite's wire protocol on a socket, for the ordinary driver (docs/adr/0043). Like
 * `@electric-sql/pglite-socket`'s server, it hands the bytes of each connection to PGlite in order,
 * one connection at a time; unlike it, it hands over every complete message that has arrived in
 * one call (a query's Parse, Bind, Describe, Execute and Sync together) and writes the answer with
 * one write: each call into PGlite costs tens of µs before any work, five per statement doubled
 * the cost of small ones. A connection keeps PGlite to itself until an answer ends with
 * ReadyForQuery idle: through a transaction, and through an extended-query batch split across
 * reads (PGlite holds one backend's state: another connection's messages in between would mix).
 */
export class WireServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly queue: Pending[] = [];
  private running = false;
  /** The connection PGlite is in the middle of serving: only its messages go next. */
  private owner: Connection | undefined;
  /** Once closing, PGlite is about to close too: nothing more is handed to it. */
  private closing = false;

  constructor(
    private readonly db: PGlite,
    private readonly maxConnections: number,
  ) {
    this.server = createServer((socket) => this.accept(socket));
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

  /** Closes every connection and resolves once each socket has closed (its handlers have run). */
  async close(): Promise<void> {
    this.closing = true;
    this.queue.length = 0;
    const closed = [...this.connections].map(
      (connection) => new Promise<void>((resolve) => connection.socket.once('close', () => resolve())),
    );
    for (const connection of this.connections) connection.socket.destroy();
    await Promise.all([...closed, new Promise<void>((resolve) => this.server.close(() => resolve()))]);
  }

  private accept(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    if (this.connections.size >= this.maxConnections) {
      // As PostgreSQL: an ErrorResponse the driver reports, rather than a silently closed socket.
      // Answered once the startup message came (earlier, the driver may still be writing it).
      socket.once('data', () => socket.end(tooManyConnections(), () => socket.destroy()));
      socket.setTimeout(10_000, () => socket.destroy());
      return;
    }
    socket.setNoDelay(true);
    const connection = new Connection(socket, (messages) => {
      this.queue.push({ connection, messages });
      void this.drain();
    });
    this.connections.add(connection);
    socket.on('close', () => {
      this.connections.delete(connection);
      this.forget(connection);
    });
  }

  /** Runs queued messages one batch at a time, keeping PGlite to its owner until it is idle. */
  private async drain(): Promise<void> {
    if (this.running || this.closing) return;
    this.running = true;
    try {
      while (!this.closing) {
        if (this.owner?.gone) {
          await this.abandon(this.owner);
          this.owner = undefined;
          continue;
        }
        const owner = this.owner;
        const at = owner
          ? this.queue.findIndex((pending) => pending.connection === owner)
          : this.queue.length > 0
            ? 0
            : -1;
        if (at === -1) return;
        const [{ connection, messages }] = this.queue.splice(at, 1) as [Pending];
        if (connection.gone) continue;
        if (messages.length === 0) {
          // The client's Terminate, after the answers to what it sent before.
          connection.socket.end();
          continue;
        }
        const answer: Uint8Array[] = [];
        try {
          await this.db.runExclusive(() =>
            // The chunks are views of PGlite's memory, overwritten by its next answer: copied.
            this.db.execProtocolRawStream(messages, { onRawData: (chunk) => answer.push(chunk.slice()) }),
          );
        } catch {
          connection.socket.destroy();
          connection.lastEnd = 'unfinished';
          this.owner = connection;
          continue;
        }
        connection.lastEnd = answerEnd(answer);
        this.owner = connection.lastEnd === 'idle' ? undefined : connection;
        if (answer.length > 0 && connection.socket.writable) {
          connection.send(answer.length === 1 ? answer[0]! : Buffer.concat(answer));
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** A connection went away: drop what it queued; drain gives up what it left PGlite in. */
  private forget(connection: Connection): void {
    connection.gone = true;
    if (this.closing) return;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.connection === connection) this.queue.splice(i, 1);
    }
    void this.drain();
  }

  /**
   * Ends what a departed connection left open: a batch without its Sync (PGlite, after an error,
   * skips everything up to a Sync, a ROLLBACK too) and a transaction.
   */
  private async abandon(connection: Connection): Promise<void> {
    try {
      if (connection.lastEnd === 'unfinished') {
        await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => undefined }));
      }
      // exec takes PGlite's lock itself (inside runExclusive it would wait for itself).
      if (this.db.isInTransaction()) await this.db.exec('rollback');
    } catch (error) {
      process.emitWarning(`the embedded database could not roll back a closed connection: ${String(error)}`);
    }
    if (this.db.isInTransaction()) {
      process.emitWarning('the embedded database is still in the transaction of a closed connection');
    }
  }
}

/** An ErrorResponse (FATAL 53300 too_many_connections). */
function tooManyConnections(): Buffer {
  const fields = Buffer.from('SFATAL\0VFATAL\0C53300\0Msorry, too many clients already\0\0');
  const message = Buffer.alloc(5 + fields.length);
  message.write('E', 0, 'latin1');
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
}

/** One client's byte stream, cut into complete protocol messages. */
class Connection {
  /** Bytes received and not yet handed over, joined only once `wanted` of them have arrived. */
  private chunks: Buffer[] = [];
  private received = 0;
  private wanted = 0;
  private started = false;
  /** The client sent Terminate: anything after it is ignored. */
  private terminated = false;
  /** The socket closed: its messages are dropped, what it left open rolled back. */
  gone = false;
  /** Where the connection's last answer left it. */
  lastEnd: AnswerEnd = 'idle';

  constructor(
    readonly socket: Socket,
    private readonly onMessages: (messages: Uint8Array) => void,
  ) {
    socket.on('data', (data: Buffer) => this.receive(data));
  }

  /** Writes an answer; a client that does not read stops being read until it catches up. */
  send(answer: Uint8Array): void {
    if (!this.socket.write(answer) && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once('drain', () => this.socket.resume());
    }
  }

  private receive(data: Buffer): void {
    if (this.terminated) return;
    this.chunks.push(data);
    this.received += data.length;
    // A large message arrives in many reads: joined once, not once per read.
    if (this.received < this.wanted) return;
    const buffer = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.received);
    this.chunks = [];
    this.received = 0;
    this.wanted = 0;
    const rest = this.cut(buffer);
    if (rest !== undefined && rest.length > 0) {
      this.chunks.push(rest);
      this.received = rest.length;
    }
  }

  /** Hands over the complete messages of `buffer`; returns the incomplete rest, or undefined once closed. */
  private cut(buffer: Buffer): Buffer | undefined {
    while (!this.started) {
      // Untyped messages (SSLRequest, GSSENCRequest, CancelRequest, startup) come before any typed one.
      if (buffer.length < 8) {
        this.wanted = 8;
        return buffer;
      }
      const length = buffer.readInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_LENGTH) return this.reject();
      if (buffer.length < length) {
        this.wanted = length;
        return buffer;
      }
      const code = buffer.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N');
      } else if (code === CANCEL_REQUEST) {
        // Not supported by PGlite: ignored, as the socket server of pglite-socket does.
      } else {
        if (code !== PROTOCOL_3) return this.reject();
        this.started = true;
        this.onMessages(buffer.subarray(0, length));
      }
      buffer = buffer.subarray(length);
    }
    let complete = 0;
    while (buffer.length - complete >= 5) {
      const type = buffer[complete]!;
      const length = 1 + buffer.readInt32BE(complete + 1);
      if (!FRONTEND_TYPES.has(type) || length < 5 || length > MAX_MESSAGE_LENGTH) return this.reject();
      if (type === TERMINATE) {
        // PGlite skips a Terminate only as the first byte of a call (later in one it spins and the
        // process aborts): it never gets one. No messages, in turn, ask to end the connection.
        if (complete > 0) this.onMessages(buffer.subarray(0, complete));
        this.onMessages(new Uint8Array(0));
        this.terminated = true;
        return undefined;
      }
      if (buffer.length - complete < length) {
        this.wanted = length;
        break;
      }
      complete += length;
    }
    if (complete > 0) {
      // A view, not a copy: a socket's reads land in fresh buffers, never in this one again.
      this.onMessages(buffer.subarray(0, complete));
    }
    const rest = buffer.subarray(complete);
    if (this.wanted === 0) this.wanted = 5;
    return rest;
  }

  private reject(): undefined {
    this.socket.destroy();
    return undefined;
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
