import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * What a leaf of the ledger covers: one event of the global log, every field an auditor relies
 * on. Times are the strings the store recorded (recordedAt to the microsecond).
 */
export interface LedgerEntry {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly data: unknown;
  /** As stored: actor (person and agency), occurredAt, correlation and causation, idempotency key. */
  readonly metadata: unknown;
  readonly recordedAt: string;
}

/** The entry's text: RFC 8785 canonical JSON (JCS) of exactly the fields above. */
export function entryText(entry: LedgerEntry): string {
  // Members in canonical order already: when data and metadata are too, nothing is copied.
  return canonicalJson({
    data: entry.data,
    eventId: entry.eventId,
    metadata: entry.metadata,
    recordedAt: entry.recordedAt,
    streamId: entry.streamId,
    streamVersion: entry.streamVersion,
    type: entry.type,
  });
}

/** The entry's bytes: its canonical JSON in UTF-8. */
export function entryBytes(entry: LedgerEntry): Buffer {
  return Buffer.from(entryText(entry), 'utf8');
}

/**
 * SHA-256(0x00 || canonical bytes): the entry's leaf hash (merkle.ts leafHash). The hash encodes
 * the text (U+0000 and then the canonical JSON) to UTF-8 itself, in one pass, as this runs once
 * per event of the log.
 */
export function entryLeafHash(entry: LedgerEntry): Buffer {
  return hash('sha256', `\u0000${entryText(entry)}`, 'buffer');
}
