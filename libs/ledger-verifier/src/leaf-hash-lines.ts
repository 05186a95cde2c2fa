import { isUtf8 } from 'node:buffer';
import { entryLeafHash, type LedgerEntry } from './entry.js';
import { HASH_SIZE } from './merkle.js';

/** A piece of an export for a thread of the pool: whole lines, in order, as UTF-8. */
export interface LeafHashJob {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/**
 * What a thread gives back for a piece of an export. A line is "hashed" when it is an event
 * record of the expected shape whose entry could be hashed, whose leaf index is a plain decimal
 * number and whose recorded leaf hash, if any, is the one computed: then its leaf index and hash
 * are here, and the reading thread only checks the index against its count. Any other line (the
 * header, a checkpoint, anything malformed or not as recorded) the reading thread parses and
 * hashes itself, so it fails there exactly as it would without threads.
 */
export interface LeafHashAnswer {
  readonly id: number;
  /** The piece's non-blank lines, each as its start and end in the bytes. */
  readonly bounds: Uint32Array<ArrayBuffer>;
  /** Per line: 1 when hashed, 0 when the reading thread parses it. */
  readonly hashed: Uint8Array<ArrayBuffer>;
  /** Per hashed line, in order: the leaf index the ledger recorded. */
  readonly leafIndexes: Float64Array<ArrayBuffer>;
  /** Per hashed line, in order: its leaf hash (HASH_SIZE bytes). */
  readonly hashes: Uint8Array<ArrayBuffer>;
}

/** An empty or white line (a record starts with '{': most lines need one look, no copy). */
export function blank(line: string): boolean {
  return line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim() === '');
}

/** A BOM at the start of the export is not part of it (as TextDecoder's default); elsewhere it is. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A line's text. Throws on bytes that are not UTF-8: at that line's turn, threads or not. */
export function lineText(bytes: Uint8Array, start: number, end: number): string {
  return utf8.decode(bytes.subarray(start, end));
}

/** Whether a line is blank; one that is not UTF-8 is not (reading it fails at its turn). */
export function blankLine(bytes: Uint8Array, start: number, end: number): boolean {
  if (start === end) return true;
  if (bytes[start]! > 0x20) return false;
  try {
    return blank(lineText(bytes, start, end));
  } catch {
    return false;
  }
}

/** The non-blank lines of some UTF-8, as start and end offsets. */
export function lineBounds(bytes: Uint8Array): Uint32Array<ArrayBuffer> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bounds: number[] = [];
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(0x0a, start);
    if (end < 0) end = buffer.length;
    if (!blankLine(buffer, start, end)) bounds.push(start, end);
    start = end + 1;
  }
  return Uint32Array.from(bounds);
}

interface HashableEvent {
  readonly kind: 'event';
  readonly position: string;
  readonly leafIndex?: string;
  readonly leafHash?: string;
  readonly entry: LedgerEntry;
}

/** The shape whose checks read the same values from these fields as from the parsed record. */
function hashable(record: unknown): record is HashableEvent {
  if (typeof record !== 'object' || record === null) return false;
  const r = record as Record<string, unknown>;
  const entry = r.entry as Record<string, unknown> | null;
  return (
    r.kind === 'event' &&
    typeof r.position === 'string' &&
    (r.leafIndex === undefined || typeof r.leafIndex === 'string') &&
    (r.leafHash === undefined || typeof r.leafHash === 'string') &&
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.eventId === 'string'
  );
}

/** A leaf index the reading thread would read as the same number (BigInt takes more forms). */
const PLAIN_INDEX = /^(?:0|[1-9][0-9]{0,14})$/;

export function hashLines(job: LeafHashJob): LeafHashAnswer {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const lines = pieceLines(bytes);
  const count = lines.bounds.length / 2;
  const hashed = new Uint8Array(count);
  const leafIndexes = new Float64Array(count);
  const hashes = new Uint8Array(count * HASH_SIZE);
  let done = 0;
  for (let i = 0; i < count; i++) {
    let record: unknown;
    let hash: Buffer;
    try {
      record = JSON.parse(lines.text(i));
      if (!hashable(record) || record.leafIndex === undefined || !PLAIN_INDEX.test(record.leafIndex))
        continue;
      hash = entryLeafHash(record.entry);
    } catch {
      continue;
    }
    if (record.leafHash !== undefined && record.leafHash !== hash.toString('base64')) continue;
    hashed[i] = 1;
    leafIndexes[done] = Number(record.leafIndex);
    hashes.set(hash, done * HASH_SIZE);
    done++;
  }
  return {
    id: job.id,
    bounds: lines.bounds,
    hashed,
    leafIndexes: leafIndexes.slice(0, done),
    hashes: hashes.slice(0, done * HASH_SIZE),
  };
}

/**
 * The non-blank lines of a piece and their texts. A piece that is all UTF-8 is decoded at once
 * and cut at its newlines (which match its newline bytes one for one); otherwise line by line.
 */
function pieceLines(bytes: Buffer): { bounds: Uint32Array<ArrayBuffer>; text: (line: number) => string } {
  if (!isUtf8(bytes)) {
    const bounds = lineBounds(bytes);
    return { bounds, text: (i) => lineText(bytes, bounds[2 * i]!, bounds[2 * i + 1]!) };
  }
  // Checked first: the decoding without checks is the faster one.
  const whole = bytes.toString('utf8');
  const bounds: number[] = [];
  const texts: string[] = [];
  let [byteStart, charStart] = [0, 0];
  while (byteStart < bytes.length) {
    let byteEnd = bytes.indexOf(0x0a, byteStart);
    let charEnd = whole.indexOf('\n', charStart);
    if (byteEnd < 0) [byteEnd, charEnd] = [bytes.length, whole.length];
    const line = whole.slice(charStart, charEnd);
    if (!blank(line)) {
      bounds.push(byteStart, byteEnd);
      texts.push(line);
    }
    [byteStart, charStart] = [byteEnd + 1, charEnd + 1];
  }
  return { bounds: Uint32Array.from(bounds), text: (i) => texts[i]! };
}
