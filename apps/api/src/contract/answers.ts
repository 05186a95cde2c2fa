import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { SchemaName } from './contract.schemas.js';
import { schemaRef, type JsonSchema } from './json-schema.js';

export interface AnswerOptions {
  /** The media type of the body (default application/json); several for a negotiated answer. */
  readonly contentTypes?: readonly string[];
  /** Response headers, e.g. { Location: LOCATION_HEADER }. */
  readonly headers?: Readonly<
    Record<string, { description: string; required?: boolean; schema: JsonSchema }>
  >;
}

const LOCATION_HEADER = {
  description: 'The path of the resource the request created',
  required: true,
  schema: { type: 'string' },
} as const;

/**
 * A success answer of an operation, its body described by a named schema of the feature's
 * <feature>.schemas.ts (or a schema given here for a non-JSON body). One line per answer.
 */
export function ApiAnswer(
  status: number,
  answer: SchemaName | JsonSchema,
  description: string,
  options: AnswerOptions = {},
): MethodDecorator {
  const schema = typeof answer === 'string' ? schemaRef(answer) : answer;
  const types = options.contentTypes ?? ['application/json'];
  return ApiResponse({
    status,
    description,
    // The schema describes the JSON form; a CSV, a spreadsheet or a stream is a string of its type.
    content: Object.fromEntries(
      types.map((type) => [type, { schema: JSON_TYPE.test(type) ? schema : otherBody(type, schema) }]),
    ),
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/**
 * The answers of a command that creates something (docs/adr/0036): 201 with a Location the API can
 * GET, and, when the same request can find it done already, the 200 it answers then.
 */
export function ApiCreates(
  answer: SchemaName | JsonSchema,
  description: string,
  alreadyDone?: string,
): MethodDecorator {
  const created = ApiAnswer(201, answer, description, { headers: { Location: LOCATION_HEADER } });
  return alreadyDone === undefined ? created : applyDecorators(created, ApiAnswer(200, answer, alreadyDone));
}

/** The 200 of a creating command sent again: what it answers instead of creating twice. */
export const ALREADY_RECORDED =
  "Already recorded (the same request again): nothing written; position is that of the stream's last event";

/** The header a command honours for safe retries (apps/api/src/commands/command-context.ts). */
export function ApiIdempotencyKey(): MethodDecorator & ClassDecorator {
  return ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Retries with the same key and body get the first answer (1 to 255 visible ASCII characters)',
  });
}

const JSON_TYPE = /^application\/(.+\+)?json$/;

function otherBody(type: string, schema: JsonSchema): JsonSchema {
  if (typeof schema['type'] === 'string') return schema;
  return { type: 'string', contentMediaType: type };
}
