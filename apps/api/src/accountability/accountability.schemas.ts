import type { JsonSchemas } from '../contract/json-schema.js';

const lapseProperties = {
  taskId: { type: 'string' },
  planId: { type: 'string' },
  title: { type: 'string' },
  clause: { type: 'string', description: 'The section of the plan the duty comes from' },
  dueDate: { type: 'string', format: 'date' },
  lapsedAt: { type: 'string', description: 'The end of the due date in Asia/Ho_Chi_Minh' },
  lapseDate: { type: 'string', format: 'date' },
  doneAt: { type: ['string', 'null'] },
  status: { type: 'string', enum: ['open', 'completed', 'cancelled'] },
  daysLate: { type: 'integer' },
  responsibleAgency: { type: ['string', 'null'] },
  remindersSent: {
    type: 'array',
    items: {
      type: 'object',
      required: ['daysBefore', 'at'],
      properties: { daysBefore: { type: 'integer' }, at: { type: 'string' } },
      additionalProperties: false,
    },
  },
  escalations: {
    type: 'array',
    items: {
      type: 'object',
      required: ['level', 'toAgency', 'at'],
      properties: { level: { type: 'integer' }, toAgency: { type: 'string' }, at: { type: 'string' } },
      additionalProperties: false,
    },
  },
  headOnLapseDate: {
    anyOf: [{ $ref: '#/components/schemas/AgencyHeadTerm' }, { type: 'null' }],
    description: 'Who headed the responsible agency on the lapse date',
  },
};

/** The end of a page of lapses: the cursor of the next page (null on the last) and, on request, the count. */
const pageEndProperties = {
  next: {
    type: ['string', 'null'],
    description: 'The cursor of the next page of lapses (`?cursor=`), null on the last',
  },
  total: { type: 'integer', description: 'Every lapse of the period, with count=true' },
};

/**
 * The JSON form of the accountability reports: the lapses a page at a time (CSV and XLSX carry
 * every lapse of the period).
 */
export const ACCOUNTABILITY_SCHEMAS = {
  LapseAnswer: {
    type: 'object',
    required: Object.keys(lapseProperties),
    properties: lapseProperties,
    additionalProperties: false,
  },
  ScorecardRow: {
    type: 'object',
    description: 'Tasks of an agency by the year of their due date, in the four states reports count',
    required: ['agencyCode', 'year', 'doneOnTime', 'doneLate', 'openWithinDeadline', 'openOverdue'],
    properties: {
      agencyCode: { type: 'string' },
      year: { type: 'integer' },
      doneOnTime: { type: 'integer' },
      doneLate: { type: 'integer' },
      openWithinDeadline: { type: 'integer' },
      openOverdue: { type: 'integer' },
    },
    additionalProperties: false,
  },
  AgencyAccountability: {
    type: 'object',
    required: ['agencyCode', 'from', 'to', 'asOf', 'lapses', 'scorecard', 'next'],
    properties: {
      agencyCode: { type: 'string' },
      from: { type: 'string', format: 'date' },
      to: { type: 'string', format: 'date' },
      asOf: { type: 'string', format: 'date-time' },
      lapses: { type: 'array', items: { $ref: '#/components/schemas/LapseAnswer' } },
      scorecard: { type: 'array', items: { $ref: '#/components/schemas/ScorecardRow' } },
      ...pageEndProperties,
    },
    additionalProperties: false,
  },
  TaskAccountability: {
    type: 'object',
    required: ['taskId', 'asOf', 'lapses', 'next'],
    properties: {
      taskId: { type: 'string' },
      asOf: { type: 'string', format: 'date-time' },
      lapses: { type: 'array', items: { $ref: '#/components/schemas/LapseAnswer' } },
      ...pageEndProperties,
    },
    additionalProperties: false,
  },
} satisfies JsonSchemas;
