import { objectSchema, pageOf, schemaRef, withPastState, type JsonSchemas } from '../contract/json-schema.js';

/** An agency of the directory as lists show it. */
const AGENCY_VIEW = objectSchema(
  {
    code: { type: 'string' },
    name: { type: 'string' },
    shortName: { type: ['string', 'null'] },
    level: { type: 'string' },
    parentCode: { type: ['string', 'null'] },
    jurisdiction: { type: 'string' },
    aliases: { type: 'array', items: { type: 'string' } },
  },
  ['code', 'name', 'shortName', 'level', 'parentCode', 'jurisdiction', 'aliases'],
);

/** A page of an agency's open tasks, judged at `asOf` (default now). */
const OUTSTANDING = pageOf('OutstandingItem', {
  properties: { asOf: { type: 'string' } },
  required: ['asOf'],
});

/** The same for a body that has ceased to exist, with who carries each of its functions now. */
const OUTSTANDING_OF_DISSOLVED = pageOf('OutstandingItem', {
  properties: {
    successors: { type: 'array', items: schemaRef('SuccessorForFunction') },
    asOf: { type: 'string' },
  },
  required: ['successors', 'asOf'],
});

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
      ...AGENCY_VIEW.properties,
    },
    required: ['successors', 'succession', 'children', 'groups', ...AGENCY_VIEW.required],
    additionalProperties: false,
  },
  AgenciesListAnswer: pageOf('AgencyView'),
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
  AgencyView: AGENCY_VIEW,
  AgencyWorkOutstandingAnswer: {
    anyOf: [
      OUTSTANDING_OF_DISSOLVED,
      OUTSTANDING,
      withPastState(OUTSTANDING_OF_DISSOLVED),
      withPastState(OUTSTANDING),
    ],
  },
  AgencyWorkResponsibilitiesAnswer: {
    anyOf: [pageOf('ResponsibilityRow'), withPastState(pageOf('ResponsibilityRow'))],
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
