import { migrate, type Database, type Migration } from '#libs/event-store';
import type { PlanDraft } from '#libs/plan-intake';
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
];

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

  async insert(id: string, draft: PlanDraft, createdBy: string, committee: string): Promise<StoredDraft> {
    const result = await this.database.pool.query<DraftRow>(
      `insert into ${this.schema}.plan_drafts (id, content_hash, draft, created_by, committee)
       values ($1, $2, $3, $4, $5) returning *`,
      [id, draft.contentHash, JSON.stringify(draft), createdBy, committee],
    );
    return toStored(result.rows[0] as DraftRow);
  }

  async find(id: string): Promise<StoredDraft | null> {
    const result = await this.database.pool.query<DraftRow>(
      `select * from ${this.schema}.plan_drafts where id = $1`,
      [id],
    );
    const row = result.rows[0];
    return row ? toStored(row) : null;
  }

  async markConfirmed(id: string): Promise<void> {
    await this.database.pool.query(
      `update ${this.schema}.plan_drafts set confirmed_at = coalesce(confirmed_at, now()) where id = $1`,
      [id],
    );
  }
}

function toStored(row: DraftRow): StoredDraft {
  return {
    id: row.id,
    contentHash: row.content_hash,
    draft: row.draft,
    createdBy: row.created_by,
    committee: row.committee,
    createdAt: new Date(row.created_at).toISOString(),
    confirmedAt: row.confirmed_at === null ? null : new Date(row.confirmed_at).toISOString(),
  };
}
