import { hash } from 'node:crypto';
import { canonicalJson } from '#libs/ledger-verifier';
import { canonicalJsonOfText } from './canonical-json-text.js';

// The service's fast path to a leaf hash, kept out of libs/ledger-verifier so that what an auditor
// reads stays small: `coord verify` recomputes every leaf with entryText (canonicalJson of the
// parsed values), so a divergence of this path from it is reported as a bad leaf.

/** An entry as the events table stores it: data and metadata as JSON text. */
export interface StoredEntry {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  /** The stored JSON text of the data (any spacing and member order). */
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly recordedAt: string;
}

/**
 * entryText of the entry whose data and metadata are JSON.parse of the stored texts, written
 * from the texts (canonicalJsonOfText) and the other fields directly, in the canonical order of
 * the entry's members: the same text, without building the entry's values.
 */
export function storedEntryText(entry: StoredEntry): string {
  return (
    `{"data":${canonicalJsonOfText(entry.dataJson)},"eventId":${jsonString(entry.eventId)}` +
    `,"metadata":${canonicalJsonOfText(entry.metadataJson)},"recordedAt":${jsonString(entry.recordedAt)}` +
    `,"streamId":${jsonString(entry.streamId)},"streamVersion":${canonicalJson(entry.streamVersion)}` +
    `,"type":${jsonString(entry.type)}}`
  );
}

/** entryLeafHash of the entry of storedEntryText. */
export function storedEntryLeafHash(entry: StoredEntry): Buffer {
  return hash('sha256', `\u0000${storedEntryText(entry)}`, 'buffer');
}

function jsonString(text: string): string {
  // canonicalJson refuses what has no canonical form (a lone surrogate).
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    ? JSON.stringify(text)
    : canonicalJson(text);
}
