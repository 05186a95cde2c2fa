import type { JsonSchemas } from '../contract/json-schema.js';

/** What the calendar operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const CALENDAR_SCHEMAS = {
  CalendarHolidaysAnswer: {
    type: 'object',
    properties: {
      year: {
        type: 'integer',
      },
      holidays: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/PublicHoliday',
        },
      },
      amendments: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/HolidayAmendedData',
        },
      },
    },
    required: ['year', 'holidays', 'amendments'],
    additionalProperties: false,
  },
  CalendarWorkingDaysAnswer: {
    type: 'object',
    properties: {
      from: {
        type: 'string',
      },
      to: {
        type: 'string',
      },
      workingDays: {
        type: 'integer',
      },
    },
    required: ['from', 'to', 'workingDays'],
    additionalProperties: false,
  },
  HolidayAmendedData: {
    type: 'object',
    properties: {
      reason: {
        type: 'string',
      },
      byAgency: {
        type: 'string',
      },
      action: {
        type: 'string',
        enum: ['add', 'remove'],
      },
      date: {
        type: 'string',
      },
      name: {
        type: ['string', 'null'],
      },
    },
    required: ['reason', 'byAgency', 'action', 'date', 'name'],
    additionalProperties: false,
  },
  PublicHoliday: {
    type: 'object',
    properties: {
      date: {
        type: 'string',
      },
      name: {
        type: 'string',
      },
    },
    required: ['date', 'name'],
    additionalProperties: false,
  },
} satisfies JsonSchemas;
