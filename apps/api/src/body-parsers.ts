import type { FastifyBodyParser, FastifyInstance, FastifyRequest } from 'fastify';
import { problemType, ProblemError } from '#libs/platform';
import {
  documentTooLarge,
  JSON_UPLOAD_LIMIT_BYTES,
  PLAN_DOCUMENT_LIMIT_BYTES,
  PLAN_IMPORT_PATH,
  RAW_DOCUMENT_TYPES,
} from './plans/plan-upload.js';

/** Every request body but a plan document: JSON up to 1 MB. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** The largest body the server reads at all: a plan document sent as base64 in JSON. */
export const MAX_BODY_BYTES = JSON_UPLOAD_LIMIT_BYTES;

const isPlanImport = (request: FastifyRequest): boolean => request.routeOptions.url === PLAN_IMPORT_PATH;

/**
 * How request bodies are read: JSON (application/json, application/*+json) up to 1 MB, on
 * POST /plans/import up to a 10 MB document in base64; on POST /plans/import only, the document
 * itself as raw bytes (text/plain, .docx, octet-stream) up to 10 MB. A body of another type is
 * read off and ignored (the handler then refuses what it is missing). Over a limit: 413.
 */
export function installBodyParsers(server: FastifyInstance): void {
  server.removeAllContentTypeParsers();
  const json: FastifyBodyParser<Buffer> = (request, body, done) => {
    const planImport = isPlanImport(request);
    if (body.length > (planImport ? JSON_UPLOAD_LIMIT_BYTES : BODY_LIMIT_BYTES)) {
      done(planImport ? documentTooLarge() : bodyTooLarge(), undefined);
      return;
    }
    try {
      done(null, parseJson(body));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  for (const type of ['application/json', /^application\/[^;\s]+\+json(\s*;|$)/]) {
    server.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: JSON_UPLOAD_LIMIT_BYTES }, json);
  }
  server.addContentTypeParser(
    [...RAW_DOCUMENT_TYPES],
    { parseAs: 'buffer', bodyLimit: PLAN_DOCUMENT_LIMIT_BYTES },
    (request, body: Buffer, done) => done(null, isPlanImport(request) ? body : undefined),
  );
  server.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: PLAN_DOCUMENT_LIMIT_BYTES },
    (_request, _body, done) => done(null, undefined),
  );
}

/** The server refused a body over a parser's limit before reading it: the same 413 problem. */
export function tooLargeProblem(request: FastifyRequest): ProblemError {
  return isPlanImport(request) ? documentTooLarge() : bodyTooLarge();
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

/** Strict JSON, as before: an object or an array; an empty body is an empty object. */
function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  const first = /^[\s\uFEFF]*(.)/.exec(text)?.[1];
  if (first === undefined) return {};
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(text.trimStart()) as unknown;
    } catch {
      // answered below
    }
  }
  throw new ProblemError({
    type: problemType('bad-request'),
    title: 'Bad request',
    status: 400,
    code: 'bad-request',
    detail: 'The request body is not valid JSON.',
  });
}
