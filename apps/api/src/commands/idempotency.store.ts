import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { migrate, type Database, type Migration } from '#libs/event-store';
import { APP_CONFIG, DATABASE, type AppConfig } from '#libs/platform';
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

export interface StoredCommand {
  readonly requestHash: string;
  readonly result: CommandResult;
}

/**
 * Remembers each command's Idempotency-Key with a hash of its request and its answer, written
 * in the same transaction as the command's events, so a retry gets the first answer.
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
    const result = await this.database.pool.query<{ request_hash: string; result: CommandResult }>(
      `select request_hash, result from ${this.schema}.idempotency_keys where principal = $1 and key = $2`,
      [principal, key],
    );
    const row = result.rows[0];
    return row ? { requestHash: row.request_hash, result: row.result } : null;
  }

  /** False when another request stored the key first (the caller rolls back and reads that one). */
  async save(client: PoolClient, principal: string, key: string, requestHash: string, result: CommandResult) {
    const inserted = await client.query(
      `insert into ${this.schema}.idempotency_keys (principal, key, request_hash, result)
       values ($1, $2, $3, $4) on conflict do nothing`,
      [principal, key, requestHash, JSON.stringify(result)],
    );
    return inserted.rowCount === 1;
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
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
