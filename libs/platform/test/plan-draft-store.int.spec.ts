import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSeedDirectory } from '#libs/agencies';
import { migrate, openDatabase, type Database } from '#libs/event-store';
import { draftJsonPieces, draftPlanText, gzipPieces, gzipPlanText } from '#libs/plan-intake';
import {
  PLAN_DRAFT_MIGRATIONS,
  PostgresPlanDraftStore,
  SOURCE_CHUNK_BYTES,
} from '../src/commands/postgres-plan-draft-store.js';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';

const LAI_CHAU = readFileSync(
  join(process.cwd(), 'libs/plan-intake/seed-plans/laichau-2024-ct28-kh.txt'),
  'utf8',
);

/** Text that does not compress: random Vietnamese syllables, digits and astral characters. */
function incompressible(characters: number): string {
  const pieces = ['Sở ', 'Y tế ', 'trẻ em ', '𝕏', 'ĐỒNG ', '\n'];
  let text = '';
  while (text.length < characters) {
    text += pieces[Math.floor(Math.random() * pieces.length)] + String(Math.random()).slice(2, 8);
  }
  return text;
}

describe.each(['pglite', 'postgres'] as const)('stored plan drafts (%s)', (backend) => {
  let database: Database;
  let store: PostgresPlanDraftStore;
  const schema = backend === 'postgres' ? uniqueSchema('drafts') : 'coord';
  const oldSchema = backend === 'postgres' ? uniqueSchema('drafts_v3') : 'coord_v3';

  beforeAll(async () => {
    database = await openDatabase(
      backend === 'postgres' ? { databaseUrl: TEST_DATABASE_URL, dataDir: 'memory' } : { dataDir: 'memory' },
    );
    await database.pool.query(`create schema if not exists ${schema}`);
    store = new PostgresPlanDraftStore(database, schema);
    await store.migrate();
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      const pool = await connectTestPostgres(1);
      await dropSchema(pool, schema);
      await dropSchema(pool, oldSchema);
      await pool.end();
    }
    await database.close();
  });

  /** The chunk rows of a draft id, in both tables. */
  const chunkRows = async (id: string): Promise<number> => {
    const counted = await database.pool.query<{ rows: string }>(
      `select ((select count(*) from ${schema}.plan_draft_json where draft_id = $1)
             + (select count(*) from ${schema}.plan_draft_sources where draft_id = $1))::text as rows`,
      [id],
    );
    return Number(counted.rows[0]?.rows);
  };

  it('keeps the source text apart from the draft JSON and gives it back whole', async () => {
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    // A text whose compressed form spans several rows, astral characters included.
    const sourceText = draft.sourceText + incompressible(3 * SOURCE_CHUNK_BYTES);
    const id = randomUUID();
    const stored = await store.insert(id, { ...draft, sourceText }, 'person-1', 'lc-ubnd-tinh');
    expect(stored.id).toBe(id);

    const json = await database.pool.query<{ length: string }>(
      `select sum(octet_length(chunk))::text as length from ${schema}.plan_draft_json where draft_id = $1`,
      [id],
    );
    expect(Number(json.rows[0]?.length)).toBeGreaterThan(0);
    expect(Number(json.rows[0]?.length)).toBeLessThan(sourceText.length / 2);
    const chunks = await database.pool.query<{ rows: string }>(
      `select count(*)::text as rows from ${schema}.plan_draft_sources where draft_id = $1`,
      [id],
    );
    expect(Number(chunks.rows[0]?.rows)).toBeGreaterThan(1);

    const found = await store.find(id);
    expect(found?.draft).toEqual({ ...draft, sourceText });
    expect(found?.committee).toBe('lc-ubnd-tinh');
  });

  it('stores a draft as the intake thread serialised it, and reads it back as the same draft', async () => {
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    const sourceText = draft.sourceText + incompressible(3 * SOURCE_CHUNK_BYTES);
    const gzip = await gzipPlanText(sourceText);
    const json = draftJsonPieces(draft);
    const id = randomUUID();
    await store.insert(
      id,
      {
        planId: draft.planId,
        contentHash: draft.contentHash,
        sourceTextLength: sourceText.length,
        // As they arrive from the thread: Uint8Arrays, not Buffers.
        sourceTextGzip: new Uint8Array(gzip),
        jsonGzip: new Uint8Array(await gzipPieces(json)),
      },
      'person-1',
      'lc-ubnd-tinh',
    );

    const found = await store.find(id);
    expect(found?.draft).toEqual({ ...draft, sourceText });
  });

  it('writes a large draft JSON compressed, in rows of at most a chunk, and reads it back', async () => {
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    // A title that does not compress, of several chunks' worth once compressed.
    const large = { ...draft, plan: { ...draft.plan, title: incompressible(8 * SOURCE_CHUNK_BYTES) } };
    const id = randomUUID();
    await store.insert(id, large, 'person-1', 'lc-ubnd-tinh');
    const rows = await database.pool.query<{ rows: string; largest: string; first: Buffer }>(
      `select count(*)::text as rows, max(octet_length(chunk))::text as largest,
              (array_agg(substring(chunk from 1 for 2) order by seq))[1] as first
       from ${schema}.plan_draft_json where draft_id = $1`,
      [id],
    );
    expect(Number(rows.rows[0]?.rows)).toBeGreaterThan(2);
    expect(Number(rows.rows[0]?.largest)).toBe(SOURCE_CHUNK_BYTES);
    expect([...(rows.rows[0]?.first ?? [])]).toEqual([0x1f, 0x8b]);
    expect((await store.find(id))?.draft).toEqual(large);
  });

  it('reads a draft whose JSON was stored as UTF-8, in rows split inside characters', async () => {
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    const { sourceText, ...fields } = draft;
    const large = { ...fields, plan: { ...fields.plan, title: 'Ủy ban 𝕏 '.repeat(SOURCE_CHUNK_BYTES / 4) } };
    const json = Buffer.from(JSON.stringify(large), 'utf8');
    const id = randomUUID();
    for (let seq = 0; seq * SOURCE_CHUNK_BYTES < json.length; seq++) {
      const chunk = json.subarray(seq * SOURCE_CHUNK_BYTES, (seq + 1) * SOURCE_CHUNK_BYTES);
      await database.pool.query(
        `insert into ${schema}.plan_draft_json (draft_id, seq, chunk) values ($1, $2, $3)`,
        [id, seq, chunk],
      );
    }
    await database.pool.query(
      `insert into ${schema}.plan_draft_sources (draft_id, seq, chunk) values ($1, 0, $2)`,
      [id, await gzipPlanText(sourceText)],
    );
    await database.pool.query(
      `insert into ${schema}.plan_drafts (id, content_hash, created_by, committee) values ($1, $2, $3, $4)`,
      [id, draft.contentHash, 'person-1', 'lc-ubnd-tinh'],
    );
    expect((await store.find(id))?.draft).toEqual({ ...large, sourceText });
  });

  it('leaves no chunks of a draft whose row was not written, and never removes a stored draft', async () => {
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    const failed = randomUUID();
    // created_by is required: the row's insert fails after the chunks were written.
    await expect(store.insert(failed, draft, null as unknown as string, 'lc-ubnd-tinh')).rejects.toThrow();
    expect(await chunkRows(failed)).toBe(0);
    expect(await store.find(failed)).toBeNull();

    const stored = randomUUID();
    await store.insert(stored, draft, 'person-1', 'lc-ubnd-tinh');
    const before = await chunkRows(stored);
    await expect(store.insert(stored, draft, 'person-2', 'lc-ubnd-tinh')).rejects.toThrow();
    expect(await chunkRows(stored)).toBe(before);
    expect((await store.find(stored))?.draft).toEqual(draft);
  });

  it("removes, as a draft is stored, the chunks a crashed insert left over an hour ago, and no draft's", async () => {
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    /** Chunks of a draft whose row never came, written `age` ago, as an insert that crashed leaves them. */
    const crashedInsert = async (age: string): Promise<string> => {
      const id = randomUUID();
      for (const table of ['plan_draft_json', 'plan_draft_sources']) {
        await database.pool.query(
          `insert into ${schema}.${table} (draft_id, seq, chunk, written_at)
           values ($1, 0, '\\x1f8b'::bytea, now() - $2::interval), ($1, 1, '\\x00'::bytea, now() - $2::interval)`,
          [id, age],
        );
      }
      return id;
    };
    const stored = randomUUID();
    await store.insert(stored, draft, 'person-1', 'lc-ubnd-tinh');
    // A stored draft's chunks are as old as any: only a missing row makes chunks orphans.
    await database.pool.query(
      `update ${schema}.plan_draft_json set written_at = now() - interval '2 days' where draft_id = $1`,
      [stored],
    );
    const crashed = await crashedInsert('61 minutes');
    const underWay = await crashedInsert('5 minutes');
    expect(await chunkRows(crashed)).toBe(4);

    await store.insert(randomUUID(), draft, 'person-1', 'lc-ubnd-tinh');
    expect(await chunkRows(crashed)).toBe(0);
    expect(await chunkRows(underWay)).toBe(4);
    expect((await store.find(stored))?.draft).toEqual(draft);
  });

  it('moves drafts stored as jsonb (text inside or apart) into rows of bytes, and reads them back', async () => {
    await database.pool.query(`create schema if not exists ${oldSchema}`);
    await migrate(database.pool, oldSchema, PLAN_DRAFT_MIGRATIONS.slice(0, 3), 'intake_schema_migrations');
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    const inside = randomUUID();
    await database.pool.query(
      `insert into ${oldSchema}.plan_drafts (id, content_hash, draft, created_by, committee)
       values ($1, $2, $3, $4, $5)`,
      [inside, draft.contentHash, JSON.stringify(draft), 'person-1', 'lc-ubnd-tinh'],
    );
    const apart = randomUUID();
    const { sourceText, ...fields } = draft;
    await database.pool.query(
      `insert into ${oldSchema}.plan_drafts (id, content_hash, draft, created_by, committee)
       values ($1, $2, $3, $4, $5)`,
      [apart, draft.contentHash, JSON.stringify(fields), 'person-2', 'lc-ubnd-tinh'],
    );
    await database.pool.query(
      `insert into ${oldSchema}.plan_draft_sources (draft_id, seq, chunk) values ($1, 0, $2)`,
      [apart, await gzipPlanText(sourceText)],
    );

    const migrated = new PostgresPlanDraftStore(database, oldSchema);
    await migrated.migrate();
    expect((await migrated.find(inside))?.draft).toEqual(draft);
    expect((await migrated.find(apart))?.draft).toEqual(draft);
    expect((await migrated.find(apart))?.createdBy).toBe('person-2');
    // Compressed chunks are not compressed again (version 5).
    const storage = await database.pool.query<{ attstorage: string }>(
      `select a.attstorage from pg_attribute a
        where a.attrelid = $1::regclass and a.attname = 'chunk'`,
      [`${oldSchema}.plan_draft_json`],
    );
    expect(storage.rows[0]?.attstorage).toBe('e');
  });
});
