import type { FastifyBodyParser, FastifyContentTypeParser, FastifyInstance, FastifyRequest } from 'fastify';
import { collectGarbage } from '#libs/plan-intake';
import { assertJsonWithinLimits, decodeStrictText, problemType, ProblemError } from '#libs/platform';
import {
  documentTooLarge,
  JSON_UPLOAD_LIMIT_BYTES,
  PLAN_DOCUMENT_LIMIT_BYTES,
  PLAN_IMPORT_PATH,
  RAW_DOCUMENT_TYPES,
} from './plans/plan-upload.js';

/** Every request body but a plan document: JSON up to 1 MB. The server's default limit. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A document from this size has its socket chunks collected as they are copied (every
 * UPLOAD_COLLECTION_BYTES) and once read: a scavenge each, ~1 ms on an idle process.
 */
const LARGE_DOCUMENT_BYTES = 1024 * 1024;
/**
 * Three megabytes of chunks at most wait for a collection. Every megabyte, the nine scavenges of a
 * 9 MB upload (1-11 ms each while the upload arrives) held up other requests: /health during the
 * import went over 50 ms in 4 of 6 runs, against 1 of 6 this way, for ~1 MB more of the main heap
 * (ADR 0039, addendum on /health during a 9 MB import).
 */
const UPLOAD_COLLECTION_BYTES = 3 * LARGE_DOCUMENT_BYTES;

const isPlanImport = (request: FastifyRequest): boolean => request.routeOptions.url === PLAN_IMPORT_PATH;

/** Charsets a JSON body may declare (as Express's body-parser: UTF-8 and UTF-16). */
const JSON_CHARSETS = new Set(['utf-8', 'utf8', 'utf-16', 'utf-16le', 'utf-16be']);

/**
 * How request bodies are read. Every route reads at most 1 MB, except POST /plans/import, which
 * reads JSON up to a 10 MB document in base64 and the raw document (text/plain, .docx,
 * octet-stream) up to 10 MB. A body whose Content-Length is over the route's limit is refused
 * before it is read; a body that grows past it while read is refused then. Over a limit: 413.
 *
 * JSON (application/json, application/*+json) is decoded strictly (invalid UTF-8: 422
 * `invalid-utf8`), parsed by Fastify's own parser, which refuses `__proto__` and
 * `constructor.prototype` keys (400, as malformed JSON), and checked against JSON_LIMITS (depth,
 * array items, object members, values: 422 with the pointer) before any pipe or handler sees it. A body of another type
 * (or a document type on another route) is read off without being kept, up to the same limit;
 * the handler then refuses what it is missing.
 *
 * Call before the routes are registered (before `app.init()`/`listen()`): the limits are set on
 * each route as it is added.
 */
export function installBodyParsers(server: FastifyInstance): void {
  server.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const planImport = route.url === PLAN_IMPORT_PATH && methods.includes('POST');
    // A route's own limit wins over its parser's; the raw document's 10 MB is checked below.
    route.bodyLimit = planImport ? JSON_UPLOAD_LIMIT_BYTES : BODY_LIMIT_BYTES;
  });

  server.removeAllContentTypeParsers();
  const secureJson = server.getDefaultJsonParser('error', 'error');
  const json: FastifyBodyParser<Buffer> = (request, body, done) => {
    let value: unknown;
    try {
      value = parseJson(body, request.headers['content-type'], secureJson, request);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    done(null, value);
  };
  for (const type of ['application/json', /^application\/[^;\s]+\+json(\s*;|$)/]) {
    server.addContentTypeParser(type, { parseAs: 'buffer' }, json);
  }
  server.addContentTypeParser([...RAW_DOCUMENT_TYPES], readOtherBody);
  server.addContentTypeParser('*', readOtherBody);
}

/** The server refused a body over its route's limit: the same 413 problem. */
export function tooLargeProblem(request: FastifyRequest): ProblemError {
  return isPlanImport(request) ? documentTooLarge() : bodyTooLarge();
}

/**
 * Any body but JSON: on POST /plans/import a document type is kept as raw bytes (up to 10 MB);
 * everything else is read off and dropped (up to the route's limit), never buffered.
 */
const readOtherBody: FastifyContentTypeParser = (request, payload, done) => {
  const planImport = isPlanImport(request);
  const keep = planImport && isRawDocument(request.headers['content-type']);
  const limit = planImport ? PLAN_DOCUMENT_LIMIT_BYTES : BODY_LIMIT_BYTES;
  if (Number(request.headers['content-length']) > limit) {
    done(tooLargeProblem(request), undefined);
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  // A document of a declared length is copied into one buffer as it arrives: the chunks are not
  // all held until a concatenation doubles them (9 MB more for a 9 MB plan).
  const declared = Number(request.headers['content-length']);
  let whole: { buffer: Buffer; filled: number } | null =
    keep && Number.isSafeInteger(declared) && declared > 0
      ? { buffer: mappedBuffer(declared), filled: 0 }
      : null;
  const finish = (error: Error | null, body?: Buffer) => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onError);
    done(error, body);
  };
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += bytes.length;
    if (received > limit) {
      finish(tooLargeProblem(request));
      return;
    }
    if (!keep) return;
    if (whole && whole.filled + bytes.length > whole.buffer.length) {
      // More than declared: collected as chunks from here on.
      chunks.push(whole.buffer.subarray(0, whole.filled));
      whole = null;
    }
    if (whole) {
      whole.filled += bytes.copy(whole.buffer, whole.filled);
      // Each socket chunk, copied, is garbage; collected every few megabytes, the next chunks reuse
      // its memory. Left to V8, the chunks of a 9 MB plan all waited for one scavenge: ~7 MB more
      // of the main heap, which glibc keeps through the import (ADR 0039, the two groups of runs).
      if (
        Math.floor(received / UPLOAD_COLLECTION_BYTES) !==
        Math.floor((received - bytes.length) / UPLOAD_COLLECTION_BYTES)
      ) {
        collectGarbage('minor');
      }
    } else chunks.push(bytes);
  };
  const onEnd = () => {
    if (!keep) {
      finish(null, undefined);
      return;
    }
    const body =
      whole && whole.filled === whole.buffer.length
        ? whole.buffer
        : Buffer.concat(whole ? [whole.buffer.subarray(0, whole.filled)] : chunks, received);
    chunks.length = 0;
    // The socket's chunks of a large document (a buffer each, ~9 MB for a 9 MB plan) are garbage
    // now; V8 would hold them until this thread's next scavenge, through the import's peak. This
    // runs before the issuer is checked, for whoever sends the document.
    if (received >= LARGE_DOCUMENT_BYTES) collectGarbage('minor');
    finish(null, body);
  };
  const onError = (error: Error & { statusCode?: number }) => {
    if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
    finish(error);
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
  payload.resume();
};

/**
 * A buffer whose memory is mapped for it alone and unmapped when it is freed. V8 reserves a
 * resizable ArrayBuffer's memory from the system, never from malloc: an upload's buffer of the
 * usual kind lands in glibc's main heap once a large free has raised glibc's mmap threshold (as the
 * embedded database's start does), and when the intake thread frees it, glibc keeps that memory
 * resident through the rest of the import (ADR 0039, the upload's buffer mapped).
 */
function mappedBuffer(length: number): Buffer {
  const Resizable = ArrayBuffer as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
  return Buffer.from(new Resizable(length, { maxByteLength: length }));
}

function isRawDocument(header: string | undefined): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type !== undefined && (RAW_DOCUMENT_TYPES as readonly string[]).includes(type);
}

function bodyTooLarge(): ProblemError {
  return new ProblemError({
    type: problemType('payload-too-large'),
    title: 'Request body too large',
    status: 413,
    code: 'payload-too-large',
    detail: 'The request body is larger than the 1 MB the API accepts.',
  });
}

/**
 * Strict JSON, as before: an object or an array; an empty body is an empty object. Decoded by the
 * declared charset (UTF-8 by default); parsed by Fastify's parser, which refuses prototype keys.
 */
function parseJson(
  body: Buffer,
  contentType: string | undefined,
  secureJson: FastifyBodyParser<string>,
  request: FastifyRequest,
): unknown {
  const text = decode(body, charsetOf(contentType));
  const first = /^[\s\uFEFF]*(.)/.exec(text)?.[1];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') throw badJson('The request body is not valid JSON.');
  let result: { error: Error | null; value: unknown } = { error: null, value: undefined };
  void secureJson(request, text.trimStart(), (error, value) => {
    result = { error, value };
  });
  if (result.error !== null) {
    throw badJson(
      /__proto__|constructor/.test(text)
        ? 'The request body is not valid JSON, or has a __proto__ or constructor.prototype key.'
        : 'The request body is not valid JSON.',
    );
  }
  assertJsonWithinLimits(result.value);
  return result.value;
}

function charsetOf(contentType: string | undefined): string {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase() ?? 'utf-8';
}

function decode(body: Buffer, charset: string): string {
  if (JSON_CHARSETS.has(charset)) return decodeStrictText(body, charset);
  throw new ProblemError({
    type: problemType('unsupported-media-type'),
    title: 'Unsupported media type',
    status: 415,
    code: 'unsupported-media-type',
    detail: `A JSON body must be UTF-8 or UTF-16, not ${charset}.`,
  });
}

function badJson(detail: string): ProblemError {
  return new ProblemError({
    type: problemType('bad-request'),
    title: 'Bad request',
    status: 400,
    code: 'bad-request',
    detail,
  });
}
