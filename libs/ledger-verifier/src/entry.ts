import canonicalize from 'canonicalize';
import { leafHash } from './merkle.js';

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

/** The entry's bytes: RFC 8785 canonical JSON (JCS) of exactly the fields above, in UTF-8. */
export function entryBytes(entry: LedgerEntry): Buffer {
  const text = canonicalize({
    eventId: entry.eventId,
    streamId: entry.streamId,
    streamVersion: entry.streamVersion,
    type: entry.type,
    data: entry.data,
    metadata: entry.metadata,
    recordedAt: entry.recordedAt,
  });
  if (text === undefined) throw new Error(`event ${entry.eventId} cannot be written as canonical JSON`);
  return Buffer.from(text, 'utf8');
}

/** SHA-256(0x00 || canonical bytes): the entry's leaf hash. */
export function entryLeafHash(entry: LedgerEntry): Buffer {
  return leafHash(entryBytes(entry));
}
