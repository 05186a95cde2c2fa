import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { PlanDraft } from './draft.types.js';
import { utf16Slices } from './plan-identity.js';

/**
 * A draft as the intake thread sends it to a caller that only stores it and answers with it: its
 * JSON already made, as UTF-8, and its source text already compressed. The caller's event loop
 * neither receives thousands of objects by structured clone nor writes megabytes of JSON again
 * (for 2,300 parties: ~300 ms and ~450 ms, docs/adr/0025).
 */
export interface SerialisedPlanDraft {
  readonly planId: string;
  readonly contentHash: string;
  /** Length of the source text as a string (UTF-16 code units), which spans count in. */
  readonly sourceTextLength: number;
  /** The source text's UTF-8, gzip-compressed as the draft store keeps it; null when not asked for. */
  readonly sourceTextGzip: Uint8Array | null;
  /**
   * `JSON.stringify` of the draft without `sourceText`, as UTF-8, gzip-compressed as the draft store
   * keeps it, compressed a piece at a time as it is made: the 14 MB JSON of 2,300 parties is 0.4 MB,
   * and is never held whole (gunzipDraftJson reads it back a chunk at a time).
   */
  readonly jsonGzip: Uint8Array;
}

/** Characters of JSON encoded at a time: the whole JSON is never one string (~2 bytes a character). */
const JSON_PIECE_CHARACTERS = 256 * 1024;

/**
 * The UTF-8 of `JSON.stringify(object)` leaving out the field `omit`, made one field, and one element
 * of an array field, at a time, and encoded 256 K characters at a time: the same bytes, without a
 * string of the whole JSON.
 */
export function jsonPieces(object: object, omit?: string): Uint8Array[] {
  return [...eachJsonPiece(object, omit)];
}

/** jsonPieces one piece at a time: a piece is made when the one before has been taken. */
function* eachJsonPiece(object: object, omit?: string): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let pendingLength = 0;
  function* add(json: string): Generator<Uint8Array> {
    pending.push(json);
    pendingLength += json.length;
    if (pendingLength >= JSON_PIECE_CHARACTERS) yield* flush();
  }
  function* flush(): Generator<Uint8Array> {
    if (pending.length === 0) return;
    const piece = encoder.encode(pending.join(''));
    pending = [];
    pendingLength = 0;
    yield piece;
  }
  let separator = '{';
  // Object.entries lists the own enumerable string keys in JSON.stringify's order.
  for (const [key, value] of Object.entries(object)) {
    if (key === omit) continue;
    if (Array.isArray(value)) {
      yield* add(`${separator}${JSON.stringify(key)}:[`);
      for (let i = 0; i < value.length; i++) {
        yield* add(`${i === 0 ? '' : ','}${JSON.stringify(value[i]) ?? 'null'}`);
      }
      yield* add(']');
    } else {
      // A field JSON.stringify leaves out (undefined, a function) is left out here too.
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) continue;
      yield* add(`${separator}${JSON.stringify(key)}:${json}`);
    }
    separator = ',';
  }
  yield* add(separator === '{' ? '{}' : '}');
  yield* flush();
}

/** The draft's JSON without its source text (jsonPieces). */
export function draftJsonPieces(draft: PlanDraft): Uint8Array[] {
  return jsonPieces(draft, 'sourceText');
}

/** Characters encoded to UTF-8 at a time: 9 MB of Vietnamese at once is ~100 ms and 9 MB more. */
const ENCODE_SLICE_CHARACTERS = 256 * 1024;

/**
 * gzip of a text's UTF-8, encoded a slice at a time with the event loop free in between (zlib works
 * in its thread pool), so the whole UTF-8 is never held: the form the draft store keeps a source in.
 * Every slice is encoded into the same buffer, reused once zlib has read it: a buffer a slice was
 * 9 MB more for a 9 MB plan until they were collected (the parties plan's peak in the intake thread).
 */
export async function gzipPlanText(text: string): Promise<Buffer> {
  // Three UTF-8 bytes at most for a UTF-16 code unit (a surrogate pair: four bytes for two).
  const slice = Buffer.allocUnsafeSlow(3 * Math.min(text.length, ENCODE_SLICE_CHARACTERS));
  const encoder = new TextEncoder();
  return gzipInOrder(
    (function* () {
      for (const [start, end] of utf16Slices(text, ENCODE_SLICE_CHARACTERS)) {
        const { written } = encoder.encodeInto(text.slice(start, end), slice);
        yield slice.subarray(0, written);
      }
    })(),
  );
}

/** gzip of pieces of bytes read in order (a draft's JSON pieces: the form the draft store keeps it in). */
export function gzipPieces(pieces: readonly Uint8Array[]): Promise<Buffer> {
  return gzipInOrder(pieces.values());
}

/**
 * gzip of the draft's JSON (draftJsonPieces), each piece compressed once made and then let go: the
 * JSON is never held whole (14 MB for 2,300 parties, the intake thread's peak when it was).
 */
export function gzipDraftJson(draft: PlanDraft): Promise<Buffer> {
  return gzipInOrder(eachJsonPiece(draft, 'sourceText'));
}

/**
 * The bytes of a gzip, decompressed a chunk (up to 256 KB) at a time as they are read, in zlib's
 * thread pool. Chunks of zlib's default 16 KB were ~900 turns of the reader's event loop for the
 * 14 MB JSON of 2,300 parties.
 */
export async function* gunzipChunks(gzip: Uint8Array): AsyncGenerator<Uint8Array> {
  // Made on the first read, not before: an answer never read (its reply torn down) leaves no zlib
  // stream behind, nor an unlistened error of one.
  yield* Readable.from([gzip], { objectMode: false }).pipe(createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }));
}

const GUNZIP_CHUNK_BYTES = 256 * 1024;

/**
 * gzip of the bytes `pieces` gives, a piece at a time with the event loop free in between (zlib works
 * in its thread pool). The next piece is asked for once zlib has consumed the last one, so a
 * generator may give the same buffer again, written over.
 */
async function gzipInOrder(pieces: Iterator<Uint8Array>): Promise<Buffer> {
  const gz = createGzip();
  const out: Buffer[] = [];
  gz.on('data', (chunk: Buffer) => out.push(chunk));
  // A zlib error reaches the write callbacks and finished() below; unlistened, the 'error' event
  // would also be thrown as uncaught and end the thread.
  gz.on('error', () => undefined);
  for (let piece = pieces.next(); piece.done !== true; piece = pieces.next()) {
    const bytes = piece.value;
    // The callback comes once zlib has consumed the bytes.
    await new Promise<void>((resolve, reject) =>
      gz.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
    await nextTurn();
  }
  gz.end();
  await finished(gz);
  return Buffer.concat(out);
}
