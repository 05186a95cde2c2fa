import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import { migrate, PostgresEventStore } from '#libs/event-store';
import { leafHash } from '#libs/ledger-verifier';
import { EventBrowser, LEDGER_MIGRATIONS, LedgerStore } from '../src/index.js';
import { tileSubtrees } from '../src/tiles.js';
import { mth, path } from './rfc9162.js';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';

/**
 * Migration 3 (leaves found by position): a database whose leaves were written with their event
 * ids, by the ledger before it, upgrades; its leaves and the ones added after are found alike.
 */
describe('the ledger schema, upgraded from leaves keyed by event id', () => {
  let pool: Pool;
  const schema = uniqueSchema('ledger_migration');

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('keeps the old leaves and adds new ones without their ids', async () => {
    const store = new PostgresEventStore(pool, { schema });
    await store.migrate();
    await migrate(pool, schema, LEDGER_MIGRATIONS.slice(0, 2), 'ledger_schema_migrations');
    const event = (n: number) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      type: 'ProgressReported',
      data: { n },
      metadata: { actor: { personId: 'officer-1', agencyCode: 'lc-so-ldtbxh' }, occurredAt: '2024-06-01' },
    });
    await store.append('task-1', [event(1), event(2)]);
    const positions = (
      await pool.query<{ p: string }>(`select global_position::text as p from ${schema}.events order by 1`)
    ).rows.map((row) => row.p);
    // The first event as the ledger before migration 3 recorded it: with its id.
    await pool.query(
      `insert into ${schema}.ledger_leaves (leaf_index, event_id, global_position) values (0, $1, $2)`,
      [event(1).id, positions[0]],
    );

    const ledger = new LedgerStore(pool, schema);
    await ledger.migrate();
    await pool.query(`insert into ${schema}.ledger_leaves (leaf_index, global_position) values (1, $1)`, [
      positions[1],
    ]);
    // Still one leaf per event id where ids are kept.
    await expect(
      pool.query(
        `insert into ${schema}.ledger_leaves (leaf_index, event_id, global_position) values (2, $1, -1)`,
        [event(1).id],
      ),
    ).rejects.toThrow(/duplicate key/);

    expect(await ledger.leafOf(event(1).id)).toEqual({ leafIndex: 0n, position: BigInt(positions[0]!) });
    expect(await ledger.leafOf(event(2).id)).toEqual({ leafIndex: 1n, position: BigInt(positions[1]!) });
    const browsed = await new EventBrowser(pool, schema).byId(event(2).id);
    expect(browsed?.leafIndex).toBe('1');
  });
});

/**
 * Migration 4 (the subtree hashes of full tiles): a database whose tiles were written without
 * them, by the ledger before it, upgrades; proofs over the old tiles and over the new ones are
 * RFC 9162's, and only tiles filled after the upgrade carry their subtree hashes.
 */
describe('the ledger schema, upgraded from tiles without their subtree hashes', () => {
  let pool: Pool;
  const schema = uniqueSchema('ledger_migration4');

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('answers proofs from the old tiles and writes the subtree hashes of tiles filled after', async () => {
    await pool.query(`create schema if not exists ${schema}`);
    await migrate(pool, schema, LEDGER_MIGRATIONS.slice(0, 3), 'ledger_schema_migrations');
    const leaves = Array.from({ length: 600 }, (_, i) =>
      leafHash(createHash('sha256').update(`event ${i}`).digest()),
    );
    // 300 leaves as the ledger before migration 4 stored them: tile 0/0 full, 0/1 partial, and
    // 1/0 holding the root of 0/0.
    const row = (from: number, to: number) => Buffer.concat(leaves.slice(from, to));
    await pool.query(
      `insert into ${schema}.ledger_tiles (level, tile_index, hashes) values (0, 0, $1), (0, 1, $2), (1, 0, $3)`,
      [row(0, 256), row(256, 300), mth(leaves.slice(0, 256))],
    );
    await pool.query(
      `insert into ${schema}.ledger_leaves (leaf_index, global_position)
       select i, i + 1 from generate_series(0, 299) as i`,
    );
    await pool.query(
      `update ${schema}.ledger_state set tree_size = 300, transaction_id = '1', global_position = 300`,
    );

    const ledger = new LedgerStore(pool, schema);
    await ledger.migrate();
    const proofsMatch = async (store: LedgerStore, size: number): Promise<void> => {
      expect((await store.root(BigInt(size))).equals(mth(leaves.slice(0, size)))).toBe(true);
      for (let m = 0; m < size; m += 7) {
        const proof = await store.inclusionProof(BigInt(m), BigInt(size));
        expect(Buffer.concat(proof).equals(Buffer.concat(path(m, leaves.slice(0, size))))).toBe(true);
      }
    };
    await proofsMatch(ledger, 300);

    await ledger.extend(
      leaves.slice(300).map((leafHash, i) => ({
        position: { transactionId: 1n, globalPosition: BigInt(301 + i) },
        leafHash,
      })),
    );
    const tiles = await pool.query<{ level: number; tile_index: string; interior: Buffer | null }>(
      `select level, tile_index::text, interior from ${schema}.ledger_tiles order by level, tile_index`,
    );
    expect(tiles.rows.map((t) => [t.level, t.tile_index, t.interior?.length ?? null])).toEqual([
      [0, '0', null], // written before the upgrade
      [0, '1', 30 * 32], // filled after it
      [0, '2', null], // partial
      [1, '0', null],
    ]);
    expect(tiles.rows[1]!.interior!.equals(tileSubtrees(row(256, 512)).upper)).toBe(true);
    // A fresh store reads the subtree hashes of tile 0/1; the first keeps what it had read.
    await proofsMatch(new LedgerStore(pool, schema), 600);
    await proofsMatch(ledger, 600);
  });
});
