import type { JsonSchemas } from '../contract/json-schema.js';

/** What the agencies operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const AGENCIES_SCHEMAS = {
  AgenciesGetAnswer: {
    type: 'object',
    properties: {
      successors: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/SuccessorForFunction',
        },
      },
      succession: {
        type: ['object', 'null'],
        properties: {
          kind: {
            type: 'string',
            enum: ['merge', 'absorb', 'split', 'dissolve', 'issuer-dissolved'],
          },
          effectiveDate: {
            type: 'string',
          },
          basis: {
            $ref: '#/components/schemas/LegalBasis',
          },
          successors: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/SuccessorForFunction',
            },
          },
        },
        required: ['kind', 'effectiveDate', 'basis', 'successors'],
        additionalProperties: false,
      },
      children: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/AgencyView',
        },
      },
      groups: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            code: {
              type: 'string',
            },
            name: {
              type: 'string',
            },
          },
          required: ['code', 'name'],
          additionalProperties: false,
        },
      },
      code: {
        type: 'string',
      },
      name: {
        type: 'string',
      },
      shortName: {
        type: ['string', 'null'],
      },
      level: {
        type: 'string',
      },
      parentCode: {
        type: ['string', 'null'],
      },
      jurisdiction: {
        type: 'string',
      },
      aliases: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
    },
    required: [
      'successors',
      'succession',
      'children',
      'groups',
      'code',
      'name',
      'shortName',
      'level',
      'parentCode',
      'jurisdiction',
      'aliases',
    ],
    additionalProperties: false,
  },
  AgenciesListAnswer: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/AgencyView',
        },
      },
      total: {
        type: 'integer',
      },
      next: {
        type: ['string', 'null'],
      },
    },
    required: ['items', 'next'],
    additionalProperties: false,
  },
  AgencyHeadsListAnswer: {
    type: 'object',
    properties: {
      agencyCode: {
        type: 'string',
      },
      heads: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/AgencyHeadTerm',
        },
      },
      on: {
        type: 'object',
        properties: {
          date: {
            type: 'string',
          },
          head: {
            anyOf: [
              {
                $ref: '#/components/schemas/AgencyHeadTerm',
              },
              {
                type: 'null',
              },
            ],
          },
        },
        required: ['date', 'head'],
        additionalProperties: false,
      },
      pastState: {
        $ref: '#/components/schemas/AnsweredInstant',
      },
    },
    required: ['agencyCode', 'heads'],
    additionalProperties: false,
  },
  AgencyHeadTerm: {
    type: 'object',
    properties: {
      personName: {
        type: 'string',
      },
      title: {
        type: 'string',
      },
      since: {
        type: 'string',
      },
      reason: {
        type: 'string',
      },
      byAgency: {
        type: 'string',
      },
    },
    required: ['personName', 'title', 'since', 'reason', 'byAgency'],
    additionalProperties: false,
  },
  AgencyView: {
    type: 'object',
    properties: {
      code: {
        type: 'string',
      },
      name: {
        type: 'string',
      },
      shortName: {
        type: ['string', 'null'],
      },
      level: {
        type: 'string',
      },
      parentCode: {
        type: ['string', 'null'],
      },
      jurisdiction: {
        type: 'string',
      },
      aliases: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
    },
    required: ['code', 'name', 'shortName', 'level', 'parentCode', 'jurisdiction', 'aliases'],
    additionalProperties: false,
  },
  AgencyWorkOutstandingAnswer: {
    anyOf: [
      {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/OutstandingItem',
            },
          },
          total: {
            type: 'integer',
          },
          next: {
            type: ['string', 'null'],
          },
          successors: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/SuccessorForFunction',
            },
          },
          asOf: {
            type: 'string',
          },
        },
        required: ['items', 'next', 'successors', 'asOf'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/OutstandingItem',
            },
          },
          total: {
            type: 'integer',
          },
          next: {
            type: ['string', 'null'],
          },
          asOf: {
            type: 'string',
          },
        },
        required: ['items', 'next', 'asOf'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/OutstandingItem',
            },
          },
          total: {
            type: 'integer',
          },
          next: {
            type: ['string', 'null'],
          },
          pastState: {
            $ref: '#/components/schemas/AnsweredInstant',
          },
          successors: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/SuccessorForFunction',
            },
          },
          asOf: {
            type: 'string',
          },
        },
        required: ['items', 'next', 'pastState', 'successors', 'asOf'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/OutstandingItem',
            },
          },
          total: {
            type: 'integer',
          },
          next: {
            type: ['string', 'null'],
          },
          pastState: {
            $ref: '#/components/schemas/AnsweredInstant',
          },
          asOf: {
            type: 'string',
          },
        },
        required: ['items', 'next', 'pastState', 'asOf'],
        additionalProperties: false,
      },
    ],
  },
  AgencyWorkResponsibilitiesAnswer: {
    anyOf: [
      {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ResponsibilityRow',
            },
          },
          total: {
            type: 'integer',
          },
          next: {
            type: ['string', 'null'],
          },
        },
        required: ['items', 'next'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ResponsibilityRow',
            },
          },
          total: {
            type: 'integer',
          },
          next: {
            type: ['string', 'null'],
          },
          pastState: {
            $ref: '#/components/schemas/AnsweredInstant',
          },
        },
        required: ['items', 'next', 'pastState'],
        additionalProperties: false,
      },
    ],
  },
  LegalBasis: {
    type: 'object',
    properties: {
      number: {
        type: 'string',
      },
      date: {
        type: 'string',
      },
      title: {
        type: 'string',
      },
    },
    required: ['number', 'date', 'title'],
    additionalProperties: false,
  },
  OutstandingItem: {
    type: 'object',
    properties: {
      taskId: {
        type: 'string',
      },
      planId: {
        type: 'string',
      },
      title: {
        type: 'string',
      },
      role: {
        type: 'string',
        enum: ['lead', 'support', 'requested'],
      },
      dueDate: {
        type: 'string',
      },
      state: {
        type: 'string',
        enum: [
          'in-progress',
          'completion-submitted',
          'completion-returned',
          'handoff-offered',
          'not-acknowledged',
          'handoff-pending',
          'extension-pending',
        ],
      },
      overdue: {
        type: 'boolean',
      },
      dueWithin7Days: {
        type: 'boolean',
      },
    },
    required: ['taskId', 'planId', 'title', 'role', 'dueDate', 'state', 'overdue', 'dueWithin7Days'],
    additionalProperties: false,
  },
  ResponsibilityRow: {
    type: 'object',
    properties: {
      agencyCode: {
        type: 'string',
      },
      taskId: {
        type: 'string',
      },
      planId: {
        type: 'string',
      },
      role: {
        type: 'string',
        enum: ['lead', 'support', 'requested'],
      },
      title: {
        type: 'string',
      },
      dueDate: {
        type: 'string',
      },
      taskStatus: {
        type: 'string',
        enum: ['open', 'completed', 'cancelled'],
      },
      assignmentStatus: {
        type: 'string',
        enum: [
          'completed',
          'assigned',
          'acknowledged',
          'in-progress',
          'completion-submitted',
          'completion-returned',
        ],
      },
      since: {
        type: 'string',
      },
    },
    required: [
      'agencyCode',
      'taskId',
      'planId',
      'role',
      'title',
      'dueDate',
      'taskStatus',
      'assignmentStatus',
      'since',
    ],
    additionalProperties: false,
  },
  SuccessorForFunction: {
    type: 'object',
    properties: {
      function: {
        type: ['string', 'null'],
      },
      agencyCode: {
        type: 'string',
      },
    },
    required: ['function', 'agencyCode'],
    additionalProperties: false,
  },
} satisfies JsonSchemas;
