import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import {
  copyLog,
  openDatabase,
  PostgresCopyJournal,
  PostgresEventStore,
  type Database,
} from '#libs/event-store';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import { compareCopyRoots, ledgerEntryReader, logRoot, portEntryReader } from '../src/index.js';
import { openLedgerFixture, type LedgerFixture } from './ledger-fixture.js';

/**
 * `coord migrate-store`'s ledger check between real stores: a PostgreSQL log with its ledger and
 * a signed checkpoint, copied to embedded PGlite. The roots over the source's and the copy's
 * leaves are equal for a faithful copy, a tampered copy is caught by its root (naming the first
 * differing leaf), and a source changed after its checkpoint no longer matches that checkpoint.
 */
describe('the ledger roots of a copied log (PostgreSQL -> PGlite)', () => {
  let pool: Pool;
  let embedded: Database;
  let fixture: LedgerFixture;
  let target: PostgresEventStore;
  const schema = uniqueSchema('copy_roots');

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
    fixture = await openLedgerFixture(pool, schema);
    await fixture.append(45);
    await fixture.extendAndSign();
    embedded = await openDatabase({ dataDir: 'memory' });
    target = new PostgresEventStore(embedded.pool, { schema: 'coord' });
    await target.migrate();
    const journal = new PostgresCopyJournal(pool, schema, 'postgres->pglite');
    await journal.migrate();
    await copyLog(fixture.store, target, { journal, batchSize: 10 });
  });

  afterAll(async () => {
    await fixture?.stop();
    await embedded?.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('finds the same root over the source and the copy, and the source at its signed checkpoint', async () => {
    const checkpoint = (await fixture.checkpoints.latest())!;
    expect(checkpoint.treeSize).toBe(45n);

    const roots = await compareCopyRoots(fixture.store, target, {
      checkpoint,
      sourceLedger: ledgerEntryReader(fixture.ledger),
      batchSize: 7,
    });

    expect(roots.ok).toBe(true);
    expect(roots.source.size).toBe(45n);
    expect(roots.target.root.toString('hex')).toBe(roots.source.root.toString('hex'));
    expect(roots.firstDifference).toBeUndefined();
    expect(roots.checkpoint).toEqual({
      treeSize: 45n,
      root: checkpoint.root,
      sourceRoot: checkpoint.root,
      matches: true,
    });
    // The ledger's own root, from its tiles, is the checkpoint's.
    expect((await fixture.ledger.root(45n)).equals(checkpoint.root)).toBe(true);
  });

  it('catches a tampered copy by its root, naming the first differing leaf', async () => {
    const events = (await target.readAll({ transactionId: 0n, globalPosition: 0n }, 100)).events;
    const victim = events[17]!;
    await embedded.pool.query(
      `update coord.events set data = jsonb_set(data::jsonb, '{note}', '"sửa đổi"')::json where event_id = $1`,
      [victim.id],
    );

    const roots = await compareCopyRoots(fixture.store, target, { batchSize: 7 });

    expect(roots.ok).toBe(false);
    expect(roots.source.size).toBe(roots.target.size);
    expect(roots.target.root.equals(roots.source.root)).toBe(false);
    expect(roots.firstDifference).toEqual({
      leafIndex: 17n,
      source: `${victim.streamId}@${victim.streamVersion} (${victim.id})`,
      target: `${victim.streamId}@${victim.streamVersion} (${victim.id})`,
    });
  });

  it('says when the source no longer matches its own signed checkpoint', async () => {
    const checkpoint = (await fixture.checkpoints.latest())!;
    const before = await logRoot(ledgerEntryReader(fixture.ledger), 45n);
    expect(before.rootAtSize!.equals(checkpoint.root)).toBe(true);

    const third = (await fixture.store.readAll({ transactionId: 0n, globalPosition: 0n }, 3)).events[2]!;
    await pool.query(`update ${schema}.events set type = 'TaskClosed' where event_id = $1`, [third.id]);

    const roots = await compareCopyRoots(fixture.store, target, {
      checkpoint,
      sourceLedger: ledgerEntryReader(fixture.ledger),
    });
    expect(roots.ok).toBe(false);
    expect(roots.checkpoint?.matches).toBe(false);
    expect(roots.checkpoint?.sourceRoot?.equals(checkpoint.root)).toBe(false);
    // The port's view of the copy names the event changed in the source as the first difference.
    expect(roots.firstDifference?.leafIndex).toBe(2n);
    expect((await logRoot(portEntryReader(fixture.store))).size).toBe(45n);
  });
});
