import type { FastifyBodyParser, FastifyContentTypeParser, FastifyInstance, FastifyRequest } from 'fastify';
import { MessageChannel } from 'node:worker_threads';
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
      // The socket's chunk, copied, is freed now rather than at this thread's next collection:
      // left to V8, a 9 MB plan's chunks waited as ~7 MB more of the main heap, and collecting
      // them as they came held other requests up to 11 ms a time (ADR 0039, the upload's chunks
      // released).
      if (typeof chunk !== 'string' && payload.listenerCount('data') === 1) releaseMemory(bytes);
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
    // Chunks of an undeclared length are copied once more, into the body; freed after that too.
    if (payload.listenerCount('data') === 1) for (const chunk of chunks) releaseMemory(chunk);
    chunks.length = 0;
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

/**
 * A port whose other end is closed. Posting to it still detaches what is transferred (as the HTML
 * standard's postMessage does) and the message is dropped, so the memory is freed at once.
 */
const discardPort = (() => {
  const { port1, port2 } = new MessageChannel();
  port2.close();
  return port1;
})();

/**
 * Frees a buffer's memory now, when the buffer has its memory to itself (a socket's chunk: Node
 * copies each body chunk into memory of its own); the buffer is empty afterwards. A slice of
 * shared memory (a pool's, a larger chunk's) is left to the collector.
 */
export function releaseMemory(bytes: Buffer): void {
  const memory = bytes.buffer;
  if (!(memory instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== memory.byteLength)
    return;
  discardPort.postMessage(null, [memory]);
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
