import { pageOf, type JsonSchemas } from '../contract/json-schema.js';

/** An agency's webhook endpoint, without its secrets' values. */
const WEBHOOK_ENDPOINT = {
  type: 'object',
  properties: {
    id: {
      type: 'string',
    },
    agencyCode: {
      type: 'string',
    },
    url: {
      type: 'string',
    },
    eventTypes: {
      type: 'array',
      items: {
        type: 'string',
      },
    },
    description: {
      type: ['string', 'null'],
    },
    status: {
      type: 'string',
      enum: ['active', 'disabled'],
    },
    createdBy: {
      type: 'string',
    },
    createdAt: {
      type: 'string',
    },
    disabledAt: {
      type: ['string', 'null'],
    },
    secrets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: {
            type: 'string',
          },
          createdAt: {
            type: 'string',
          },
          expiresAt: {
            type: ['string', 'null'],
          },
        },
        required: ['id', 'createdAt', 'expiresAt'],
        additionalProperties: false,
      },
    },
  },
  required: [
    'id',
    'agencyCode',
    'url',
    'eventTypes',
    'description',
    'status',
    'createdBy',
    'createdAt',
    'disabledAt',
    'secrets',
  ],
  additionalProperties: false,
};

/** What the webhooks operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const WEBHOOKS_SCHEMAS = {
  WebhookDelivery: {
    type: 'object',
    properties: {
      id: {
        type: 'string',
      },
      messageId: {
        type: 'string',
      },
      eventType: {
        type: 'string',
      },
      orderingKey: {
        type: 'string',
      },
      position: {
        type: 'string',
      },
      status: {
        type: 'string',
        enum: ['pending', 'delivered', 'dead'],
      },
      waitingForEarlier: {
        type: 'boolean',
      },
      attempts: {
        type: 'integer',
      },
      queuedAt: {
        type: 'string',
      },
      lastAttemptAt: {
        type: ['string', 'null'],
      },
      lastStatusCode: {
        type: ['number', 'null'],
      },
      lastError: {
        type: ['string', 'null'],
      },
      nextAttemptAt: {
        type: ['string', 'null'],
      },
      deliveredAt: {
        type: ['string', 'null'],
      },
    },
    required: [
      'id',
      'messageId',
      'eventType',
      'orderingKey',
      'position',
      'status',
      'waitingForEarlier',
      'attempts',
      'queuedAt',
      'lastAttemptAt',
      'lastStatusCode',
      'lastError',
      'nextAttemptAt',
      'deliveredAt',
    ],
    additionalProperties: false,
  },
  WebhookEndpoint: WEBHOOK_ENDPOINT,
  WebhooksDeliveriesAnswer: pageOf('WebhookDelivery', {
    countable: false,
    properties: { endpointId: { type: 'string' } },
    required: ['endpointId'],
  }),
  WebhooksListAnswer: {
    type: 'object',
    properties: {
      agencyCode: {
        type: 'string',
      },
      items: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/WebhookEndpoint',
        },
      },
    },
    required: ['agencyCode', 'items'],
    additionalProperties: false,
  },
  WebhooksReplayAnswer: {
    type: 'object',
    properties: {
      endpointId: {
        type: 'string',
      },
      replayed: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
    },
    required: ['endpointId', 'replayed'],
    additionalProperties: false,
  },
  /** The endpoint and its signing secret, shown once: when registered and when rotated. */
  WithSecret: {
    ...WEBHOOK_ENDPOINT,
    properties: { ...WEBHOOK_ENDPOINT.properties, secret: { type: 'string' } },
    required: [...WEBHOOK_ENDPOINT.required, 'secret'],
  },
} satisfies JsonSchemas;
