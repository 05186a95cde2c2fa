import {
  AGENCY_NAMES,
  objectSchema,
  schemaRef,
  withPastState,
  type JsonSchemas,
} from '../contract/json-schema.js';
import { SHARED_SCHEMAS } from '../contract/shared.schemas.js';

/** A task as GET /tasks/{id} answers it: its row and the names of the agencies it names. */
const TASK_ANSWER = {
  ...SHARED_SCHEMAS.TaskRow,
  properties: { ...SHARED_SCHEMAS.TaskRow.properties, agencyNames: AGENCY_NAMES },
  required: [...SHARED_SCHEMAS.TaskRow.required, 'agencyNames'],
};

/** A task's trail: every step, oldest first. */
const TRAIL_ANSWER = objectSchema(
  {
    taskId: { type: 'string' },
    entries: { type: 'array', items: schemaRef('TrailEntryRow') },
    agencyNames: AGENCY_NAMES,
  },
  ['taskId', 'entries', 'agencyNames'],
);

/** What the tasks operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const TASKS_SCHEMAS = {
  TaskAnswer: TASK_ANSWER,
  TaskQueriesGetAnswer: { anyOf: [schemaRef('TaskAnswer'), withPastState(TASK_ANSWER)] },
  TaskQueriesTrailAnswer: { anyOf: [withPastState(TRAIL_ANSWER), TRAIL_ANSWER] },
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
