import type { Pool } from 'pg';
import { ENTRY_COLUMNS, entryOf, type EntryRow } from './ledger-entries.js';
import type { LedgerEntry } from '#libs/ledger-verifier';

/** Filters of GET /events; every one optional, all of them together. */
export interface EventFilter {
  readonly streamId?: string;
  readonly type?: string;
  /** The agency the actor acted for. */
  readonly agency?: string;
  /** The person who acted. */
  readonly actor?: string;
  /** Global positions, inclusive. */
  readonly fromPosition?: bigint;
  readonly toPosition?: bigint;
  /** ISO 8601 instants, inclusive from, exclusive to. */
  readonly occurredFrom?: string;
  readonly occurredTo?: string;
  readonly recordedFrom?: string;
  readonly recordedTo?: string;
}

export interface BrowsedEvent {
  readonly position: string;
  readonly leafIndex: string | null;
  readonly event: LedgerEntry;
}

/** A page of events and the cursor of the next page (null at the end). */
export interface EventPage {
  readonly events: readonly BrowsedEvent[];
  readonly next: string | null;
}

/** What GET /events and GET /events/{id} read: the SQL browser, or the one over the port. */
export interface EventBrowsing {
  page(filter: EventFilter, cursor: string | undefined, limit: number): Promise<EventPage>;
  byId(eventId: string): Promise<BrowsedEvent | null>;
}

/** Where a page ends: the log position of its last event, as `transactionId.globalPosition`. */
export function parseCursor(cursor: string): { transactionId: bigint; globalPosition: bigint } | null {
  const match = /^(\d{1,20})\.(\d{1,19})$/.exec(cursor);
  return match ? { transactionId: BigInt(match[1]!), globalPosition: BigInt(match[2]!) } : null;
}

/**
 * Browses the global log in its order (ADR 0002) with filters, for auditors: each event as the
 * ledger covers it, with its leaf. Reads the PostgreSQL event store's table directly; the filters
 * here are the ones `matchesFilter` (port-event-browser.ts) mirrors for a log read through the port.
 */
export class EventBrowser implements EventBrowsing {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async page(filter: EventFilter, cursor: string | undefined, limit: number): Promise<EventPage> {
    const values: unknown[] = [];
    const where: string[] = ['e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())'];
    const add = (sql: (n: string) => string, value: unknown): void => {
      values.push(value);
      where.push(sql(`$${values.length}`));
    };
    if (filter.streamId !== undefined) add((n) => `e.stream_id = ${n}`, filter.streamId);
    if (filter.type !== undefined) add((n) => `e.type = ${n}`, filter.type);
    if (filter.agency !== undefined) add((n) => `e.metadata->'actor'->>'agencyCode' = ${n}`, filter.agency);
    if (filter.actor !== undefined) add((n) => `e.metadata->'actor'->>'personId' = ${n}`, filter.actor);
    if (filter.fromPosition !== undefined)
      add((n) => `e.global_position >= ${n}`, filter.fromPosition.toString());
    if (filter.toPosition !== undefined)
      add((n) => `e.global_position <= ${n}`, filter.toPosition.toString());
    if (filter.occurredFrom !== undefined) add((n) => `e.occurred_at >= ${n}`, filter.occurredFrom);
    if (filter.occurredTo !== undefined) add((n) => `e.occurred_at < ${n}`, filter.occurredTo);
    if (filter.recordedFrom !== undefined) add((n) => `e.recorded_at >= ${n}`, filter.recordedFrom);
    if (filter.recordedTo !== undefined) add((n) => `e.recorded_at < ${n}`, filter.recordedTo);
    const after = cursor === undefined ? null : parseCursor(cursor);
    if (after) {
      values.push(after.transactionId.toString(), after.globalPosition.toString());
      where.push(
        `(e.transaction_id, e.global_position) > ($${values.length - 1}::text::xid8, $${values.length}::bigint)`,
      );
    }
    values.push(limit + 1);
    const result = await this.pool.query<EntryRow & { leaf_index: string | null }>(
      `select l.leaf_index::text, ${ENTRY_COLUMNS}
       from ${this.schema}.events e left join ${this.schema}.ledger_leaves l on l.global_position = e.global_position
       where ${where.join(' and ')}
       order by e.transaction_id, e.global_position limit $${values.length}`,
      values,
    );
    const rows = result.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    return {
      events: rows.map((row) => ({
        position: row.position_text,
        leafIndex: row.leaf_index,
        event: entryOf(row),
      })),
      next: result.rows.length > limit && last ? `${last.tx_text}.${last.position_text}` : null,
    };
  }

  async byId(eventId: string): Promise<BrowsedEvent | null> {
    const result = await this.pool.query<EntryRow & { leaf_index: string | null }>(
      `select l.leaf_index::text, ${ENTRY_COLUMNS}
       from ${this.schema}.events e left join ${this.schema}.ledger_leaves l on l.global_position = e.global_position
       where e.event_id = $1`,
      [eventId],
    );
    const row = result.rows[0];
    return row ? { position: row.position_text, leafIndex: row.leaf_index, event: entryOf(row) } : null;
  }
}
