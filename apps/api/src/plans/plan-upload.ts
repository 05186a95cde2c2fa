import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  DOCX_MEDIA_TYPE,
  problemType,
  ProblemError,
  validationProblem,
  type FieldProblem,
} from '#libs/platform';
import { toNfc } from '#libs/shared-kernel';

/** A plan document may have up to 10 MB; the rest of the API keeps its 1 MB JSON limit. */
export const PLAN_DOCUMENT_LIMIT_BYTES = 10 * 1024 * 1024;
export const PLAN_IMPORT_PATH = '/plans/import';
export { DOCX_MEDIA_TYPE };

/** Media types read as the document itself (raw bytes). */
export const RAW_DOCUMENT_TYPES = ['text/plain', DOCX_MEDIA_TYPE, 'application/octet-stream'] as const;

/** Base64 takes 4 bytes for 3; a little room for the JSON around it. */
export const JSON_UPLOAD_LIMIT_BYTES = Math.ceil((PLAN_DOCUMENT_LIMIT_BYTES * 4) / 3) + 64 * 1024;

/*
 * The body parsers (see body-parsers.ts) read POST /plans/import's document as a raw body
 * (text/plain, .docx, octet-stream) up to 10 MB, or as JSON { fileName, contentBase64 } whose
 * decoded content is checked against the same limit. A body over the limit is answered 413
 * problem+json.
 */

export function documentTooLarge(): ProblemError {
  return new ProblemError({
    type: problemType('payload-too-large'),
    title: 'Request body too large',
    status: 413,
    code: 'payload-too-large',
    detail: `The plan document is larger than the ${PLAN_DOCUMENT_LIMIT_BYTES / 1024 / 1024} MB an import accepts.`,
  });
}

/** The request as the body parsers left it; read with `planUploadOf` once the caller may import. */
export interface RawPlanUpload {
  readonly body: unknown;
  readonly contentType: string | null;
}

export const PlanUploadRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RawPlanUpload => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['content-type'];
    return {
      body: request.body,
      contentType: header ? (header.split(';')[0]?.trim().toLowerCase() ?? null) : null,
    };
  },
);

export interface PlanUpload {
  readonly bytes: Uint8Array;
  readonly fileName: string | null;
}

/**
 * The document and its name: raw bytes (name from the fileName query parameter), or JSON
 * { fileName?, contentBase64 }. 415 for another media type, 422 for malformed JSON fields.
 */
export function planUploadOf(upload: RawPlanUpload, queryFileName: string | undefined): PlanUpload {
  const { body, contentType } = upload;
  const fileName = queryFileName === undefined ? null : cleanFileName(queryFileName);
  if (Buffer.isBuffer(body)) return { bytes: body, fileName };
  if (contentType === null || (RAW_DOCUMENT_TYPES as readonly string[]).includes(contentType)) {
    // No body at all: an empty document.
    return { bytes: new Uint8Array(0), fileName };
  }
  if (contentType === 'application/json' || contentType.endsWith('+json')) return jsonUpload(body, fileName);
  throw new ProblemError({
    type: problemType('unsupported-media-type'),
    title: 'Unsupported media type',
    status: 415,
    code: 'unsupported-media-type',
    detail: `Send the plan as text/plain, as a .docx (${DOCX_MEDIA_TYPE}) or as JSON { "fileName", "contentBase64" }, not as ${contentType}.`,
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function jsonUpload(body: unknown, queryFileName: string | null): PlanUpload {
  const errors: FieldProblem[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    errors.push({ pointer: '', detail: 'The body must be an object { "fileName", "contentBase64" }' });
    throw invalidUpload(errors);
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'fileName' && key !== 'contentBase64') {
      errors.push({ pointer: `/${key}`, detail: `property ${key} should not exist` });
    }
  }
  const { fileName, contentBase64 } = fields;
  if (fileName !== undefined && (typeof fileName !== 'string' || fileName.length > 255)) {
    errors.push({ pointer: '/fileName', detail: 'fileName must be a string of at most 255 characters' });
  }
  const content = typeof contentBase64 === 'string' ? contentBase64.replace(/\s+/g, '') : null;
  if (content === null) {
    errors.push({ pointer: '/contentBase64', detail: 'contentBase64 must be the document, base64-encoded' });
  } else if (content.length % 4 !== 0 || !BASE64.test(content)) {
    errors.push({ pointer: '/contentBase64', detail: 'contentBase64 is not valid base64' });
  }
  if (errors.length > 0 || content === null) throw invalidUpload(errors);
  if ((content.length / 4) * 3 > PLAN_DOCUMENT_LIMIT_BYTES + 2) throw documentTooLarge();
  return {
    bytes: Buffer.from(content, 'base64'),
    fileName: typeof fileName === 'string' ? cleanFileName(fileName) : queryFileName,
  };
}

function cleanFileName(name: string): string | null {
  const trimmed = toNfc(name).trim();
  return trimmed === '' ? null : trimmed;
}

function invalidUpload(errors: FieldProblem[]): ProblemError {
  return validationProblem(errors);
}
