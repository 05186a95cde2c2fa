import type { JsonSchemas } from '../contract/json-schema.js';
import { SHARED_SCHEMAS } from '../contract/shared.schemas.js';

/** What the tasks operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const TASKS_SCHEMAS = {
  /** A task as GET /tasks/{id} answers it: its row and the names of the agencies it names. */
  TaskAnswer: {
    ...SHARED_SCHEMAS.TaskRow,
    properties: {
      ...SHARED_SCHEMAS.TaskRow.properties,
      agencyNames: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'The full name of every agency the answer names, by code',
      },
    },
    required: [...SHARED_SCHEMAS.TaskRow.required, 'agencyNames'],
  },
  TaskQueriesGetAnswer: {
    anyOf: [
      {
        $ref: '#/components/schemas/TaskAnswer',
      },
      {
        type: 'object',
        properties: {
          pastState: {
            $ref: '#/components/schemas/AnsweredInstant',
          },
          clause: {
            type: 'string',
          },
          partyHeading: {
            type: ['string', 'null'],
          },
          agencyNames: {
            type: 'object',
            additionalProperties: { type: 'string' },
            description: 'The full name of every agency the answer names, by code',
          },
          taskId: {
            type: 'string',
          },
          planId: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          duty: {
            type: 'string',
          },
          sourceClause: {
            $ref: '#/components/schemas/SourceClause',
          },
          kind: {
            type: 'string',
            enum: ['duty', 'report'],
          },
          reportYear: {
            type: ['number', 'null'],
          },
          dueDate: {
            type: 'string',
          },
          status: {
            type: 'string',
            enum: ['open', 'completed', 'cancelled'],
          },
          issuerAgencyCode: {
            type: 'string',
          },
          responsibleAgency: {
            type: ['string', 'null'],
          },
          assignees: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/AssignmentState',
            },
          },
          handoffs: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/HandoffState',
            },
          },
          extensions: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ExtensionState',
            },
          },
          assignedAt: {
            type: 'string',
          },
          updatedAt: {
            type: 'string',
          },
          streamVersion: {
            type: 'integer',
          },
        },
        required: [
          'pastState',
          'clause',
          'partyHeading',
          'agencyNames',
          'taskId',
          'planId',
          'title',
          'duty',
          'sourceClause',
          'kind',
          'reportYear',
          'dueDate',
          'status',
          'issuerAgencyCode',
          'responsibleAgency',
          'assignees',
          'handoffs',
          'extensions',
          'assignedAt',
          'updatedAt',
          'streamVersion',
        ],
        additionalProperties: false,
      },
    ],
  },
  TaskQueriesTrailAnswer: {
    anyOf: [
      {
        type: 'object',
        properties: {
          taskId: {
            type: 'string',
          },
          pastState: {
            $ref: '#/components/schemas/AnsweredInstant',
          },
          entries: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/TrailEntryRow',
            },
          },
          agencyNames: {
            type: 'object',
            additionalProperties: { type: 'string' },
            description: 'The full name of every agency the answer names, by code',
          },
        },
        required: ['taskId', 'pastState', 'entries', 'agencyNames'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          taskId: {
            type: 'string',
          },
          entries: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/TrailEntryRow',
            },
          },
          agencyNames: {
            type: 'object',
            additionalProperties: { type: 'string' },
            description: 'The full name of every agency the answer names, by code',
          },
        },
        required: ['taskId', 'entries', 'agencyNames'],
        additionalProperties: false,
      },
    ],
  },
  TrailEntryRow: {
    type: 'object',
    properties: {
      globalPosition: {
        type: 'string',
      },
      eventId: {
        type: 'string',
      },
      taskId: {
        type: 'string',
      },
      planId: {
        type: 'string',
      },
      streamVersion: {
        type: 'integer',
      },
      type: {
        type: 'string',
      },
      actorPersonId: {
        type: 'string',
      },
      actorAgencyCode: {
        type: 'string',
      },
      agencyCode: {
        type: ['string', 'null'],
      },
      toAgencyCode: {
        type: ['string', 'null'],
      },
      concernedAgencies: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
      occurredAt: {
        type: 'string',
      },
      recordedAt: {
        type: 'string',
      },
      reason: {
        type: ['string', 'null'],
      },
      summary: {
        type: 'string',
      },
      responsibleAgency: {
        type: ['string', 'null'],
      },
      data: {
        type: 'object',
        properties: {},
        additionalProperties: {},
      },
    },
    required: [
      'globalPosition',
      'eventId',
      'taskId',
      'planId',
      'streamVersion',
      'type',
      'actorPersonId',
      'actorAgencyCode',
      'agencyCode',
      'toAgencyCode',
      'concernedAgencies',
      'occurredAt',
      'recordedAt',
      'reason',
      'summary',
      'responsibleAgency',
      'data',
    ],
    additionalProperties: false,
  },
} satisfies JsonSchemas;
