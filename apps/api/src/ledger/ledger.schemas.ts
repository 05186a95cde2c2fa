import { objectSchema, type JsonSchemas } from '../contract/json-schema.js';

/** A signed checkpoint as the ledger answers it: its size, root, signed note and witnesses. */
const SIGNED_CHECKPOINT = objectSchema(
  {
    treeSize: { type: 'string' },
    root: { type: 'string' },
    note: { type: 'string' },
    witnesses: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string' },
  },
  ['treeSize', 'root', 'note', 'witnesses', 'createdAt'],
);

/** What the ledger operations answer (JSON Schema 2020-12, as OpenAPI 3.1 components; see docs/adr/0035). */
export const LEDGER_SCHEMAS = {
  EventPage: {
    type: 'object',
    description: 'A page of the log; next is the cursor of the following page, null at the end',
    properties: {
      events: { type: 'array', items: { $ref: '#/components/schemas/BrowsedEvent' } },
      next: { type: ['string', 'null'] },
    },
    required: ['events', 'next'],
    additionalProperties: false,
  },
  BrowsedEvent: {
    type: 'object',
    properties: {
      position: { type: 'string' },
      leafIndex: { type: ['string', 'null'] },
      event: { $ref: '#/components/schemas/LedgerEntry' },
    },
    required: ['position', 'leafIndex', 'event'],
    additionalProperties: false,
  },
  LedgerCheckpointAnswer: SIGNED_CHECKPOINT,
  LedgerConsistencyAnswer: {
    type: 'object',
    properties: {
      from: {
        type: 'string',
      },
      to: {
        type: 'string',
      },
      fromRoot: {
        type: 'string',
      },
      toRoot: {
        type: 'string',
      },
      proof: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
    },
    required: ['from', 'to', 'fromRoot', 'toRoot', 'proof'],
    additionalProperties: false,
  },
  // The checkpoint with the witness's cosignature added.
  LedgerCosignAnswer: SIGNED_CHECKPOINT,
  LedgerEntry: {
    type: 'object',
    properties: {
      eventId: {
        type: 'string',
      },
      streamId: {
        type: 'string',
      },
      streamVersion: {
        type: 'integer',
      },
      type: {
        type: 'string',
      },
      data: {},
      metadata: {},
      recordedAt: {
        type: 'string',
      },
    },
    required: ['eventId', 'streamId', 'streamVersion', 'type', 'data', 'metadata', 'recordedAt'],
    additionalProperties: false,
  },
  LedgerEventAnswer: {
    type: 'object',
    properties: {
      inclusion: {
        type: ['object', 'null'],
        properties: {
          leafIndex: {
            type: 'string',
          },
          treeSize: {
            type: 'string',
          },
          root: {
            type: 'string',
          },
          proof: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
        required: ['leafIndex', 'treeSize', 'root', 'proof'],
        additionalProperties: false,
      },
      checkpoint: {
        type: ['object', 'null'],
        properties: {
          treeSize: {
            type: 'string',
          },
          root: {
            type: 'string',
          },
          note: {
            type: 'string',
          },
          witnesses: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          createdAt: {
            type: 'string',
          },
        },
        required: ['treeSize', 'root', 'note', 'witnesses', 'createdAt'],
        additionalProperties: false,
      },
      position: {
        type: 'string',
      },
      leafIndex: {
        type: ['string', 'null'],
      },
      event: {
        $ref: '#/components/schemas/LedgerEntry',
      },
    },
    required: ['inclusion', 'checkpoint', 'position', 'leafIndex', 'event'],
    additionalProperties: false,
  },
  LedgerInclusionAnswer: {
    type: 'object',
    properties: {
      leafIndex: {
        type: 'string',
      },
      treeSize: {
        type: 'string',
      },
      root: {
        type: 'string',
      },
      proof: {
        type: 'array',
        items: {
          type: 'string',
        },
      },
      eventId: {
        type: 'string',
      },
    },
    required: ['leafIndex', 'treeSize', 'root', 'proof', 'eventId'],
    additionalProperties: false,
  },
  LedgerKeyAnswer: {
    type: 'object',
    properties: {
      origin: {
        type: 'string',
      },
      keys: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            verifierKey: {
              type: 'string',
            },
            keyId: {
              type: 'string',
            },
            current: {
              type: 'boolean',
            },
          },
          required: ['verifierKey', 'keyId', 'current'],
          additionalProperties: false,
        },
      },
      witnesses: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: {
              type: 'string',
            },
            keyId: {
              type: 'string',
            },
          },
          required: ['name', 'keyId'],
          additionalProperties: false,
        },
      },
    },
    required: ['origin', 'keys', 'witnesses'],
    additionalProperties: false,
  },
  LedgerListAnswer: objectSchema(
    { checkpoints: { type: 'array', items: SIGNED_CHECKPOINT }, next: { type: ['string', 'null'] } },
    ['checkpoints', 'next'],
  ),
} satisfies JsonSchemas;
