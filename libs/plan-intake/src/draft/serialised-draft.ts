import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { PlanDraftStream } from './build-plan-draft.js';
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
 * string of the whole JSON. Each piece is a copy (the encoder's buffer is reused).
 */
export function jsonPieces(object: object, omit?: string): Uint8Array[] {
  return Array.from(encodedInReusedBuffer(eachJsonString(fieldsOf(object, omit))), (bytes) =>
    Uint8Array.from(bytes),
  );
}

/** An object's own enumerable string keys and values, in JSON.stringify's order, but `omit`. */
function fieldsOf(object: object, omit?: string): [string, unknown][] {
  // Object.entries lists the own enumerable string keys in JSON.stringify's order.
  return Object.entries(object).filter(([key]) => key !== omit);
}

/** An array field whose elements are given one at a time (a draft's tasks as they are built). */
class JsonArrayOf {
  constructor(readonly elements: Iterable<unknown>) {}
}

/**
 * The JSON object of `fields` (key and value, in order), as strings that joined are its
 * `JSON.stringify`: an array is written an element at a time, and each field is read only once the
 * fields before it are written.
 */
function* eachJsonString(fields: Iterable<readonly [string, unknown]>): Generator<string> {
  let separator = '{';
  for (const [key, value] of fields) {
    if (Array.isArray(value) || value instanceof JsonArrayOf) {
      yield `${separator}${JSON.stringify(key)}:[`;
      let comma = '';
      for (const element of value instanceof JsonArrayOf ? value.elements : (value as unknown[])) {
        yield `${comma}${JSON.stringify(element) ?? 'null'}`;
        comma = ',';
      }
      yield ']';
    } else {
      // A field JSON.stringify leaves out (undefined, a function) is left out here too.
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) continue;
      yield `${separator}${JSON.stringify(key)}:${json}`;
    }
    separator = ',';
  }
  yield separator === '{' ? '{}' : '}';
}

/**
 * The UTF-8 of `strings`, encoded into one buffer reused once the bytes it gave have been taken
 * (zlib has consumed them): neither a string of 256 K characters joined nor a buffer of its bytes
 * made for each piece. Both were garbage of V8's old generation (a string that large is made
 * there), ~28 MB of it for the 14 MB JSON of 2,300 parties, until its next full collection, at
 * the intake thread's peak (docs/adr/0039).
 */
function* encodedInReusedBuffer(strings: Iterable<string>): Generator<Uint8Array> {
  // Three UTF-8 bytes at most for a UTF-16 code unit (a surrogate pair: four bytes for two).
  const buffer = Buffer.allocUnsafeSlow(3 * JSON_PIECE_CHARACTERS);
  const encoder = new TextEncoder();
  let filled = 0;
  for (const string of strings) {
    for (const [start, end] of utf16Slices(string, JSON_PIECE_CHARACTERS)) {
      const slice = start === 0 && end === string.length ? string : string.slice(start, end);
      if (filled + 3 * slice.length > buffer.length) {
        yield buffer.subarray(0, filled);
        filled = 0;
      }
      filled += encoder.encodeInto(slice, buffer.subarray(filled)).written;
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/**
 * The fields of a draft made a task at a time, in the draft's order, without its source text: its
 * tasks written as they are built, the fields after them read once they are all written.
 */
function* draftStreamFields(draft: PlanDraftStream): Generator<readonly [string, unknown]> {
  yield* Object.entries(draft.head);
  yield ['tasks', new JsonArrayOf(draft.tasks)];
  yield* Object.entries(draft.rest());
}

/**
 * gzip of the JSON of a draft made a task at a time (streamPlanText): the same bytes as
 * gzipDraftJson of the whole draft, each task written, compressed and let go as it is built.
 */
export function gzipDraftStreamJson(draft: PlanDraftStream): Promise<Buffer> {
  return gzipInOrder(encodedInReusedBuffer(eachJsonString(draftStreamFields(draft))));
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
  return gzipInOrder(encodedInReusedBuffer(eachJsonString(fieldsOf(draft, 'sourceText'))));
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
