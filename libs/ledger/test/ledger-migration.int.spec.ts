import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import { migrate, PostgresEventStore } from '#libs/event-store';
import { EventBrowser, LEDGER_MIGRATIONS, LedgerStore } from '../src/index.js';
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
