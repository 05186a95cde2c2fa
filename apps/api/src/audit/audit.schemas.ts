import { pageOf, type JsonSchemas } from '../contract/json-schema.js';

/** What the audit operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const AUDIT_SCHEMAS = {
  // A CSV file with `format=csv`, else a page of records.
  AuditReadsListAnswer: { anyOf: [{ type: 'string' }, pageOf('RecordedRead')] },
  RecordedRead: {
    type: 'object',
    properties: {
      seq: {
        type: 'string',
      },
      recordedAt: {
        type: 'string',
      },
      prevHash: {
        type: 'string',
      },
      hash: {
        type: 'string',
      },
      actor: {
        type: 'object',
        properties: {
          personId: {
            type: 'string',
          },
          agencyCode: {
            type: 'string',
          },
          roles: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
        required: ['personId', 'agencyCode', 'roles'],
        additionalProperties: false,
      },
      kind: {
        type: 'string',
      },
      method: {
        type: 'string',
      },
      path: {
        type: 'string',
      },
      resourceIds: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
      query: {
        type: 'object',
        properties: {},
        additionalProperties: {
          type: 'string',
        },
      },
      items: {
        type: 'number',
      },
    },
    required: [
      'seq',
      'recordedAt',
      'prevHash',
      'hash',
      'actor',
      'kind',
      'method',
      'path',
      'resourceIds',
      'query',
      'items',
    ],
    additionalProperties: false,
  },
} satisfies JsonSchemas;
