import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Pool } from 'pg';
import { migrate, type Database, type Migration } from '#libs/event-store';
import { gzipDraftJson, gzipPlanText, type PlanDraft, type SerialisedPlanDraft } from '#libs/plan-intake';
import type { PlanDraftStore, StoredDraft } from '#libs/application';

/** Exported for the test that migrates drafts stored before version 4. */
export const PLAN_DRAFT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'plan drafts awaiting review',
    sql: (s) => `
      create table ${s}.plan_drafts (
        id uuid primary key,
        content_hash text not null,
        draft jsonb not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        confirmed_at timestamptz
      );
      create index plan_drafts_content_hash on ${s}.plan_drafts (content_hash);`,
  },
  {
    version: 2,
    name: 'the committee a draft was uploaded for',
    sql: (s) => `alter table ${s}.plan_drafts add column committee text;`,
  },
  {
    version: 3,
    name: 'the source text of a draft kept apart, compressed, in chunks',
    // Already compressed: PostgreSQL is told not to try again (storage external).
    sql: (s) => `
      create table ${s}.plan_draft_sources (
        draft_id uuid not null references ${s}.plan_drafts (id),
        seq integer not null,
        chunk bytea not null,
        primary key (draft_id, seq)
      );
      alter table ${s}.plan_draft_sources alter column chunk set storage external;`,
  },
  {
    version: 4,
    name: 'the draft JSON kept as its UTF-8 bytes, in chunks written before the draft row',
    // Not jsonb: PostgreSQL parsed 12 MB of JSON on insert, which on the embedded database held the
    // API's thread for over a second (docs/adr/0025). Only `find` reads it, and parses it itself.
    // The chunks of both tables are written before their draft's row, each statement on its own
    // (the embedded database runs one transaction at a time: a long one held every other request,
    // /health included), so they reference no row; a draft is there once its row is.
    // Existing rows are copied as one chunk each; storage stays compressible (JSON compresses well).
    // The old column stays, nullable and no longer written, so API processes of the previous
    // version still read the drafts they made while a fleet is upgraded one process at a time;
    // a later migration drops it.
    sql: (s) => `
      create table ${s}.plan_draft_json (
        draft_id uuid not null,
        seq integer not null,
        chunk bytea not null,
        primary key (draft_id, seq)
      );
      insert into ${s}.plan_draft_json (draft_id, seq, chunk)
        select id, 0, convert_to(draft::text, 'UTF8') from ${s}.plan_drafts;
      alter table ${s}.plan_drafts alter column draft drop not null;
      alter table ${s}.plan_draft_sources drop constraint plan_draft_sources_draft_id_fkey;`,
  },
  {
    version: 5,
    name: 'draft JSON chunks arrive gzip-compressed: not compressed again',
    // As the source text's chunks (version 3): PostgreSQL would try pglz on every new chunk for
    // nothing. Rows stored before stay as they are (UTF-8, read as such); API processes of the
    // previous version, while a fleet is upgraded, still write UTF-8 chunks, now kept uncompressed.
    sql: (s) => `alter table ${s}.plan_draft_json alter column chunk set storage external;`,
  },
  {
    version: 6,
    name: 'when each chunk was written, to remove those whose draft row never came',
    // A process that ends between a draft's chunks and its row (a crash, a kill) leaves chunks no
    // draft reads. Rows written before this version take the time of the migration.
    sql: (s) => `
      alter table ${s}.plan_draft_json add column written_at timestamptz not null default now();
      alter table ${s}.plan_draft_sources add column written_at timestamptz not null default now();`,
  },
];

/**
 * How long a draft's chunks may wait for its row before they are taken for a crashed insert's
 * and removed. An insert writes its row a second or two after its first chunk; another process of
 * a fleet may be in the middle of one while this one cleans.
 */
const ORPHAN_CHUNK_AGE = '1 hour';

const gunzipAsync = promisify(gunzip);

/**
 * Bytes of compressed source text, or of draft JSON, per row. The embedded database runs one
 * statement at a time, so a large text is written in short statements: another request's
 * statement (/health's included) waits for one chunk at most, 4-12 ms on its own thread (ADR 0043;
 * before it, in the API's thread, ~30 ms and the event loop held meanwhile: docs/adr/0025).
 */
export const SOURCE_CHUNK_BYTES = 128 * 1024;

interface DraftRow {
  id: string;
  content_hash: string;
  created_by: string;
  committee: string | null;
  created_at: Date;
  confirmed_at: Date | null;
}

/** Plan drafts in PostgreSQL (table `plan_drafts`, migrations in `intake_schema_migrations`). */
export class PostgresPlanDraftStore implements PlanDraftStore {
  constructor(
    private readonly database: Database,
    private readonly schema: string,
  ) {}

  async migrate(): Promise<void> {
    await migrate(this.database.pool, this.schema, PLAN_DRAFT_MIGRATIONS, 'intake_schema_migrations');
  }

  /**
   * The draft's JSON without its source text, then the text, both as UTF-8 gzip-compressed off the
   * event loop (zlib's thread pool, or the intake thread for a serialised draft), in chunks each
   * committed alone, then the draft's row, which makes the draft visible (no transaction: on the
   * embedded database it would hold every other statement until it ends). Compressed, the JSON of
   * 2,300 parties is 0.4 MB instead of 14 MB (the embedded database takes 4-12 ms a 128 KB row).
   */
  async insert(
    id: string,
    draft: PlanDraft | SerialisedPlanDraft,
    createdBy: string,
    committee: string,
  ): Promise<Omit<StoredDraft, 'draft'>> {
    const json = 'jsonGzip' in draft ? draft.jsonGzip : await gzipDraftJson(draft);
    const gzip = 'jsonGzip' in draft ? draft.sourceTextGzip : await gzipPlanText(draft.sourceText);
    if (gzip === null) throw new Error('A draft is stored with its source text.');
    const jsonTable = `${this.schema}.plan_draft_json`;
    const sources = `${this.schema}.plan_draft_sources`;
    await this.removeChunksOfCrashedInserts();
    try {
      await insertChunks(this.database.pool, jsonTable, id, [json]);
      await insertChunks(this.database.pool, sources, id, [gzip]);
      const result = await this.database.pool.query<DraftRow>(
        `insert into ${this.schema}.plan_drafts (id, content_hash, created_by, committee)
         values ($1, $2, $3, $4)
         returning id, content_hash, created_by, committee, created_at, confirmed_at`,
        [id, draft.contentHash, createdBy, committee],
      );
      return storedFields(result.rows[0] as DraftRow);
    } catch (error) {
      // Chunks without their row are never read; those of a failed insert are removed.
      // Never those of a draft already stored under this id.
      const orphan = `draft_id = $1 and not exists (select from ${this.schema}.plan_drafts where id = $1)`;
      await this.database.pool
        .query(`delete from ${jsonTable} where ${orphan}`, [id])
        .then(() => this.database.pool.query(`delete from ${sources} where ${orphan}`, [id]))
        .catch(() => undefined);
      throw error;
    }
  }

  /**
   * Chunks older than ORPHAN_CHUNK_AGE whose draft has no row: left by a process that ended in the
   * middle of an insert (a failed insert removes its own). Done as a draft is stored: imports are
   * rare, and the scan reads no chunk's bytes (they are stored apart, `storage external`).
   */
  private async removeChunksOfCrashedInserts(): Promise<void> {
    for (const table of ['plan_draft_json', 'plan_draft_sources']) {
      await this.database.pool.query(
        `delete from ${this.schema}.${table} c
          where c.written_at < now() - interval '${ORPHAN_CHUNK_AGE}'
            and not exists (select from ${this.schema}.plan_drafts d where d.id = c.draft_id)`,
      );
    }
  }

  async find(id: string): Promise<StoredDraft | null> {
    const result = await this.database.pool.query<DraftRow>(
      `select id, content_hash, created_by, committee, created_at, confirmed_at
       from ${this.schema}.plan_drafts where id = $1`,
      [id],
    );
    const row = result.rows[0];
    if (!row) return null;
    const stored = await this.chunksOf(`${this.schema}.plan_draft_json`, id);
    // Drafts stored before their JSON was compressed keep it as UTF-8, which never starts as gzip does.
    const json = isGzip(stored) ? await gunzipAsync(stored) : stored;
    const draft = JSON.parse(json.toString('utf8')) as PlanDraft;
    const source = await this.chunksOf(`${this.schema}.plan_draft_sources`, id);
    // Drafts stored before the text was kept apart still hold it in their JSON.
    const sourceText = source.length === 0 ? draft.sourceText : (await gunzipAsync(source)).toString('utf8');
    return { ...storedFields(row), draft: { ...draft, sourceText } };
  }

  private async chunksOf(table: string, id: string): Promise<Buffer> {
    const chunks = await this.database.pool.query<{ chunk: Buffer }>(
      `select chunk from ${table} where draft_id = $1 order by seq`,
      [id],
    );
    return Buffer.concat(chunks.rows.map((r) => r.chunk));
  }

  async markConfirmed(id: string): Promise<void> {
    await this.database.pool.query(
      `update ${this.schema}.plan_drafts set confirmed_at = coalesce(confirmed_at, now()) where id = $1`,
      [id],
    );
  }
}

/** gzip's magic number (RFC 1952): a JSON text starts with white space, "{" or "[", never with 0x1f. */
function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Bytes written as rows of at most SOURCE_CHUNK_BYTES, numbered in order, one statement each and
 * each committed alone (a piece's rows are views of it, not copies). A row may end inside a character
 * or a compressed block: the reader joins the rows before decoding.
 */
async function insertChunks(
  pool: Pool,
  table: string,
  id: string,
  pieces: readonly Uint8Array[],
): Promise<void> {
  let seq = 0;
  for (const piece of pieces) {
    // Bytes from the intake thread arrive as a Uint8Array; pg sends a Buffer as bytea.
    const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    for (let at = 0; at < bytes.length; at += SOURCE_CHUNK_BYTES) {
      const chunk = bytes.subarray(at, at + SOURCE_CHUNK_BYTES);
      await pool.query(`insert into ${table} (draft_id, seq, chunk) values ($1, $2, $3)`, [id, seq++, chunk]);
    }
  }
}

function storedFields(row: DraftRow): Omit<StoredDraft, 'draft'> {
  return {
    id: row.id,
    contentHash: row.content_hash,
    createdBy: row.created_by,
    committee: row.committee,
    createdAt: new Date(row.created_at).toISOString(),
    confirmedAt: row.confirmed_at === null ? null : new Date(row.confirmed_at).toISOString(),
  };
}
