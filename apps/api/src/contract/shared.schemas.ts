import type { JsonSchemas } from './json-schema.js';

/** Answer shapes more than one feature uses (JSON Schema 2020-12, as OpenAPI 3.1 components). */
export const SHARED_SCHEMAS = {
  AnsweredInstant: {
    type: 'object',
    properties: {
      axis: {
        type: 'string',
        enum: ['knownAt', 'validAt'],
      },
      at: {
        type: 'string',
      },
      meaning: {
        type: 'string',
      },
    },
    required: ['axis', 'at', 'meaning'],
    additionalProperties: false,
  },
  AssignmentState: {
    type: 'object',
    properties: {
      agencyCode: {
        type: 'string',
      },
      role: {
        type: 'string',
        enum: ['lead', 'support', 'requested'],
      },
      status: {
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
    },
    required: ['agencyCode', 'role', 'status'],
    additionalProperties: false,
  },
  CommandResult: {
    type: 'object',
    properties: {
      streamId: {
        type: 'string',
      },
      streamVersion: {
        type: 'integer',
      },
      position: {
        type: ['string', 'null'],
      },
      events: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: {
              type: 'string',
            },
            type: {
              type: 'string',
            },
            position: {
              type: 'string',
            },
          },
          required: ['id', 'type', 'position'],
          additionalProperties: false,
        },
      },
      taskId: {
        type: 'string',
      },
      handoffId: {
        type: 'string',
      },
      extensionId: {
        type: 'string',
      },
    },
    required: ['streamId', 'streamVersion', 'position', 'events'],
    additionalProperties: false,
  },
  ExtensionState: {
    type: 'object',
    properties: {
      extensionId: {
        type: 'string',
      },
      agencyCode: {
        type: 'string',
      },
      requestedDueDate: {
        type: 'string',
      },
      reason: {
        type: 'string',
      },
      status: {
        type: 'string',
        enum: ['pending', 'lapsed', 'granted', 'denied'],
      },
    },
    required: ['extensionId', 'agencyCode', 'requestedDueDate', 'reason', 'status'],
    additionalProperties: false,
  },
  HandoffState: {
    type: 'object',
    properties: {
      handoffId: {
        type: 'string',
      },
      fromAgency: {
        type: 'string',
      },
      toAgency: {
        type: 'string',
      },
      role: {
        type: 'string',
        enum: ['lead', 'support', 'requested'],
      },
      reason: {
        type: 'string',
      },
      status: {
        type: 'string',
        enum: ['pending', 'accepted', 'declined', 'withdrawn', 'superseded', 'lapsed'],
      },
    },
    required: ['handoffId', 'fromAgency', 'toAgency', 'role', 'reason', 'status'],
    additionalProperties: false,
  },
  SourceClause: {
    type: 'object',
    properties: {
      section: {
        type: 'string',
      },
      start: {
        type: 'number',
      },
      end: {
        type: 'number',
      },
    },
    required: ['section', 'start', 'end'],
    additionalProperties: false,
  },
  TaskRow: {
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
      clause: {
        type: 'string',
        description: "The plan's clause the task comes from (V.1; a section for reports)",
      },
      partyHeading: {
        type: ['string', 'null'],
        description:
          'The party heading a duty was recorded under (the source of its old title); null otherwise',
      },
      streamVersion: {
        type: 'integer',
      },
    },
    required: [
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
      'clause',
      'partyHeading',
    ],
    additionalProperties: false,
  },
} satisfies JsonSchemas;
