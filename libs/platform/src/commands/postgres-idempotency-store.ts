import {
  migrate,
  PostgresEventStore,
  type Database,
  type EventStore,
  type Migration,
} from '#libs/event-store';
import type {
  Appended,
  CommandResult,
  EventToAppend,
  IdempotencyRecord,
  IdempotencyStore,
  StoredAnswer,
  StoredCommand,
  StoredRefusal,
} from '#libs/application';
import { asAppendConflict, expectedVersionOf } from './event-store-adapter.js';

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

/** The `result` column: a CommandResult, or { refusal } for a command that was refused. */
type StoredJson = CommandResult | { readonly refusal: StoredRefusal };

/**
 * Idempotency-Keys in PostgreSQL (table `idempotency_keys`, migrations in `api_schema_migrations`).
 * With the PostgreSQL event store an answer is stored in the same transaction as the command's
 * events, so a retry finds both or neither; a refusal is stored on its own (nothing else was
 * written). With another event store (KurrentDB) the events are appended first and the answer
 * stored right after: docs/adr/0024-kurrentdb-event-store.md says what that leaves open.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
    private readonly schema: string,
  ) {}

  async migrate(): Promise<void> {
    await migrate(this.database.pool, this.schema, MIGRATIONS, 'api_schema_migrations');
  }

  async find(owner: string, key: string): Promise<StoredCommand | null> {
    const result = await this.database.pool.query<{ request_hash: string; result: StoredJson }>(
      `select request_hash, result from ${this.schema}.idempotency_keys where principal = $1 and key = $2`,
      [owner, key],
    );
    const row = result.rows[0];
    if (!row) return null;
    const answer: StoredAnswer =
      'refusal' in row.result ? { refusal: row.result.refusal } : { result: row.result };
    return { requestHash: row.request_hash, answer };
  }

  saveRefusal(record: IdempotencyRecord, refusal: StoredRefusal): Promise<boolean> {
    return this.save(this.database.pool, record, { refusal });
  }

  async appendAndRemember(
    append: {
      readonly streamId: string;
      readonly events: readonly EventToAppend[];
      readonly expectedVersion: number;
    } | null,
    record: IdempotencyRecord,
    answerOf: (appended: Appended | null) => CommandResult,
  ): Promise<CommandResult | 'key-taken'> {
    if (!(this.store instanceof PostgresEventStore)) return this.appendThenRemember(append, record, answerOf);
    const store = this.store;
    const client = await this.database.pool.connect();
    try {
      await client.query('begin');
      let appended: Appended | null = null;
      if (append) {
        try {
          appended = await store.appendWith(
            client,
            append.streamId,
            append.events,
            expectedVersionOf(append.expectedVersion),
          );
        } catch (error) {
          throw asAppendConflict(error, append.streamId, append.expectedVersion);
        }
      }
      const result = answerOf(appended);
      if (!(await this.save(client, record, { result }))) {
        await client.query('rollback');
        return 'key-taken';
      }
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * An event store outside PostgreSQL: no transaction spans both. The append comes first, so a
   * stored answer always names events that exist; a crash between the two leaves the key free
   * and a retry is decided again (ADR 0024).
   */
  private async appendThenRemember(
    append: {
      readonly streamId: string;
      readonly events: readonly EventToAppend[];
      readonly expectedVersion: number;
    } | null,
    record: IdempotencyRecord,
    answerOf: (appended: Appended | null) => CommandResult,
  ): Promise<CommandResult | 'key-taken'> {
    let appended: Appended | null = null;
    if (append) {
      try {
        appended = await this.store.append(
          append.streamId,
          append.events,
          expectedVersionOf(append.expectedVersion),
        );
      } catch (error) {
        throw asAppendConflict(error, append.streamId, append.expectedVersion);
      }
    }
    const result = answerOf(appended);
    // Another request with the same key stored its answer first: that answer is the one given.
    // Events this one appended stay recorded: the race a store outside the transaction leaves (ADR 0024).
    if (!(await this.save(this.database.pool, record, { result }))) return 'key-taken';
    return result;
  }

  /** False when another request stored the key first. */
  private async save(
    db: Pick<Database['pool'], 'query'>,
    record: IdempotencyRecord,
    answer: StoredAnswer,
  ): Promise<boolean> {
    const stored: StoredJson = 'refusal' in answer ? { refusal: answer.refusal } : answer.result;
    const inserted = await db.query(
      `insert into ${this.schema}.idempotency_keys (principal, key, request_hash, result)
       values ($1, $2, $3, $4) on conflict do nothing`,
      [record.owner, record.key, record.requestHash, JSON.stringify(stored)],
    );
    return inserted.rowCount === 1;
  }
}
