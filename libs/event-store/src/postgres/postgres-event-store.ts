import type { Pool, PoolClient } from 'pg';
import { AppendOrderError, ConcurrencyError, DuplicateEventError, InvalidAppendError } from '../errors.js';
import {
  ExpectedVersion,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type LogPosition,
  type NewEvent,
  type ReadAllBatch,
  type RecordedEvent,
} from '../event-store.port.js';
import type { Upcaster } from '../upcasting.js';
import { EVENT_STORE_MIGRATIONS, assertSchemaName, migrate } from './migrations.js';

export interface PostgresEventStoreOptions {
  /** Schema holding the store's tables; tests use one schema each. */
  readonly schema?: string;
  /** Rewrites events of old schema versions into the current shape as they are read. */
  readonly upcaster?: Upcaster;
}

interface EventRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  global_position: string;
  tx_text: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Omit<EventMetadata, 'recordedAt'>;
  recorded_at: Date;
}

// The xid8 is sent as text; the alias differs from the column so ORDER BY never sorts the text.
const EVENT_COLUMNS = `e.event_id, e.stream_id, e.stream_version, e.global_position, e.transaction_id::text as tx_text,
  e.type, e.schema_version, e.data, e.metadata, e.recorded_at`;

/**
 * The event store on PostgreSQL. The same adapter serves embedded PGlite through its socket
 * server, so there is one SQL dialect and one set of guarantees to test.
 */
export class PostgresEventStore implements EventStore {
  readonly schema: string;
  private readonly upcaster: Upcaster | undefined;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.schema = assertSchemaName(options.schema ?? 'coord');
    this.upcaster = options.upcaster;
  }

  /** Creates or upgrades the store's tables. Safe to call from several processes at once. */
  async migrate(): Promise<void> {
    await migrate(this.pool, this.schema, EVENT_STORE_MIGRATIONS);
  }

  /** Appends in a transaction of its own, retrying when a newer transaction got there first. */
  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion = ExpectedVersion.any,
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendWith(this.pool, streamId, events, expected);
      } catch (error) {
        if (!(error instanceof AppendOrderError) || attempt >= 5) throw error;
      }
    }
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
    const payload = events.map((event) => ({
      id: event.id,
      type: event.type,
      schema_version: event.schemaVersion ?? 1,
      data: event.data,
      metadata: event.metadata,
      occurred_at: event.metadata.occurredAt,
    }));
    let row: { status: string; stream_version: number; positions: string[] } | undefined;
    try {
      // A named statement: each connection parses and plans the call once, not on every append.
      const result = await db.query<{ status: string; stream_version: number; positions: string[] }>({
        name: `${this.schema}.append_events`,
        text: `select status, stream_version, positions::text[] as positions from ${this.schema}.append_events($1, $2, $3, $4)`,
        values: [
          streamId,
          expected.kind,
          expected.kind === 'exact' ? expected.version : null,
          JSON.stringify(payload),
        ],
      });
      row = result.rows[0];
    } catch (error) {
      // The same id in another stream, appended concurrently, trips the unique index.
      if (isUniqueViolation(error, 'events_event_id_unique')) {
        throw new DuplicateEventError(streamId, events[0]?.id ?? '');
      }
      throw error;
    }
    if (!row) throw new Error('append_events returned no row');
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
        throw new AppendOrderError(streamId);
      default:
        throw new Error(`append_events returned unknown status ${row.status}`);
    }
  }

  async readStream(streamId: string, options: { fromVersion?: number } = {}): Promise<RecordedEvent[]> {
    const result = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from ${this.schema}.events e
       where e.stream_id = $1 and e.stream_version >= $2
       order by e.stream_version`,
      [streamId, options.fromVersion ?? 1],
    );
    return result.rows.map((row) => this.toRecorded(row));
  }

  async readAll(after: LogPosition, limit: number): Promise<ReadAllBatch> {
    // Only transactions older than every running one are read: a transaction that took its
    // positions earlier but has not committed yet would otherwise be skipped for ever.
    const result = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from ${this.schema}.events e
       where e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         and (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
       order by e.transaction_id, e.global_position
       limit $3`,
      [after.transactionId.toString(), after.globalPosition.toString(), limit],
    );
    const events = result.rows.map((row) => this.toRecorded(row));
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

  async close(): Promise<void> {
    // The pool belongs to whoever created it.
  }

  private toRecorded(row: EventRow): RecordedEvent {
    const recorded: RecordedEvent = {
      id: row.event_id,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      globalPosition: BigInt(row.global_position),
      transactionId: BigInt(row.tx_text),
      type: row.type,
      schemaVersion: row.schema_version,
      data: row.data,
      metadata: { ...row.metadata, recordedAt: row.recorded_at.toISOString() },
    };
    return this.upcaster ? this.upcaster(recorded) : recorded;
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
