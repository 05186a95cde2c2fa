import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSeedDirectory } from '#libs/agencies';
import { openDatabase, type Database } from '#libs/event-store';
import { draftJsonPieces, draftPlanText, gzipPlanText } from '#libs/plan-intake';
import { PostgresPlanDraftStore, SOURCE_CHUNK_BYTES } from '../src/commands/postgres-plan-draft-store.js';
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
      await pool.end();
    }
    await database.close();
  });

  it('keeps the source text apart from the draft JSON and gives it back whole', async () => {
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    // A text whose compressed form spans several rows, astral characters included.
    const sourceText = draft.sourceText + incompressible(3 * SOURCE_CHUNK_BYTES);
    const id = randomUUID();
    const stored = await store.insert(id, { ...draft, sourceText }, 'person-1', 'lc-ubnd-tinh');
    expect(stored.id).toBe(id);

    const json = await database.pool.query<{ length: string }>(
      `select length(draft::text)::text as length from ${schema}.plan_drafts where id = $1`,
      [id],
    );
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
    const id = randomUUID();
    await store.insert(
      id,
      {
        planId: draft.planId,
        contentHash: draft.contentHash,
        json: draftJsonPieces(draft),
        sourceTextLength: sourceText.length,
        // As it arrives from the thread: a Uint8Array, not a Buffer.
        sourceTextGzip: new Uint8Array(gzip),
      },
      'person-1',
      'lc-ubnd-tinh',
    );

    const found = await store.find(id);
    expect(found?.draft).toEqual({ ...draft, sourceText });
  });

  it('reads a draft stored with its text inside the JSON, as before', async () => {
    const draft = draftPlanText(LAI_CHAU, createSeedDirectory());
    const id = randomUUID();
    await database.pool.query(
      `insert into ${schema}.plan_drafts (id, content_hash, draft, created_by, committee)
       values ($1, $2, $3, $4, $5)`,
      [id, draft.contentHash, JSON.stringify(draft), 'person-1', 'lc-ubnd-tinh'],
    );
    expect((await store.find(id))?.draft).toEqual(draft);
  });
});
