import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { migrate, type Database, type Migration } from '#libs/event-store';
import { APP_CONFIG, DATABASE, type AppConfig, type DecisionError } from '#libs/platform';
import { toNfc } from '#libs/shared-kernel';
import type { CommandResult } from './command-result.js';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'idempotency keys of commands',
    sql: (s) => `
      create table ${s}.idempotency_keys (
        principal text not null,
        key text not null,
        request_hash text not null,
        result jsonb not null,
        created_at timestamptz not null default now(),
        primary key (principal, key)
      );`,
  },
];

/** A refusal by a decider, kept so that a retry under the same key is refused the same way. */
export interface StoredRefusal {
  readonly code: string;
  readonly kind: DecisionError['kind'];
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** The first answer under a key: what the command wrote, or why it was refused. */
export type StoredAnswer = { readonly result: CommandResult } | { readonly refusal: StoredRefusal };

export interface StoredCommand {
  readonly requestHash: string;
  readonly answer: StoredAnswer;
}

/** A refusal answered again from the idempotency store; problem+json maps it like the original. */
export class RefusedBefore extends Error implements DecisionError {
  override readonly name = 'RefusedBefore';
  readonly code: string;
  readonly kind: DecisionError['kind'];
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(refusal: StoredRefusal) {
    super(refusal.message);
    this.code = refusal.code;
    this.kind = refusal.kind;
    this.details = refusal.details;
  }
}

type StoredJson = CommandResult | { readonly refusal: StoredRefusal };

/**
 * Remembers each command's Idempotency-Key with a hash of its request and its first answer, so a
 * retry gets that answer: what it wrote (stored in the same transaction as its events), or the
 * decider's refusal (nothing else was written), which a retry is refused with again.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  private readonly schema: string;

  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.schema = config.databaseSchema;
  }

  async onModuleInit(): Promise<void> {
    await migrate(this.database.pool, this.schema, MIGRATIONS, 'api_schema_migrations');
  }

  async find(principal: string, key: string): Promise<StoredCommand | null> {
    const result = await this.database.pool.query<{ request_hash: string; result: StoredJson }>(
      `select request_hash, result from ${this.schema}.idempotency_keys where principal = $1 and key = $2`,
      [principal, key],
    );
    const row = result.rows[0];
    if (!row) return null;
    // The `result` column holds a CommandResult, or { refusal } for a command that was refused.
    const answer: StoredAnswer =
      'refusal' in row.result ? { refusal: row.result.refusal } : { result: row.result };
    return { requestHash: row.request_hash, answer };
  }

  /** False when another request stored the key first (the caller rolls back and reads that one). */
  async save(
    client: PoolClient | Pool,
    principal: string,
    key: string,
    requestHash: string,
    answer: StoredAnswer,
  ): Promise<boolean> {
    const stored: StoredJson = 'refusal' in answer ? { refusal: answer.refusal } : answer.result;
    const inserted = await client.query(
      `insert into ${this.schema}.idempotency_keys (principal, key, request_hash, result)
       values ($1, $2, $3, $4) on conflict do nothing`,
      [principal, key, requestHash, JSON.stringify(stored)],
    );
    return inserted.rowCount === 1;
  }

  /** Keeps a decider's refusal under the key, on its own: nothing else was written. */
  saveRefusal(principal: string, key: string, requestHash: string, refusal: DecisionError): Promise<boolean> {
    const { code, kind, message, details } = refusal;
    return this.save(this.database.pool, principal, key, requestHash, {
      refusal: { code, kind, message, ...(details ? { details } : {}) },
    });
  }
}

/** A stable hash of what was asked: the route and the body. */
export function hashRequest(route: string, body: unknown): string {
  return createHash('sha256').update(route).update('\n').update(stableJson(body)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(toNfc(key))}:${stableJson(item)}`).join(',')}}`;
  }
  // The same text in NFD or NFC is the same request: commands store it in NFC either way.
  if (typeof value === 'string') return JSON.stringify(toNfc(value));
  return JSON.stringify(value) ?? 'null';
}
