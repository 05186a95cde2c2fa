import pg, { type Pool, type PoolClient } from 'pg';
import { AppendOrderError, ConcurrencyError, DuplicateEventError, InvalidAppendError } from '../errors.js';
import {
  ExpectedVersion,
  readPagesAhead,
  START_OF_LOG,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type LogPosition,
  type NewEvent,
  type ReadAllBatch,
  type RecordedEvent,
} from '../event-store.port.js';
import type { Upcaster } from '../upcasting.js';
import { AppendCoalescer, type AppendBatchInfo, type PendingAppend } from './append-coalescer.js';
import { appendParameters, encodeAppend, type EncodedAppend } from './append-parameters.js';
import { EVENT_STORE_MIGRATIONS, assertSchemaName, migrate } from './migrations.js';

export type { AppendBatchInfo } from './append-coalescer.js';

export interface PostgresEventStoreOptions {
  /** Schema holding the store's tables; tests use one schema each. */
  readonly schema?: string;
  /** Rewrites events of old schema versions into the current shape as they are read. */
  readonly upcaster?: Upcaster;
  /**
   * Batches of concurrent appends written at once (group commit, see AppendCoalescer). Default 2
   * (1 on a one-connection pool): one batch commits while the next one forms, and the fewer the
   * batches, the more appends share each commit (docs/adr/0004-group-commit-of-appends.md).
   */
  readonly appendConcurrency?: number;
  /** A batch of concurrent appends closes at this many events (default 1,000). */
  readonly maxBatchEvents?: number;
  /**
   * While a batch is being written, a concurrent one starts only once this many events are queued
   * (default 32): single-event appends share the next commit instead of paying one for two or three
   * of them, while large appends still overlap (ADR 0004).
   */
  readonly minEventsForConcurrentBatch?: number;
  /**
   * Told the size of each batch of appends as it is written (for metrics). Appends inside a
   * caller's transaction (`appendWith`) are not batched and not reported.
   */
  readonly onAppendBatch?: (batch: AppendBatchInfo) => void;
}

/**
 * An event as its query returns it, in EVENT_COLUMNS order. Rows come as arrays (rowMode 'array'):
 * the driver then builds no object with named properties per row on a catch-up read. The short
 * fixed-form fields come as one text (`head`): the driver cuts and decodes each field of a row
 * on its own, and on a catch-up read that per-field cost was a fifth of this process's time per
 * event (ADR 0044, addendum). (One JSON text per row instead cost the server 70% more per event
 * read and saved this process little: ADR 0044.) Data and metadata come as their JSON text
 * (RAW_JSON), parsed by EventDecoder: a catch-up read can ask for its next page before it parses
 * this one (readBatches).
 */
type EventRow = [
  /**
   * `event_id stream_version global_position transaction_id schema_version recorded_at`, joined
   * by single spaces: none of the first five holds a space, and the recorded time (which does) is
   * the rest, as PostgreSQL writes a timestamptz.
   */
  head: string,
  streamId: string,
  type: string,
  /** JSON text. */
  data: string,
  /** JSON text of the metadata, with `recordedAt` only for an event copied from another store. */
  metadata: string,
];

/** PostgreSQL's type oids of json and jsonb. */
const JSON_OIDS: ReadonlySet<number> = new Set([114, 3802]);

/** The driver's type parsers, except that json and jsonb stay text (EventRow). */
const RAW_JSON: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string): ((text: string) => unknown) =>
    JSON_OIDS.has(oid)
      ? (text: string) => text
      : (pg.types.getTypeParser(oid, format as 'text') as (
          text: string,
        ) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Where the spaces of an event row's head fall (EVENT_COLUMNS: event id, stream version, global
 * position, transaction id, schema version, recorded time; the first five hold no space).
 */
function headSpaces(head: string) {
  const versionAt = head.indexOf(' ');
  const positionAt = head.indexOf(' ', versionAt + 1);
  const transactionAt = head.indexOf(' ', positionAt + 1);
  const schemaVersionAt = head.indexOf(' ', transactionAt + 1);
  const recordedAt = head.indexOf(' ', schemaVersionAt + 1);
  if (recordedAt < 0) throw new Error(`Unexpected event row head "${head}"`);
  return { versionAt, positionAt, transactionAt, schemaVersionAt, recordedAt };
}

/** The log position of an event row, read from its head. */
function rowPosition(row: EventRow): LogPosition {
  const head = row[0];
  const { positionAt, transactionAt, schemaVersionAt } = headSpaces(head);
  return {
    transactionId: BigInt(head.slice(transactionAt + 1, schemaVersionAt)),
    globalPosition: BigInt(head.slice(positionAt + 1, transactionAt)),
  };
}

/** PostgreSQL's type oid of timestamptz. */
const TIMESTAMPTZ_OID = 1184;

/**
 * Turns the rows of one query into recorded events. The events of one transaction share its id
 * and its recorded time (now() is the transaction's start), and the log is read in transaction
 * order, so each distinct value is parsed once, not once per row.
 */
class EventDecoder {
  private readonly parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date;
  private transactionText = '';
  private transactionId = 0n;
  private recordedText = '';
  private recordedIso = '';

  constructor(private readonly upcaster: Upcaster | undefined) {}

  decode(row: EventRow): RecordedEvent {
    const [head, streamId, type, dataText, metadataText] = row;
    const { versionAt, positionAt, transactionAt, schemaVersionAt, recordedAt } = headSpaces(head);
    const transactionText = head.slice(transactionAt + 1, schemaVersionAt);
    if (transactionText !== this.transactionText) {
      this.transactionText = transactionText;
      this.transactionId = BigInt(transactionText);
    }
    const recordedText = head.slice(recordedAt + 1);
    if (recordedText !== this.recordedText) {
      // The driver's parser reads PostgreSQL's ISO output only (DateStyle ISO, the default).
      const recordedDate = this.parseTimestamp(recordedText) as Date | null;
      if (recordedDate === null || Number.isNaN(recordedDate.getTime())) {
        throw new Error(`Unreadable recorded time "${recordedText}": the database's DateStyle must be ISO`);
      }
      this.recordedText = recordedText;
      this.recordedIso = recordedDate.toISOString();
    }
    // The metadata object is this row's own, fresh from JSON.parse: it takes the recorded time in
    // place instead of being copied. An event copied from another store keeps the time that store
    // recorded it.
    const metadata = JSON.parse(metadataText) as Omit<EventMetadata, 'recordedAt'> & { recordedAt?: string };
    metadata.recordedAt ??= this.recordedIso;
    const recorded: RecordedEvent = {
      id: head.slice(0, versionAt),
      streamId,
      streamVersion: Number(head.slice(versionAt + 1, positionAt)),
      globalPosition: BigInt(head.slice(positionAt + 1, transactionAt)),
      transactionId: this.transactionId,
      type,
      schemaVersion: Number(head.slice(schemaVersionAt + 1, recordedAt)),
      data: JSON.parse(dataText) as unknown,
      metadata: metadata as EventMetadata,
    };
    return this.upcaster ? this.upcaster(recorded) : recorded;
  }
}

/** What append_events answers for one append. */
interface AppendRow {
  status: string;
  stream_version: number;
  positions: string[];
}

// See EventRow. The xid8 goes into the head as text; queries order by the column, never the text.
const EVENT_COLUMNS = `concat_ws(' ', e.event_id, e.stream_version, e.global_position, e.transaction_id,
  e.schema_version, e.recorded_at) as head, e.stream_id, e.type, e.data, e.metadata`;

/** An append refused as out of order is written again in a new transaction, this many times. */
const MAX_APPEND_ATTEMPTS = 5;

/** Streams written at once when the appends of a failed batch are written one by one. */
const FALLBACK_CONCURRENCY = 4;

/**
 * The event store on PostgreSQL. The same adapter serves embedded PGlite through its socket
 * server, so there is one SQL dialect and one set of guarantees to test.
 */
export class PostgresEventStore implements EventStore {
  readonly schema: string;
  private readonly upcaster: Upcaster | undefined;
  private readonly coalescer: AppendCoalescer;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.schema = assertSchemaName(options.schema ?? 'coord');
    this.upcaster = options.upcaster;
    const connections = pool.options.max ?? 10;
    this.coalescer = new AppendCoalescer(
      {
        maxConcurrentBatches: options.appendConcurrency ?? Math.max(1, Math.min(2, connections)),
        maxBatchEvents: options.maxBatchEvents ?? 1000,
        minEventsForConcurrentBatch: options.minEventsForConcurrentBatch ?? 32,
        ...(options.onAppendBatch ? { onBatch: options.onAppendBatch } : {}),
      },
      (batch) => this.writeBatch(batch),
    );
  }

  /** Creates or upgrades the store's tables. Safe to call from several processes at once. */
  async migrate(): Promise<void> {
    await migrate(this.pool, this.schema, EVENT_STORE_MIGRATIONS);
  }

  /**
   * Appends in a transaction of its own. Appends that arrive while others are being written are
   * written together in one transaction, each with its own expected version and outcome.
   */
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion = ExpectedVersion.any,
  ): Promise<AppendResult> {
    validateAppend(streamId, events);
    return new Promise((resolve, reject) => {
      this.coalescer.submit({ streamId, events, expected, attempts: 0, resolve, reject });
    });
  }

  /**
   * Appends through a given connection, so the events commit or roll back together with the
   * caller's other writes in the same transaction (for example an idempotency record).
   */
  async appendWith(
    db: Pick<Pool | PoolClient, 'query'>,
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion = ExpectedVersion.any,
  ): Promise<AppendResult> {
    validateAppend(streamId, events);
    const rows = await this.callAppendEvents(db, [encodeAppend({ streamId, events, expected })]);
    const row = rows.get(1);
    if (!row) throw new Error('append_events returned no row');
    return appendOutcome(streamId, events, expected, row);
  }

  /**
   * Many appends through a given connection, in one statement: they commit or roll back with the
   * caller's other writes (the deadline timers marked fired with their events). Appends to one
   * stream are written in the order given. Throws on the first append refused; an append that
   * loses a race with another transaction ends the caller's transaction (AppendOrderError when one
   * append is given, the database's unique-violation error when several are).
   */
  async appendAllWith(
    db: Pick<Pool | PoolClient, 'query'>,
    appends: readonly { streamId: string; events: readonly NewEvent[]; expected?: ExpectedVersion }[],
  ): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    const encoded = appends.map((append) => {
      validateAppend(append.streamId, append.events);
      return encodeAppend({ ...append, expected: append.expected ?? ExpectedVersion.any });
    });
    const rows = await this.callAppendEvents(db, encoded);
    return encoded.map((append, index) => {
      const row = rows.get(index + 1);
      if (!row) throw new Error('append_events returned no row for an append');
      return appendOutcome(append.streamId, append.events, append.expected, row);
    });
  }

  /** Calls append_events for one or many encoded appends; its rows by append number (from 1). */
  private async callAppendEvents(
    db: Pick<Pool | PoolClient, 'query'>,
    appends: readonly EncodedAppend[],
  ): Promise<Map<number, AppendRow>> {
    try {
      // A named statement: each connection parses and plans the call once, not on every append.
      const result = await db.query<AppendRow & { ord: number }>({
        name: `${this.schema}.append_events`,
        text: `select ord, status, stream_version, positions::text[] as positions
               from ${this.schema}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        values: appendParameters(appends),
      });
      return new Map(result.rows.map((row) => [row.ord, row]));
    } catch (error) {
      // An id being written by a transaction not yet committed when this one checked: the same
      // append retried meanwhile, or the id reused in another stream. In a transaction of its own
      // the append is written again, and then answered as a retry (duplicate) or refused for the
      // reused id (DuplicateEventError), with the other transaction's events in sight; in the
      // caller's transaction, which the failure has ended, it is refused as a reused id.
      if (appends.length === 1 && isUniqueViolation(error, 'events_event_id_unique')) {
        if (db === this.pool) throw new AppendOrderError(appends[0]!.streamId);
        throw new DuplicateEventError(appends[0]!.streamId, appends[0]!.events[0]?.id ?? '');
      }
      // Another transaction wrote the stream's next version first, and has committed. In a
      // transaction of its own the append is written again: it then sees the winner's events and
      // is answered as any other append, with the stream's actual version. In the caller's
      // transaction, which the failure has ended, it is refused the same way (retry in a new
      // transaction): the actual version cannot be asked on that connection, and a second
      // connection could wait for ever on a pool held by such callers. The application layer
      // treats this refusal as it treats a concurrency error (decide again).
      if (appends.length === 1 && isUniqueViolation(error, 'events_stream_version_unique')) {
        throw new AppendOrderError(appends[0]!.streamId);
      }
      throw error;
    }
  }

  /** Writes a batch the coalescer took: one append alone, several in one statement. */
  private async writeBatch(batch: readonly PendingAppend[]): Promise<void> {
    if (batch.length === 1) {
      const append = batch[0]!;
      if ((await this.writeAlone(append)) === 'again') this.coalescer.retry([append]);
      return;
    }
    // Streams are written in stream-id order, so two batches racing for the same streams' next
    // versions never wait on each other's index entries in a cycle.
    // (Array sort is stable: appends to one stream keep their arrival order.)
    const ordered = [...batch].sort((a, b) =>
      a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0,
    );
    // Data the database could not store is refused here, for its own append only.
    const accepted: PendingAppend[] = [];
    const encoded: EncodedAppend[] = [];
    for (const append of ordered) {
      try {
        encoded.push(encodeAppend(append));
        accepted.push(append);
      } catch (error) {
        append.reject(error);
      }
    }
    if (accepted.length === 0) return;
    let rows: Map<number, AppendRow>;
    try {
      rows = await this.callAppendEvents(this.pool, encoded);
    } catch {
      // The statement failed as a whole, so nothing of it was committed (or, after a connection
      // lost at commit, all of it was: the appends are then answered as retries). Whatever failed
      // (one append's bad data, a deadlock with a transaction outside the store, a lost connection)
      // belongs to some appends, not to all: each is written again on its own.
      await this.writeEachAlone(accepted);
      return;
    }
    const again: PendingAppend[] = [];
    accepted.forEach((append, index) => {
      const row = rows.get(index + 1);
      if (!row) {
        append.reject(new Error('append_events returned no row for an append'));
      } else if (
        this.settle(append, () => appendOutcome(append.streamId, append.events, append.expected, row)) ===
        'again'
      ) {
        again.push(append);
      }
    });
    if (again.length > 0) this.coalescer.retry(again);
  }

  /**
   * Writes the appends of a failed batch one by one: each stream's appends in order, a few streams
   * at a time. An append to be written again holds back the rest of its stream, in order.
   */
  private async writeEachAlone(ordered: readonly PendingAppend[]): Promise<void> {
    const byStream = new Map<string, PendingAppend[]>();
    for (const append of ordered)
      byStream.set(append.streamId, [...(byStream.get(append.streamId) ?? []), append]);
    const streams = [...byStream.values()];
    const again = new Set<PendingAppend>();
    const writeStreams = async (): Promise<void> => {
      for (let appends = streams.shift(); appends; appends = streams.shift()) {
        for (const [index, append] of appends.entries()) {
          if ((await this.writeAlone(append)) === 'again') {
            for (const held of appends.slice(index)) again.add(held);
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FALLBACK_CONCURRENCY, streams.length) }, writeStreams));
    if (again.size > 0) this.coalescer.retry(ordered.filter((append) => again.has(append)));
  }

  private async writeAlone(append: PendingAppend): Promise<'settled' | 'again'> {
    let outcome: () => AppendResult;
    try {
      const result = await this.appendWith(this.pool, append.streamId, append.events, append.expected);
      outcome = () => result;
    } catch (error) {
      outcome = () => {
        throw error;
      };
    }
    return this.settle(append, outcome);
  }

  /**
   * Resolves or rejects an append, except one refused as out of order, which is to be written
   * again in a new transaction (up to MAX_APPEND_ATTEMPTS times): the caller hands it back.
   */
  private settle(append: PendingAppend, outcome: () => AppendResult): 'settled' | 'again' {
    try {
      append.resolve(outcome());
    } catch (error) {
      append.attempts++;
      if (error instanceof AppendOrderError && append.attempts < MAX_APPEND_ATTEMPTS) return 'again';
      append.reject(error);
    }
    return 'settled';
  }

  async readStream(streamId: string, options: { fromVersion?: number } = {}): Promise<RecordedEvent[]> {
    return this.queryEvents(
      `select ${EVENT_COLUMNS} from ${this.schema}.events e
        where e.stream_id = $1 and e.stream_version >= $2
        order by e.stream_version`,
      [streamId, options.fromVersion ?? 1],
    );
  }

  /**
   * Several whole streams in one query, each in version order (streams with no event are absent):
   * how a past state of one agency folds its tasks' streams without a query per task.
   */
  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const streams = new Map<string, RecordedEvent[]>();
    if (streamIds.length === 0) return streams;
    const events = await this.queryEvents(
      `select ${EVENT_COLUMNS} from ${this.schema}.events e
        where e.stream_id = any($1::text[])
        order by e.stream_id, e.stream_version`,
      [[...streamIds]],
    );
    for (const event of events) {
      const stream = streams.get(event.streamId);
      if (stream) stream.push(event);
      else streams.set(event.streamId, [event]);
    }
    return streams;
  }

  /**
   * Reads what it is asked for and no more: a consumer that wants the next page while it handles
   * this one asks for it itself (readBatches, or DurableSubscription's opt-in read-ahead, off while
   * it is paced; ADR 0044 on why readAll does not).
   */
  async readAll(after: LogPosition, limit: number): Promise<ReadAllBatch> {
    // PostgreSQL refuses a negative LIMIT; asking for nothing answers nothing.
    if (limit <= 0) return { events: [], next: after };
    return this.decodePage(await this.readPage(after, limit), after);
  }

  /**
   * The pages readAll answers from `after` on (see readLogBatches): as soon as a full page's rows
   * are in, the next page is asked for, and the server reads it while this process parses this
   * page's JSON and the caller handles it (ADR 0044, addendum of 2026-12-07).
   */
  readBatches(after: LogPosition, limit: number): AsyncGenerator<ReadAllBatch, void, undefined> {
    return readPagesAhead(after, limit, (from) => this.readPage(from, limit), {
      size: (rows) => rows.length,
      end: (rows) => rowPosition(rows[rows.length - 1]!),
      toBatch: (rows, from) => this.decodePage(rows, from),
    });
  }

  /** One page of the log as rows (see readAll): transactions older than every running one. */
  private async readPage(after: LogPosition, limit: number): Promise<EventRow[]> {
    // Only transactions older than every running one are read: a transaction that took its
    // positions earlier but has not committed yet would otherwise be skipped for ever.
    return this.queryRows(
      `select ${EVENT_COLUMNS} from ${this.schema}.events e
        where e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          and (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
        order by e.transaction_id, e.global_position
        limit $3`,
      [after.transactionId.toString(), after.globalPosition.toString(), limit],
      // Named: each connection parses and plans the catch-up query once.
      `${this.schema}.read_all`,
    );
  }

  private decodePage(rows: readonly EventRow[], after: LogPosition): ReadAllBatch {
    const events = this.decodeRows(rows);
    const last = events[events.length - 1];
    return {
      events,
      next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
    };
  }

  async logPositionOf(globalPosition: bigint): Promise<LogPosition | null> {
    const result = await this.pool.query<{ transaction_id: string }>(
      `select transaction_id::text as transaction_id from ${this.schema}.events where global_position = $1`,
      [globalPosition.toString()],
    );
    const row = result.rows[0];
    return row ? { transactionId: BigInt(row.transaction_id), globalPosition } : null;
  }

  async headPosition(): Promise<bigint> {
    const result = await this.pool.query<{ head: string | null }>(
      `select max(global_position)::text as head from ${this.schema}.events`,
    );
    return BigInt(result.rows[0]?.head ?? 0);
  }

  async readableHead(): Promise<LogPosition> {
    // A backward scan of the log-order index, below the oldest running transaction (as readAll).
    const result = await this.pool.query<{ tx_text: string; global_position: string }>(
      `select e.transaction_id::text as tx_text, e.global_position from ${this.schema}.events e
       where e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       order by e.transaction_id desc, e.global_position desc
       limit 1`,
    );
    const row = result.rows[0];
    return row
      ? { transactionId: BigInt(row.tx_text), globalPosition: BigInt(row.global_position) }
      : START_OF_LOG;
  }

  async close(): Promise<void> {
    // The pool belongs to whoever created it.
  }

  /** Events selected with EVENT_COLUMNS, as rows of arrays decoded in order (see EventDecoder). */
  private async queryEvents(text: string, values: unknown[], name?: string): Promise<RecordedEvent[]> {
    return this.decodeRows(await this.queryRows(text, values, name));
  }

  /** Rows selected with EVENT_COLUMNS as events, decoded in order (see EventDecoder). */
  private decodeRows(rows: readonly EventRow[]): RecordedEvent[] {
    const decoder = this.decoder();
    return rows.map((row) => decoder.decode(row));
  }

  /** Rows selected with EVENT_COLUMNS, not decoded yet (see EventRow). */
  private async queryRows(text: string, values: unknown[], name?: string): Promise<EventRow[]> {
    const result = await this.pool.query<EventRow>({
      ...(name ? { name } : {}),
      text,
      values,
      rowMode: 'array',
      types: RAW_JSON,
    });
    return result.rows;
  }

  private decoder(): EventDecoder {
    return new EventDecoder(this.upcaster);
  }
}

function validateAppend(streamId: string, events: readonly NewEvent[]): void {
  if (streamId.trim() === '') throw new InvalidAppendError('A stream id is required');
  if (events.length === 0) throw new InvalidAppendError(`Nothing to append to ${streamId}`);
  const ids = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidAppendError(`Event id "${event.id}" is not a uuid`);
    if (ids.has(event.id)) throw new InvalidAppendError(`Event id ${event.id} appears twice in one append`);
    ids.add(event.id);
    if (Number.isNaN(Date.parse(event.metadata.occurredAt))) {
      throw new InvalidAppendError(`Event ${event.id} has no valid occurredAt`);
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === '23505' &&
    (error as { constraint?: unknown }).constraint === constraint
  );
}

/** Turns append_events' answer into the append's result, or the typed error it stands for. */
function appendOutcome(
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedVersion,
  row: AppendRow,
): AppendResult {
  switch (row.status) {
    case 'ok':
    case 'duplicate': {
      const positions = row.positions.map((p) => BigInt(p));
      return {
        nextVersion: row.stream_version,
        positions,
        lastPosition: positions[positions.length - 1] ?? 0n,
        duplicate: row.status === 'duplicate',
      };
    }
    case 'conflict':
      throw new ConcurrencyError(streamId, expected, row.stream_version);
    case 'duplicate-conflict':
      throw new DuplicateEventError(streamId, events[0]?.id ?? '');
    case 'out-of-order':
      // The stream moved past the expected version as well: that is the answer that tells the
      // writer what to do (decide again), whichever of the two checks the database made first.
      if (expected.kind !== 'any' && row.stream_version !== expectedVersionNumber(expected)) {
        throw new ConcurrencyError(streamId, expected, row.stream_version);
      }
      throw new AppendOrderError(streamId);
    default:
      throw new Error(`append_events returned unknown status ${row.status}`);
  }
}

/** The stream version an expectation names: 0 for a stream that must not exist yet. */
function expectedVersionNumber(expected: Exclude<ExpectedVersion, { kind: 'any' }>): number {
  return expected.kind === 'exact' ? expected.version : 0;
}
