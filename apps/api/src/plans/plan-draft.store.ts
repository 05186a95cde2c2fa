import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { migrate, type Database, type Migration } from '#libs/event-store';
import type { PlanDraft } from '#libs/plan-intake';
import { APP_CONFIG, DATABASE, type AppConfig } from '#libs/platform';

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
];

export interface StoredDraft {
  readonly id: string;
  readonly contentHash: string;
  readonly draft: PlanDraft;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly confirmedAt: string | null;
}

interface DraftRow {
  id: string;
  content_hash: string;
  draft: PlanDraft;
  created_by: string;
  created_at: Date;
  confirmed_at: Date | null;
}

/**
 * Drafts of imported plans, kept for review. They are working documents, not facts: nothing in
 * this table is an event, and issuing a draft records the events through the command path.
 */
@Injectable()
export class PlanDraftStore implements OnModuleInit {
  private readonly schema: string;

  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.schema = config.databaseSchema;
  }

  async onModuleInit(): Promise<void> {
    await migrate(this.database.pool, this.schema, MIGRATIONS, 'intake_schema_migrations');
  }

  async insert(id: string, draft: PlanDraft, createdBy: string): Promise<StoredDraft> {
    const result = await this.database.pool.query<DraftRow>(
      `insert into ${this.schema}.plan_drafts (id, content_hash, draft, created_by)
       values ($1, $2, $3, $4) returning *`,
      [id, draft.contentHash, JSON.stringify(draft), createdBy],
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

  /** The first confirmation's time stays; a retried confirmation does not move it. */
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
    createdAt: new Date(row.created_at).toISOString(),
    confirmedAt: row.confirmed_at === null ? null : new Date(row.confirmed_at).toISOString(),
  };
}
