import type { JsonSchemas } from '../contract/json-schema.js';

/** What the web operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const WEB_SCHEMAS = {
  DemoUserView: {
    type: 'object',
    properties: {
      token: {
        type: 'string',
      },
      role: {
        type: 'string',
        // Operators and administrators have no pages: no demo user is offered for them.
        enum: ['officer', 'issuer', 'auditor', 'inspector'],
      },
      agencyCode: {
        type: 'string',
      },
      agencyName: {
        type: 'string',
      },
      national: {
        type: 'boolean',
      },
    },
    required: ['token', 'role', 'agencyCode', 'agencyName'],
    additionalProperties: false,
  },
  WebConfigView: {
    type: 'object',
    properties: {
      auth: {
        type: 'string',
        enum: ['demo', 'oidc'],
      },
      demoUsers: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/DemoUserView',
        },
      },
      oidc: {
        type: 'object',
        properties: {
          issuer: {
            type: 'string',
          },
          clientId: {
            type: 'string',
          },
          scope: {
            type: 'string',
          },
        },
        required: ['issuer', 'clientId', 'scope'],
        additionalProperties: false,
      },
    },
    required: ['auth', 'demoUsers'],
    additionalProperties: false,
  },
} satisfies JsonSchemas;
