import type { JsonSchemas } from './json-schema.js';

/** RFC 9457 problem details as every error answers them (libs/platform/src/http/problem-details.ts). */
export const PROBLEM_SCHEMAS = {
  Problem: {
    type: 'object',
    description:
      'RFC 9457 problem details. `code` is stable and names the refusal; `errors` points at each field at fault.',
    // instance is absent only when the HTTP server refuses a request before routing it.
    required: ['type', 'title', 'status', 'code'],
    properties: {
      type: {
        type: 'string',
        description: 'A relative URI /problems/{code}',
        examples: ['/problems/validation'],
      },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      code: { type: 'string', description: 'Stable machine-readable reason' },
      detail: { type: 'string' },
      instance: { type: 'string', description: 'The path and query of the request' },
      errors: { type: 'array', items: { $ref: '#/components/schemas/FieldProblem' } },
      errorsOmitted: { type: 'integer', minimum: 1, description: 'How many field problems were not listed' },
      details: { type: 'object', description: 'Facts of the refusal (a state, a version, ...)' },
    },
    // Extensions are allowed by RFC 9457 (a health report, a retry hint).
    additionalProperties: true,
  },
  FieldProblem: {
    type: 'object',
    required: ['pointer', 'detail'],
    properties: {
      pointer: {
        type: 'string',
        description: 'JSON pointer (RFC 6901) to the field of the body at fault, e.g. /assignees/0/role',
      },
      detail: { type: 'string' },
      parameter: { type: 'string', description: 'For a query parameter: its name' },
    },
    additionalProperties: false,
  },
} satisfies JsonSchemas;
