import { createHash } from 'node:crypto';
import type pg from 'pg';
import type {
  ReadAuditFilter,
  ReadAuditLog,
  ReadAuditPage,
  ReadRecord,
  RecordedRead,
} from '#libs/application';

/** The hash before the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Records written in one transaction at most. */
const MAX_BATCH = 500;

interface Pending {
  readonly read: ReadRecord;
  readonly recordedAt: string;
  readonly resolve: (recorded: RecordedRead) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The hash of a record: SHA-256 over the previous hash and the record's fields, in a fixed order,
 * as JSON. Anyone holding the rows can recompute the chain (`verifyReadChain`); a changed, removed
 * or inserted row breaks it from there on.
 */
export function hashRead(prevHash: string, seq: string, recordedAt: string, read: ReadRecord): string {
  const canonical = JSON.stringify([
    prevHash,
    seq,
    recordedAt,
    read.actor.personId,
    read.actor.agencyCode,
    [...read.actor.roles],
    read.kind,
    read.method,
    read.path,
    [...read.resourceIds],
    Object.keys(read.query)
      .sort()
      .map((key) => [key, read.query[key]]),
    read.items,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The first record whose hash does not follow from the ones before it, or null when all do. */
export function verifyReadChain(records: readonly RecordedRead[], prevHash = GENESIS_HASH): string | null {
  let previous = prevHash;
  for (const record of records) {
    if (
      record.prevHash !== previous ||
      hashRead(previous, record.seq, record.recordedAt, record) !== record.hash
    ) {
      return record.seq;
    }
    previous = record.hash;
  }
  return null;
}

/** The chain's last record as a writer knows it: where the next batch links on. */
export interface ReadChainHead {
  readonly seq: string;
  readonly hash: string;
}

/** A batch of reads linked onto `head` in order, and the chain's head after them. */
export function chainReads(
  head: ReadChainHead,
  reads: readonly { readonly read: ReadRecord; readonly recordedAt: string }[],
): { recorded: RecordedRead[]; head: ReadChainHead } {
  let seq = BigInt(head.seq);
  let prevHash = head.hash;
  const recorded = reads.map(({ read, recordedAt }) => {
    seq += 1n;
    const hash = hashRead(prevHash, seq.toString(), recordedAt, read);
    const row: RecordedRead = { ...read, seq: seq.toString(), recordedAt, prevHash, hash };
    prevHash = hash;
    return row;
  });
  return { recorded, head: { seq: seq.toString(), hash: prevHash } };
}

/**
 * The audit of reads in PostgreSQL (or the embedded database): a table of its own, apart from the
 * event log, each row chained to the one before by its hash, updates and deletes refused by a
 * trigger.
 *
 * Group commit: one batch at a time; it takes the reads queued when it gets its connection, so the
 * reads that arrive while it waits for the connection, or while the one before is written, go
 * together (one commit, one WAL flush).
 * A batch is one statement, so one round trip: the writer keeps the chain's head it last wrote,
 * links the batch onto it in memory, and the statement inserts the rows only if it moves the
 * head row from exactly that head (the row lock orders writers). When another API process has
 * appended meanwhile the statement inserts nothing, and the batch is written again in a
 * transaction that locks and reads the head first, as is the first batch and the one after an
 * error (whether a failed statement committed is not known, so the head is read again). The
 * embedded database has a single connection that the reads share: a batch written in five
 * round trips held it, and the reads behind it, five times as long.
 */
export class PostgresReadAudit implements ReadAuditLog {
  private queue: Pending[] = [];
  private writing = false;
  /** The head this writer last wrote or read; undefined: read it (first batch, after an error). */
  private head: ReadChainHead | undefined;

  /** The statement of a batch linked onto the head this writer knows (see `write`). */
  private readonly appendStatement: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.appendStatement = `with moved as (
           update ${schema}.read_audit_head set seq = $2, hash = $3
           where id and seq = $4 and hash = $5 returning 1)
         ${this.insertRows('where exists (select 1 from moved)')}`;
  }

  async migrate(): Promise<void> {
    const s = this.schema;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`coord-read-audit:${s}`]);
      await client.query(`
        create table if not exists ${s}.read_audit (
          seq bigint primary key,
          recorded_at timestamptz not null,
          actor_person_id text not null,
          actor_agency_code text not null,
          actor_roles text[] not null,
          kind text not null,
          method text not null,
          path text not null,
          resource_ids text[] not null,
          query jsonb not null,
          items integer not null,
          prev_hash text not null,
          hash text not null
        );
        create index if not exists read_audit_actor on ${s}.read_audit (actor_person_id, seq);
        create index if not exists read_audit_recorded on ${s}.read_audit (recorded_at);
        create index if not exists read_audit_resources on ${s}.read_audit using gin (resource_ids);
        create table if not exists ${s}.read_audit_head (
          id boolean primary key default true check (id),
          seq bigint not null,
          hash text not null
        );
        insert into ${s}.read_audit_head (id, seq, hash) values (true, 0, '${GENESIS_HASH}') on conflict do nothing;
        create or replace function ${s}.read_audit_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'the audit of reads is append-only';
        end $$;
        drop trigger if exists read_audit_append_only on ${s}.read_audit;
        create trigger read_audit_append_only before update or delete or truncate on ${s}.read_audit
          for each statement execute function ${s}.read_audit_append_only();
      `);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  record(read: ReadRecord): Promise<RecordedRead> {
    return new Promise((resolve, reject) => {
      this.queue.push({ read, recordedAt: this.clock().toISOString(), resolve, reject });
      this.writeNext();
    });
  }

  /**
   * Asks for a connection, and only once it has one takes the reads queued by then as the batch:
   * the reads that arrive while the batch waits for its turn on the connection go with it rather
   * than waiting for the next turn.
   */
  private writeNext(): void {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    let batch: Pending[] = [];
    this.pool
      .connect()
      .then(async (client) => {
        batch = this.queue.splice(0, MAX_BATCH);
        try {
          return await this.write(client, batch);
        } finally {
          client.release();
        }
      })
      .then(
        (recorded) => batch.forEach((pending, index) => pending.resolve(recorded[index] as RecordedRead)),
        (error: unknown) => {
          // Whether the failed statement committed is not known: the head is read again.
          this.head = undefined;
          // No connection: the reads queued so far are the batch that failed.
          if (batch.length === 0) batch = this.queue.splice(0, MAX_BATCH);
          batch.forEach((pending) => pending.reject(error));
        },
      )
      .finally(() => {
        this.writing = false;
        this.writeNext();
      });
  }

  private async write(client: pg.PoolClient, batch: readonly Pending[]): Promise<RecordedRead[]> {
    if (this.head !== undefined) {
      const { recorded, head } = chainReads(this.head, batch);
      // Prepared once per connection: parsing and planning it each time cost as much as running it.
      const result = await client.query({
        name: `${this.schema}.read_audit_append`,
        text: this.appendStatement,
        values: [rowsOf(recorded), head.seq, head.hash, this.head.seq, this.head.hash],
      });
      if (result.rowCount === recorded.length) {
        this.head = head;
        return recorded;
      }
      // Another writer appended since: nothing was inserted; link onto the head it left.
    }
    return this.writeLocked(client, batch);
  }

  /** Writes a batch after the chain's head, locked and read in the batch's transaction. */
  private async writeLocked(client: pg.PoolClient, batch: readonly Pending[]): Promise<RecordedRead[]> {
    const s = this.schema;
    try {
      await client.query('begin');
      const current = await client.query<{ seq: string; hash: string }>(
        `select seq::text as seq, hash from ${s}.read_audit_head where id for update`,
      );
      const { recorded, head } = chainReads(
        { seq: current.rows[0]?.seq ?? '0', hash: current.rows[0]?.hash ?? GENESIS_HASH },
        batch,
      );
      await client.query(this.insertRows(''), [rowsOf(recorded)]);
      await client.query(`update ${s}.read_audit_head set seq = $1, hash = $2 where id`, [
        head.seq,
        head.hash,
      ]);
      await client.query('commit');
      this.head = head;
      return recorded;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  }

  /** The insert of the rows given as JSON in $1, with an optional condition. */
  private insertRows(condition: string): string {
    return `insert into ${this.schema}.read_audit (seq, recorded_at, actor_person_id, actor_agency_code, actor_roles,
         kind, method, path, resource_ids, query, items, prev_hash, hash)
       select r.seq, r.recorded_at, r.actor_person_id, r.actor_agency_code,
              array(select jsonb_array_elements_text(r.actor_roles)), r.kind, r.method, r.path,
              array(select jsonb_array_elements_text(r.resource_ids)), r.query, r.items, r.prev_hash, r.hash
       from jsonb_to_recordset($1::jsonb) as r(seq bigint, recorded_at timestamptz, actor_person_id text,
         actor_agency_code text, actor_roles jsonb, kind text, method text, path text, resource_ids jsonb,
         query jsonb, items integer, prev_hash text, hash text)
       ${condition}`;
  }

  async list(filter: ReadAuditFilter): Promise<ReadAuditPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.actor !== undefined) where.push(`actor_person_id = ${param(filter.actor)}`);
    if (filter.resource !== undefined) {
      const resource = param(filter.resource);
      where.push(
        `(${resource} = any(resource_ids) or path = ${resource} or starts_with(path, ${resource} || '/'))`,
      );
    }
    if (filter.from !== undefined) where.push(`recorded_at >= ${param(filter.from)}::timestamptz`);
    if (filter.to !== undefined) where.push(`recorded_at <= ${param(filter.to)}::timestamptz`);
    if (filter.actorAgencies !== undefined) {
      where.push(`actor_agency_code = any(${param([...filter.actorAgencies])}::text[])`);
    }
    const clause = (extra: string[]) => (extra.length === 0 ? '' : `where ${extra.join(' and ')}`);
    const total = filter.count
      ? await this.pool.query<{ total: number }>(
          `select count(*)::int as total from ${this.schema}.read_audit ${clause(where)}`,
          params,
        )
      : undefined;
    // Keyset: the page starts after the cursor's seq, along the primary key (or an index ending in seq).
    const after = filter.afterSeq === undefined ? [] : [`a.seq > ${param(filter.afterSeq)}::bigint`];
    const rows = await this.pool.query<ReadAuditRow>(
      `select a.seq::text as seq, recorded_at, actor_person_id, actor_agency_code, actor_roles, kind, method, path,
              resource_ids, query, items, prev_hash, hash
       from ${this.schema}.read_audit a ${clause([...where, ...after])}
       order by a.seq limit ${param(filter.limit + 1)} offset ${param(filter.offset)}`,
      params,
    );
    const items = rows.rows.slice(0, filter.limit).map(fromRow);
    return {
      items,
      more: rows.rows.length > filter.limit,
      ...(total ? { total: total.rows[0]?.total ?? 0 } : {}),
    };
  }
}

interface ReadAuditRow {
  seq: string;
  recorded_at: Date;
  actor_person_id: string;
  actor_agency_code: string;
  actor_roles: string[];
  kind: string;
  method: string;
  path: string;
  resource_ids: string[];
  query: Record<string, string>;
  items: number;
  prev_hash: string;
  hash: string;
}

/** The records as the JSON the insert reads. */
function rowsOf(recorded: readonly RecordedRead[]): string {
  return JSON.stringify(
    recorded.map((r) => ({
      seq: r.seq,
      recorded_at: r.recordedAt,
      actor_person_id: r.actor.personId,
      actor_agency_code: r.actor.agencyCode,
      actor_roles: r.actor.roles,
      kind: r.kind,
      method: r.method,
      path: r.path,
      resource_ids: r.resourceIds,
      query: r.query,
      items: r.items,
      prev_hash: r.prevHash,
      hash: r.hash,
    })),
  );
}

function fromRow(row: ReadAuditRow): RecordedRead {
  return {
    seq: row.seq,
    recordedAt: row.recorded_at.toISOString(),
    actor: { personId: row.actor_person_id, agencyCode: row.actor_agency_code, roles: row.actor_roles },
    kind: row.kind,
    method: row.method,
    path: row.path,
    resourceIds: row.resource_ids,
    query: row.query,
    items: row.items,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
