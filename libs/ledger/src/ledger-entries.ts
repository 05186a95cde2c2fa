import type { RecordedEvent } from '#libs/event-store';
import type { LedgerEntry } from '#libs/ledger-verifier';
import { storedEntryLeafHash } from './stored-entry.js';
import type { Pool, PoolClient } from 'pg';

export type Queryable = Pick<Pool | PoolClient, 'query'>;

/**
 * Reads events as the ledger covers them: the stored JSON as written and recordedAt to the
 * microsecond (RecordedEvent rounds it to the millisecond, which would leave changes below that
 * unseen). The one place that turns an event row into a ledger entry.
 */
export const ENTRY_COLUMNS = `e.event_id::text as event_id, e.stream_id, e.stream_version, e.type,
  e.data::text as data_text, e.metadata::text as metadata_text,
  to_char(e.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as recorded_text,
  e.global_position::text as position_text, e.transaction_id::text as tx_text`;

export interface EntryRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data_text: string;
  metadata_text: string;
  recorded_text: string;
  position_text: string;
  tx_text: string;
}

export function entryOf(row: EntryRow): LedgerEntry {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    data: JSON.parse(row.data_text) as unknown,
    metadata: JSON.parse(row.metadata_text) as unknown,
    recordedAt: row.recorded_text,
  };
}

/**
 * entryLeafHash(entryOf(row)), from the row's JSON texts without parsing them into values (the
 * ledger's hot loop: once per event of the log).
 */
export function leafHashOfRow(row: EntryRow): Buffer {
  return storedEntryLeafHash({
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    dataJson: row.data_text,
    metadataJson: row.metadata_text,
    recordedAt: row.recorded_text,
  });
}

/**
 * An event as a copy-invariant ledger entry: what the port reads, with `recordedAt` the time the
 * first store recorded it and the metadata without the copy's own `recordedAt` field. Positions
 * are not part of it, so a faithful copy in either direction has the same leaves.
 */
export function entryOfRecorded(event: RecordedEvent): LedgerEntry {
  const { recordedAt, ...metadata } = event.metadata;
  return {
    eventId: event.id,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    type: event.type,
    data: event.data,
    metadata,
    recordedAt,
  };
}

/**
 * The row an event read through the port stands for (the ledger on KurrentDB): its entry as
 * entryOfRecorded gives it, and its position.
 */
export function entryRowOf(event: RecordedEvent): EntryRow {
  const entry = entryOfRecorded(event);
  return {
    event_id: entry.eventId,
    stream_id: entry.streamId,
    stream_version: entry.streamVersion,
    type: entry.type,
    data_text: JSON.stringify(entry.data),
    metadata_text: JSON.stringify(entry.metadata),
    recorded_text: entry.recordedAt,
    position_text: event.globalPosition.toString(),
    tx_text: event.transactionId.toString(),
  };
}
