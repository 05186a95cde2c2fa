import { pageOf, schemaRef, withPastState, type JsonSchemas } from '../contract/json-schema.js';

/** Tasks by state per agency of a plan (GET /plans/{id}/progress). */
const PLAN_PROGRESS = {
  type: 'object',
  properties: {
    planId: {
      type: 'string',
    },
    asOf: {
      type: 'string',
    },
    agencies: {
      type: 'array',
      items: {
        $ref: '#/components/schemas/AgencyProgress',
      },
    },
    tasks: {
      type: 'object',
      properties: {
        total: {
          type: 'integer',
        },
        open: {
          type: 'integer',
        },
        completed: {
          type: 'integer',
        },
        cancelled: {
          type: 'integer',
        },
        overdue: {
          type: 'integer',
        },
        dueWithin7Days: {
          type: 'number',
        },
      },
      required: ['total', 'open', 'completed', 'cancelled', 'overdue', 'dueWithin7Days'],
      additionalProperties: false,
    },
  },
  required: ['planId', 'asOf', 'agencies', 'tasks'],
  additionalProperties: false,
};

/** What the plans operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const PLANS_SCHEMAS = {
  AgencyProgress: {
    type: 'object',
    properties: {
      agencyCode: {
        type: 'string',
      },
      total: {
        type: 'integer',
      },
      byState: {
        type: 'object',
        properties: {
          completed: {
            type: 'integer',
          },
          cancelled: {
            type: 'integer',
          },
          acknowledged: {
            type: 'integer',
          },
          'in-progress': {
            type: 'number',
          },
          'completion-submitted': {
            type: 'number',
          },
          'completion-returned': {
            type: 'number',
          },
          'not-acknowledged': {
            type: 'number',
          },
        },
        required: [
          'completed',
          'cancelled',
          'acknowledged',
          'in-progress',
          'completion-submitted',
          'completion-returned',
          'not-acknowledged',
        ],
        additionalProperties: false,
      },
      overdue: {
        type: 'integer',
      },
      dueWithin7Days: {
        type: 'number',
      },
    },
    required: ['agencyCode', 'total', 'byState', 'overdue', 'dueWithin7Days'],
    additionalProperties: false,
  },
  CitedDocument: {
    type: 'object',
    properties: {
      kind: {
        type: 'string',
        enum: [
          'Chỉ thị',
          'Nghị quyết',
          'Nghị định',
          'Quyết định',
          'Kế hoạch',
          'Chương trình hành động',
          'Chương trình',
          'Công văn',
          'Văn bản',
          'Thông báo',
          'Thông tư',
          'Hướng dẫn',
          'Kết luận',
          'Luật',
        ],
      },
      number: {
        type: ['string', 'null'],
      },
      name: {
        type: ['string', 'null'],
      },
      date: {
        type: ['string', 'null'],
      },
      issuedBy: {
        type: ['string', 'null'],
      },
      span: {
        $ref: '#/components/schemas/Span',
      },
    },
    required: ['kind', 'number', 'name', 'date', 'issuedBy', 'span'],
    additionalProperties: false,
  },
  ConfirmResult: {
    type: 'object',
    properties: {
      draftId: {
        type: 'string',
      },
      planId: {
        type: 'string',
      },
      position: {
        type: ['string', 'null'],
      },
      planIssued: {
        type: 'boolean',
      },
      tasksAssigned: {
        type: 'integer',
      },
      tasksAlreadyPresent: {
        type: 'integer',
      },
      tasksExcluded: {
        type: 'integer',
      },
      tasksScheduled: {
        type: 'integer',
      },
    },
    required: [
      'draftId',
      'planId',
      'position',
      'planIssued',
      'tasksAssigned',
      'tasksAlreadyPresent',
      'tasksExcluded',
      'tasksScheduled',
    ],
    additionalProperties: false,
  },
  CycleReport: {
    type: 'object',
    properties: {
      taskId: {
        type: 'string',
      },
      agencyCode: {
        type: ['string', 'null'],
      },
      dueDate: {
        type: 'string',
      },
      status: {
        type: 'string',
        enum: ['open', 'completed', 'cancelled'],
      },
      submittedAt: {
        type: ['string', 'null'],
      },
      doneAt: {
        type: ['string', 'null'],
      },
      reported: {
        type: 'boolean',
      },
      late: {
        type: 'boolean',
      },
    },
    required: ['taskId', 'agencyCode', 'dueDate', 'status', 'submittedAt', 'doneAt', 'reported', 'late'],
    additionalProperties: false,
  },
  DeadlinePolicy: {
    type: 'object',
    properties: {
      reminderDaysBefore: {
        type: 'array',
        items: {
          type: 'number',
        },
      },
      escalations: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/EscalationStep',
        },
      },
    },
    required: ['reminderDaysBefore', 'escalations'],
    additionalProperties: false,
  },
  DraftAssignee: {
    type: 'object',
    properties: {
      agencyCode: {
        type: 'string',
      },
      role: {
        type: 'string',
        enum: ['lead', 'support', 'requested'],
      },
      agencyName: {
        type: 'string',
      },
      namedInDuty: {
        $ref: '#/components/schemas/Span',
      },
    },
    required: ['agencyCode', 'role', 'agencyName'],
    additionalProperties: false,
  },
  DraftCandidate: {
    type: 'object',
    properties: {
      code: {
        type: 'string',
      },
      name: {
        type: 'string',
      },
      score: {
        type: 'number',
      },
      isGroup: {
        type: 'boolean',
      },
    },
    required: ['code', 'name', 'score', 'isGroup'],
    additionalProperties: false,
  },
  DraftIssuer: {
    type: 'object',
    properties: {
      name: {
        type: 'string',
      },
      level: {
        type: ['string', 'null'],
        enum: ['province', 'city', 'district', 'town', 'commune', 'ward', null],
      },
      agencyCode: {
        type: ['string', 'null'],
      },
      agencyName: {
        type: ['string', 'null'],
      },
      span: {
        $ref: '#/components/schemas/Span',
      },
    },
    required: ['name', 'level', 'agencyCode', 'agencyName', 'span'],
    additionalProperties: false,
  },
  DraftPlan: {
    type: 'object',
    properties: {
      number: {
        type: ['string', 'null'],
      },
      documentTypeCode: {
        type: ['string', 'null'],
      },
      documentType: {
        type: ['string', 'null'],
      },
      numberSpan: {
        anyOf: [
          {
            $ref: '#/components/schemas/Span',
          },
          {
            type: 'null',
          },
        ],
      },
      issuer: {
        anyOf: [
          {
            $ref: '#/components/schemas/DraftIssuer',
          },
          {
            type: 'null',
          },
        ],
      },
      place: {
        type: ['string', 'null'],
      },
      date: {
        anyOf: [
          {
            $ref: '#/components/schemas/PartialDate',
          },
          {
            type: 'null',
          },
        ],
      },
      issuedOn: {
        type: ['string', 'null'],
      },
      dateSpan: {
        anyOf: [
          {
            $ref: '#/components/schemas/Span',
          },
          {
            type: 'null',
          },
        ],
      },
      title: {
        type: ['string', 'null'],
      },
      titleSpan: {
        anyOf: [
          {
            $ref: '#/components/schemas/Span',
          },
          {
            type: 'null',
          },
        ],
      },
      period: {
        $ref: '#/components/schemas/PlanPeriod',
      },
      basis: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/CitedDocument',
        },
      },
      implementationSection: {
        type: ['string', 'null'],
      },
      reporting: {
        anyOf: [
          {
            $ref: '#/components/schemas/DraftReporting',
          },
          {
            type: 'null',
          },
        ],
      },
    },
    required: [
      'number',
      'documentTypeCode',
      'documentType',
      'numberSpan',
      'issuer',
      'place',
      'date',
      'issuedOn',
      'dateSpan',
      'title',
      'titleSpan',
      'period',
      'basis',
      'implementationSection',
      'reporting',
    ],
    additionalProperties: false,
  },
  DraftReporting: {
    type: 'object',
    properties: {
      frequency: {
        type: ['string', 'null'],
        enum: ['yearly', 'half-yearly', 'quarterly', 'monthly', null],
      },
      before: {
        type: 'object',
        properties: {
          day: {
            type: 'integer',
          },
          month: {
            type: 'integer',
          },
        },
        required: ['day', 'month'],
        additionalProperties: false,
      },
      recipient: {
        type: ['string', 'null'],
      },
      recipientAgencyCode: {
        type: ['string', 'null'],
      },
      through: {
        type: ['string', 'null'],
      },
      consolidatingAgencyCode: {
        type: ['string', 'null'],
      },
      consolidationLeadDays: {
        type: 'integer',
      },
      text: {
        type: 'string',
      },
      span: {
        $ref: '#/components/schemas/Span',
      },
    },
    required: [
      'frequency',
      'before',
      'recipient',
      'recipientAgencyCode',
      'through',
      'consolidatingAgencyCode',
      'consolidationLeadDays',
      'text',
      'span',
    ],
    additionalProperties: false,
  },
  DraftSource: {
    type: 'object',
    properties: {
      fileName: {
        type: ['string', 'null'],
      },
      mediaType: {
        type: ['string', 'null'],
      },
    },
    required: ['fileName', 'mediaType'],
    additionalProperties: false,
  },
  DraftSourceClause: {
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
  DraftSummary: {
    type: 'object',
    properties: {
      dutyTasks: {
        type: 'integer',
      },
      reportTasks: {
        type: 'integer',
      },
      agencies: {
        type: 'integer',
      },
      tasksNeedingReview: {
        type: 'integer',
      },
    },
    required: ['dutyTasks', 'reportTasks', 'agencies', 'tasksNeedingReview'],
    additionalProperties: false,
  },
  DraftTask: {
    type: 'object',
    properties: {
      taskId: {
        type: 'string',
      },
      kind: {
        type: 'string',
        enum: ['duty', 'report'],
      },
      title: {
        type: 'string',
      },
      duty: {
        type: 'string',
      },
      sourceClause: {
        $ref: '#/components/schemas/DraftSourceClause',
      },
      dueDate: {
        type: ['string', 'null'],
      },
      dueDateSource: {
        type: ['string', 'null'],
        enum: ['read', 'inferred', null],
      },
      dueDateSpan: {
        anyOf: [
          {
            $ref: '#/components/schemas/Span',
          },
          {
            type: 'null',
          },
        ],
      },
      namedSupport: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/NamedSupport',
        },
      },
      assignees: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/DraftAssignee',
        },
      },
      reportYear: {
        type: ['number', 'null'],
      },
      partyOrdinal: {
        type: ['number', 'null'],
      },
      consolidated: {
        type: 'boolean',
      },
      reportsTo: {
        type: ['string', 'null'],
      },
      unresolved: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/UnresolvedName',
        },
      },
      issues: {
        type: 'array',
        items: {
          type: 'string',
          enum: ['unresolved-agency', 'no-assignees', 'no-due-date', 'no-duty'],
        },
      },
    },
    required: [
      'taskId',
      'kind',
      'title',
      'duty',
      'sourceClause',
      'dueDate',
      'dueDateSource',
      'dueDateSpan',
      'namedSupport',
      'assignees',
      'reportYear',
      'partyOrdinal',
      'consolidated',
      'reportsTo',
      'unresolved',
      'issues',
    ],
    additionalProperties: false,
  },
  DraftWarning: {
    type: 'object',
    properties: {
      code: {
        type: 'string',
        enum: [
          'secondary-source',
          'no-plan-structure',
          'no-plan-number',
          'blank-plan-number',
          'no-date',
          'incomplete-date',
          'invalid-date',
          'no-issuer',
          'no-title',
          'no-basis',
          'no-targets',
          'target-without-year',
          'no-implementation-section',
          'no-parties',
          'party-numbering-gap',
          'party-without-duties',
          'no-lead-party',
          'several-lead-parties',
          'no-reporting-duty',
          'reporting-frequency-unknown',
          'reporting-recipient-unknown',
          'several-reporting-deadlines',
          'closing-year-mismatch',
          'document-kind',
          'duty-deadline-invalid',
          'unknown-agency',
          'ambiguous-agency',
          'no-issuer-agency',
          'no-jurisdiction',
          'unknown-jurisdiction',
          'no-period',
          'several-leads-in-party',
          'no-consolidating-agency',
          'reporting-frequency-unsupported',
          'unknown-support-agency',
        ],
      },
      message: {
        type: 'string',
      },
      span: {
        $ref: '#/components/schemas/Span',
      },
      sectionRef: {
        type: 'string',
      },
      name: {
        type: 'string',
      },
      candidates: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/DraftCandidate',
        },
      },
    },
    required: ['code', 'message'],
    additionalProperties: false,
  },
  EscalationStep: {
    type: 'object',
    properties: {
      daysOverdue: {
        type: 'integer',
      },
      to: {
        type: 'string',
        enum: ['lead', 'issuer'],
      },
      counting: {
        type: 'string',
        enum: ['days', 'working-days'],
      },
    },
    required: ['daysOverdue', 'to'],
    additionalProperties: false,
  },
  ImportedDraft: {
    type: 'object',
    properties: {
      jurisdiction: {
        type: ['string', 'null'],
      },
      planId: {
        type: 'string',
      },
      plan: {
        $ref: '#/components/schemas/DraftPlan',
      },
      contentHash: {
        type: 'string',
      },
      origin: {
        type: 'string',
        enum: ['plan', 'secondary-source'],
      },
      source: {
        $ref: '#/components/schemas/DraftSource',
      },
      indicators: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/IndicatorTarget',
        },
      },
      tasks: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/DraftTask',
        },
      },
      warnings: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/DraftWarning',
        },
      },
      summary: {
        $ref: '#/components/schemas/DraftSummary',
      },
      needsReview: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/ReviewItem',
        },
      },
      draftId: {
        type: ['string', 'null'],
      },
      alreadyIssued: {
        type: 'boolean',
      },
      createdBy: {
        type: ['string', 'null'],
      },
      createdAt: {
        type: ['string', 'null'],
      },
      confirmedAt: {
        type: ['string', 'null'],
      },
      sourceTextLength: {
        type: 'integer',
      },
    },
    required: [
      'jurisdiction',
      'planId',
      'plan',
      'contentHash',
      'origin',
      'source',
      'indicators',
      'tasks',
      'warnings',
      'summary',
      'needsReview',
      'draftId',
      'alreadyIssued',
      'createdBy',
      'createdAt',
      'confirmedAt',
      'sourceTextLength',
    ],
    additionalProperties: false,
  },
  IndicatorStanding: {
    type: 'object',
    properties: {
      indicatorId: {
        type: 'string',
      },
      name: {
        type: 'string',
      },
      unit: {
        type: 'string',
        enum: ['number', 'percent', 'count'],
      },
      baseline: {
        type: ['number', 'null'],
      },
      years: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/IndicatorYear',
        },
      },
    },
    required: ['indicatorId', 'name', 'unit', 'baseline', 'years'],
    additionalProperties: false,
  },
  IndicatorTarget: {
    type: 'object',
    properties: {
      year: {
        type: 'integer',
      },
      value: {
        type: 'number',
      },
      unit: {
        type: 'string',
        const: '%',
      },
      comparator: {
        type: ['string', 'null'],
        enum: ['below', 'above', 'at-least', 'at-most', null],
      },
      indicator: {
        type: 'string',
      },
      item: {
        type: ['string', 'null'],
      },
      span: {
        $ref: '#/components/schemas/Span',
      },
    },
    required: ['year', 'value', 'unit', 'comparator', 'indicator', 'item', 'span'],
    additionalProperties: false,
  },
  IndicatorYear: {
    type: 'object',
    properties: {
      year: {
        type: 'integer',
      },
      target: {
        type: ['number', 'null'],
      },
      comparator: {
        type: ['string', 'null'],
        enum: ['below', 'above', 'at-least', 'at-most', null],
      },
      latest: {
        anyOf: [
          {
            $ref: '#/components/schemas/ReportedValue',
          },
          {
            type: 'null',
          },
        ],
      },
      byAgency: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/ReportedValue',
        },
      },
    },
    required: ['year', 'target', 'comparator', 'latest', 'byAgency'],
    additionalProperties: false,
  },
  IndicatorYearTarget: {
    type: 'object',
    properties: {
      year: {
        type: 'integer',
      },
      value: {
        type: 'number',
      },
      comparator: {
        type: ['string', 'null'],
        enum: ['below', 'above', 'at-least', 'at-most', null],
      },
    },
    required: ['year', 'value', 'comparator'],
    additionalProperties: false,
  },
  LabelledPlan: {
    type: 'object',
    properties: {
      planId: {
        type: 'string',
      },
      number: {
        type: ['string', 'null'],
      },
      documentType: {
        type: 'string',
      },
      title: {
        type: 'string',
      },
      issuerAgencyCode: {
        type: 'string',
      },
      jurisdiction: {
        type: 'string',
      },
      issuedOn: {
        type: ['string', 'null'],
      },
      periodFromYear: {
        type: 'integer',
      },
      periodToYear: {
        type: 'integer',
      },
      contentHash: {
        type: 'string',
      },
      sourceFileName: {
        type: ['string', 'null'],
      },
      issuedByPersonId: {
        type: 'string',
      },
      issuedByAgencyCode: {
        type: 'string',
      },
      occurredAt: {
        type: 'string',
      },
      recordedAt: {
        type: 'string',
      },
      indicators: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/PlanIndicator',
        },
      },
      deadlinePolicy: {
        anyOf: [
          {
            $ref: '#/components/schemas/DeadlinePolicy',
          },
          {
            type: 'null',
          },
        ],
      },
      reporting: {
        anyOf: [
          {
            $ref: '#/components/schemas/PlanReportingSummary',
          },
          {
            type: 'null',
          },
        ],
      },
      globalPosition: {
        type: 'string',
      },
      label: {
        type: 'string',
      },
      status: {
        type: 'string',
        enum: ['upcoming', 'active', 'ended'],
      },
    },
    required: [
      'planId',
      'number',
      'documentType',
      'title',
      'issuerAgencyCode',
      'jurisdiction',
      'issuedOn',
      'periodFromYear',
      'periodToYear',
      'contentHash',
      'sourceFileName',
      'issuedByPersonId',
      'issuedByAgencyCode',
      'occurredAt',
      'recordedAt',
      'indicators',
      'deadlinePolicy',
      'reporting',
      'globalPosition',
      'label',
      'status',
    ],
    additionalProperties: false,
  },
  NamedSupport: {
    type: 'object',
    properties: {
      name: {
        type: 'string',
      },
      agencyCode: {
        type: ['string', 'null'],
      },
      agencyName: {
        type: ['string', 'null'],
      },
      span: {
        $ref: '#/components/schemas/Span',
      },
    },
    required: ['name', 'agencyCode', 'agencyName', 'span'],
    additionalProperties: false,
  },
  PartialDate: {
    type: 'object',
    properties: {
      year: {
        type: ['number', 'null'],
      },
      month: {
        type: ['number', 'null'],
      },
      day: {
        type: ['number', 'null'],
      },
    },
    required: ['year', 'month', 'day'],
    additionalProperties: false,
  },
  PlanDraftView: {
    type: 'object',
    properties: {
      draftId: {
        type: ['string', 'null'],
      },
      planId: {
        type: 'string',
      },
      contentHash: {
        type: 'string',
      },
      alreadyIssued: {
        type: 'boolean',
      },
      createdBy: {
        type: ['string', 'null'],
      },
      createdAt: {
        type: ['string', 'null'],
      },
      confirmedAt: {
        type: ['string', 'null'],
      },
      jurisdiction: {
        type: ['string', 'null'],
      },
      plan: {
        $ref: '#/components/schemas/DraftPlan',
      },
      sourceText: {
        type: 'string',
      },
      origin: {
        type: 'string',
        enum: ['plan', 'secondary-source'],
      },
      source: {
        $ref: '#/components/schemas/DraftSource',
      },
      indicators: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/IndicatorTarget',
        },
      },
      tasks: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/DraftTask',
        },
      },
      warnings: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/DraftWarning',
        },
      },
      summary: {
        $ref: '#/components/schemas/DraftSummary',
      },
      needsReview: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/ReviewItem',
        },
      },
    },
    required: [
      'draftId',
      'planId',
      'contentHash',
      'alreadyIssued',
      'createdBy',
      'createdAt',
      'confirmedAt',
      'jurisdiction',
      'plan',
      'sourceText',
      'origin',
      'source',
      'indicators',
      'tasks',
      'warnings',
      'summary',
      'needsReview',
    ],
    additionalProperties: false,
  },
  PlanIndicator: {
    type: 'object',
    properties: {
      indicatorId: {
        type: 'string',
      },
      name: {
        type: 'string',
      },
      unit: {
        type: 'string',
        enum: ['number', 'percent', 'count'],
      },
      baseline: {
        type: ['number', 'null'],
      },
      targets: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/IndicatorYearTarget',
        },
      },
    },
    required: ['indicatorId', 'name', 'unit', 'baseline', 'targets'],
    additionalProperties: false,
  },
  PlanIndicatorsView: {
    type: 'object',
    properties: {
      planId: {
        type: 'string',
      },
      validAt: {
        type: 'string',
      },
      indicators: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/IndicatorStanding',
        },
      },
    },
    required: ['planId', 'validAt', 'indicators'],
    additionalProperties: false,
  },
  PlanPeriod: {
    type: 'object',
    properties: {
      fromYear: {
        type: ['number', 'null'],
      },
      toYear: {
        type: ['number', 'null'],
      },
      derivedFrom: {
        type: 'string',
        enum: [
          'title-range',
          'title-year',
          'plan-year-to-last-target',
          'plan-year',
          'last-target-year',
          'none',
        ],
      },
      explanation: {
        type: 'string',
      },
    },
    required: ['fromYear', 'toYear', 'derivedFrom', 'explanation'],
    additionalProperties: false,
  },
  PlanProgress: PLAN_PROGRESS,
  PlanQueriesListAnswer: pageOf('LabelledPlan', { countable: false }),
  PlanQueriesProgressAnswer: {
    anyOf: [schemaRef('PlanProgress'), withPastState(PLAN_PROGRESS)],
  },
  PlanQueriesTasksAnswer: pageOf('TaskRow'),
  PlanReportingSummary: {
    type: 'object',
    properties: {
      focalAgencyCode: {
        type: ['string', 'null'],
      },
      consolidationLeadDays: {
        type: 'integer',
      },
      cycles: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            year: {
              type: 'integer',
            },
            opensAt: {
              type: 'string',
            },
            openedWithPlan: {
              type: 'boolean',
            },
            reportTasks: {
              type: 'integer',
            },
            reportsDueOn: {
              type: ['string', 'null'],
            },
            consolidationDueOn: {
              type: ['string', 'null'],
            },
          },
          required: [
            'year',
            'opensAt',
            'openedWithPlan',
            'reportTasks',
            'reportsDueOn',
            'consolidationDueOn',
          ],
          additionalProperties: false,
        },
      },
    },
    required: ['focalAgencyCode', 'consolidationLeadDays', 'cycles'],
    additionalProperties: false,
  },
  ReportedValue: {
    type: 'object',
    properties: {
      value: {
        type: 'number',
      },
      agencyCode: {
        type: 'string',
      },
      taskId: {
        type: 'string',
      },
      reportedAt: {
        type: 'string',
      },
    },
    required: ['value', 'agencyCode', 'taskId', 'reportedAt'],
    additionalProperties: false,
  },
  ReportingCycleStatus: {
    type: 'object',
    properties: {
      planId: {
        type: 'string',
      },
      year: {
        type: 'integer',
      },
      asOf: {
        type: 'string',
      },
      opened: {
        type: 'boolean',
      },
      focalAgencyCode: {
        type: ['string', 'null'],
      },
      parties: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/CycleReport',
        },
      },
      reported: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
      notReported: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
      consolidation: {
        anyOf: [
          {
            $ref: '#/components/schemas/CycleReport',
          },
          {
            type: 'null',
          },
        ],
      },
    },
    required: [
      'planId',
      'year',
      'asOf',
      'opened',
      'focalAgencyCode',
      'parties',
      'reported',
      'notReported',
      'consolidation',
    ],
    additionalProperties: false,
  },
  ReviewItem: {
    type: 'object',
    properties: {
      taskId: {
        type: 'string',
      },
      title: {
        type: 'string',
      },
      reasons: {
        type: 'array',
        items: {
          type: 'string',
          enum: [
            'unresolved-agency',
            'no-assignees',
            'no-due-date',
            'no-duty',
            'due-date-inferred',
            'lead-inferred',
            'support-named-in-duty',
            'unknown-support',
          ],
        },
      },
    },
    required: ['taskId', 'title', 'reasons'],
    additionalProperties: false,
  },
  Span: {
    type: 'object',
    properties: {
      start: {
        type: 'number',
      },
      end: {
        type: 'number',
      },
    },
    required: ['start', 'end'],
    additionalProperties: false,
  },
  UnresolvedName: {
    type: 'object',
    properties: {
      name: {
        type: 'string',
      },
      reason: {
        type: 'string',
        enum: ['ambiguous', 'not-found'],
      },
      span: {
        $ref: '#/components/schemas/Span',
      },
      candidates: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/DraftCandidate',
        },
      },
    },
    required: ['name', 'reason', 'span', 'candidates'],
    additionalProperties: false,
  },
} satisfies JsonSchemas;
