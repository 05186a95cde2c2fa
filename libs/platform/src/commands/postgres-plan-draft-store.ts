import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { migrate, type Database, type Migration } from '#libs/event-store';
import { gzipPlanText, type PlanDraft, type SerialisedPlanDraft } from '#libs/plan-intake';
import type { PlanDraftStore, StoredDraft } from '#libs/application';

const MIGRATIONS: readonly Migration[] = [
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
];

const gunzipAsync = promisify(gunzip);

/**
 * Bytes of compressed source text per row. The embedded database runs in the API's own thread and
 * blocks it while it writes a statement, so a large text is written in short statements with the
 * event loop free between them (docs/adr/0025).
 */
export const SOURCE_CHUNK_BYTES = 128 * 1024;

interface DraftRow {
  id: string;
  content_hash: string;
  draft: PlanDraft;
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
    await migrate(this.database.pool, this.schema, MIGRATIONS, 'intake_schema_migrations');
  }

  /**
   * The draft's JSON without its source text (a few hundred KB even for a 9 MB plan), then the text
   * once, gzip-compressed off the event loop (zlib's thread pool, or the intake thread for a
   * serialised draft), in chunks: one transaction.
   */
  async insert(
    id: string,
    draft: PlanDraft | SerialisedPlanDraft,
    createdBy: string,
    committee: string,
  ): Promise<Omit<StoredDraft, 'draft'>> {
    const json = await draftJsonOf(draft);
    const gzip = 'json' in draft ? draft.sourceTextGzip : await gzipPlanText(draft.sourceText);
    if (gzip === null) throw new Error('A draft is stored with its source text.');
    // Bytes from the intake thread arrive as a Uint8Array; pg sends a Buffer as bytea.
    const compressed = Buffer.from(gzip.buffer, gzip.byteOffset, gzip.byteLength);
    const client = await this.database.pool.connect();
    try {
      await client.query('begin');
      // Not `returning *`: the draft would come back, to be parsed here (~300 ms for 2,300 parties).
      const result = await client.query<Omit<DraftRow, 'draft'>>(
        `insert into ${this.schema}.plan_drafts (id, content_hash, draft, created_by, committee)
         values ($1, $2, $3, $4, $5)
         returning id, content_hash, created_by, committee, created_at, confirmed_at`,
        [id, draft.contentHash, json, createdBy, committee],
      );
      for (let seq = 0; seq * SOURCE_CHUNK_BYTES < compressed.length; seq++) {
        const chunk = compressed.subarray(seq * SOURCE_CHUNK_BYTES, (seq + 1) * SOURCE_CHUNK_BYTES);
        await client.query(
          `insert into ${this.schema}.plan_draft_sources (draft_id, seq, chunk) values ($1, $2, $3)`,
          [id, seq, chunk],
        );
      }
      await client.query('commit');
      return storedFields(result.rows[0] as Omit<DraftRow, 'draft'>);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async find(id: string): Promise<StoredDraft | null> {
    const result = await this.database.pool.query<DraftRow>(
      `select * from ${this.schema}.plan_drafts where id = $1`,
      [id],
    );
    const row = result.rows[0];
    if (!row) return null;
    const chunks = await this.database.pool.query<{ chunk: Buffer }>(
      `select chunk from ${this.schema}.plan_draft_sources where draft_id = $1 order by seq`,
      [id],
    );
    // Drafts stored before the text was kept apart still hold it in their JSON.
    if (chunks.rows.length === 0) return toStored(row, row.draft.sourceText);
    const text = (await gunzipAsync(Buffer.concat(chunks.rows.map((r) => r.chunk)))).toString('utf8');
    return toStored(row, text);
  }

  async markConfirmed(id: string): Promise<void> {
    await this.database.pool.query(
      `update ${this.schema}.plan_drafts set confirmed_at = coalesce(confirmed_at, now()) where id = $1`,
      [id],
    );
  }
}

/** The jsonb binary format: a version byte, then the JSON's UTF-8 (PostgreSQL's jsonb_recv). */
const JSONB_VERSION = 1;

/**
 * The draft's JSON as stored, without its text. A serialised draft's UTF-8 is sent as it is, in the
 * jsonb binary format (pg sends a Buffer parameter as binary), never decoded to a string here; its
 * pieces are copied one at a time with the event loop free in between (12 MB at once held it ~50 ms).
 */
async function draftJsonOf(draft: PlanDraft | SerialisedPlanDraft): Promise<string | Buffer> {
  if (!('json' in draft)) {
    const { sourceText: _text, ...fields } = draft;
    return JSON.stringify(fields);
  }
  const binary = Buffer.allocUnsafeSlow(1 + draft.json.reduce((size, piece) => size + piece.length, 0));
  binary[0] = JSONB_VERSION;
  let at = 1;
  for (const piece of draft.json) {
    binary.set(piece, at);
    at += piece.length;
    await nextTurn();
  }
  return binary;
}

function toStored(row: DraftRow, sourceText: string): StoredDraft {
  return { ...storedFields(row), draft: { ...row.draft, sourceText } };
}

function storedFields(row: Omit<DraftRow, 'draft'>): Omit<StoredDraft, 'draft'> {
  return {
    id: row.id,
    contentHash: row.content_hash,
    createdBy: row.created_by,
    committee: row.committee,
    createdAt: new Date(row.created_at).toISOString(),
    confirmedAt: row.confirmed_at === null ? null : new Date(row.confirmed_at).toISOString(),
  };
}
