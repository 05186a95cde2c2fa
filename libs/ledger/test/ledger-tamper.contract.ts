import { describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import {
  formatCheckpoint,
  formatSignedNote,
  parseCheckpoint,
  parseSignedNote,
  signNote,
} from '#libs/ledger-verifier';
import { generateSigningKey } from '../src/index.js';
import { openLedgerFixture, records, type LedgerFixture } from './ledger-fixture.js';

export interface TamperDatabase {
  readonly pool: Pool;
  schema(): string;
}

/**
 * Changes the database behind the service's back, the way someone with SQL access could, and
 * expects the verifier to catch each change and name the first leaf it can no longer trust.
 * Run on PostgreSQL and on embedded PGlite.
 */
export function ledgerTamperContract(database: () => TamperDatabase): void {
  async function logOf(events = 60): Promise<LedgerFixture> {
    const db = database();
    const fixture = await openLedgerFixture(db.pool, db.schema());
    await fixture.append(events - 20);
    await fixture.extendAndSign();
    await fixture.append(20);
    await fixture.extendAndSign();
    return fixture;
  }

  /** The global position of the event that is leaf `leaf`. */
  async function positionOf(f: LedgerFixture, leaf: number): Promise<string> {
    const result = await f.pool.query<{ p: string }>(
      `select global_position::text as p from ${f.schema}.ledger_leaves where leaf_index = $1`,
      [leaf],
    );
    return result.rows[0]!.p;
  }

  /** Flips one character of a json column's text of one event. */
  async function flipByte(
    f: LedgerFixture,
    leaf: number,
    column: 'data' | 'metadata',
    find: string,
  ): Promise<void> {
    const position = await positionOf(f, leaf);
    const result = await f.pool.query<{ t: string }>(
      `select ${column}::text as t from ${f.schema}.events where global_position = $1`,
      [position],
    );
    const text = result.rows[0]!.t;
    const at = text.indexOf(find);
    expect(at).toBeGreaterThanOrEqual(0);
    const flipped = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);
    await f.pool.query(`update ${f.schema}.events set ${column} = $2::json where global_position = $1`, [
      position,
      flipped,
    ]);
  }

  async function expectCaught(f: LedgerFixture, position: bigint, reason: RegExp): Promise<void> {
    const report = await f.verify(await f.exportText());
    expect(report.ok).toBe(false);
    expect(report.failure?.reason).toMatch(reason);
    expect(report.failure?.position).toBe(position);
    await f.stop();
  }

  it('verifies an untouched log, every checkpoint and every leaf', async () => {
    const f = await logOf();
    const text = await f.exportText();
    const report = await f.verify(text);
    expect(report).toMatchObject({ ok: true, leaves: 60n, checkpoints: 2, latestSize: 60n });
    // ...and again with the newest checkpoint saved from that run.
    await f.append(5);
    await f.extendAndSign();
    expect(await f.verify(await f.exportText(), { trustedCheckpoint: report.latest! })).toMatchObject({
      ok: true,
      leaves: 65n,
    });
    await f.stop();
  });

  it('catches one flipped byte in an event’s data', async () => {
    const f = await logOf();
    await flipByte(f, 17, 'data', 'sàng');
    await expectCaught(f, 17n, /is not what the ledger recorded/);
  });

  it('catches one flipped byte in an event’s metadata', async () => {
    const f = await logOf();
    await flipByte(f, 44, 'metadata', 'lc-so');
    await expectCaught(f, 44n, /is not what the ledger recorded/);
  });

  it('catches a recorded time moved by one microsecond', async () => {
    const f = await logOf();
    await f.pool.query(
      `update ${f.schema}.events set recorded_at = recorded_at + interval '1 microsecond' where global_position = $1`,
      [await positionOf(f, 3)],
    );
    await expectCaught(f, 3n, /is not what the ledger recorded/);
  });

  it('catches a deleted event', async () => {
    const f = await logOf();
    await f.pool.query(`delete from ${f.schema}.events where global_position = $1`, [
      await positionOf(f, 25),
    ]);
    await expectCaught(f, 25n, /leaf 25 is missing/);
  });

  it('catches two events swapped in the log', async () => {
    const f = await logOf();
    const [a, b] = [await positionOf(f, 10), await positionOf(f, 11)];
    // Swap every column but the position, so each takes the other's place in the log order.
    await f.pool.query(`alter table ${f.schema}.events drop constraint events_stream_version_unique`);
    await f.pool.query(`alter table ${f.schema}.events drop constraint events_event_id_unique`);
    await f.pool.query(
      `update ${f.schema}.events e set event_id = o.event_id, stream_id = o.stream_id, stream_version = o.stream_version,
         type = o.type, data = o.data, metadata = o.metadata, occurred_at = o.occurred_at, recorded_at = o.recorded_at
       from ${f.schema}.events o
       where (e.global_position, o.global_position) in (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
      [a, b],
    );
    // A leaf is the event at its position: the contents now there are not what it recorded.
    await expectCaught(
      f,
      10n,
      /leaf 10 is missing|recorded it as leaf 11|leaf 10, .* is not what the ledger recorded/,
    );
  });

  it('catches the log truncated after a signed checkpoint', async () => {
    const f = await logOf();
    await f.pool.query(`delete from ${f.schema}.events where global_position >= $1`, [
      await positionOf(f, 52),
    ]);
    await expectCaught(f, 52n, /checkpoint of size 60 is signed but the export holds only 52 events/);
  });

  it('catches a truncation hidden with the ledger rows, against a checkpoint saved earlier', async () => {
    const f = await logOf();
    const saved = (await f.verify(await f.exportText())).latest!;
    const cut = await positionOf(f, 40);
    await f.pool.query(`delete from ${f.schema}.events where global_position >= $1`, [cut]);
    await f.pool.query(`delete from ${f.schema}.ledger_leaves where leaf_index >= 40`);
    await f.pool.query(`delete from ${f.schema}.ledger_checkpoints where tree_size > 40`);
    await f.pool.query(`update ${f.schema}.ledger_state set tree_size = 40`);
    const report = await f.verify(await f.exportText(), { trustedCheckpoint: saved });
    expect(report.ok).toBe(false);
    expect(report.failure?.reason).toMatch(/truncated/);
    await f.stop();
  });

  it('catches ledger rows rewritten to match an altered event, by the signed checkpoint', async () => {
    const f = await logOf();
    await flipByte(f, 30, 'data', 'tiến');
    // Rebuild the whole ledger from the altered log: leaves and tiles agree with the events again.
    await f.pool.query(`truncate ${f.schema}.ledger_leaves, ${f.schema}.ledger_tiles`);
    await f.pool.query(
      `update ${f.schema}.ledger_state set tree_size = 0, transaction_id = '0', global_position = 0`,
    );
    await f.ledger.extend(
      (await f.store.readAll({ transactionId: 0n, globalPosition: 0n }, 1000)).events.map((e) => ({
        position: { transactionId: e.transactionId, globalPosition: e.globalPosition },
      })),
    );
    // The first checkpoint (40 events) covers leaf 30: its root no longer matches.
    await expectCaught(f, 0n, /root of the first 40 events differs from the signed checkpoint/);
  });

  it('catches a checkpoint signed by another key', async () => {
    const f = await logOf();
    const other = generateSigningKey(f.key.name).key;
    const latest = (await f.checkpoints.latest())!;
    const text = parseSignedNote(latest.note).text;
    await f.pool.query(`update ${f.schema}.ledger_checkpoints set note = $2 where id = $1`, [
      latest.id.toString(),
      formatSignedNote({ text, signatures: [signNote(text, other.name, other.privateKey, other.publicKey)] }),
    ]);
    await expectCaught(f, 60n, /not signed by a trusted key/);
  });

  it('catches a fork: two checkpoints of the same size with different roots', async () => {
    const f = await logOf();
    const latest = (await f.checkpoints.latest())!;
    const forked = formatCheckpoint({
      ...parseCheckpoint(parseSignedNote(latest.note).text),
      root: Buffer.alloc(32, 7),
    });
    await f.pool.query(
      `insert into ${f.schema}.ledger_checkpoints (tree_size, root, note) values ($1, $2, $3)`,
      [
        latest.treeSize.toString(),
        Buffer.alloc(32, 7),
        formatSignedNote({
          text: forked,
          signatures: [signNote(forked, f.key.name, f.key.privateKey, f.key.publicKey)],
        }),
      ],
    );
    await expectCaught(f, 60n, /fork: two checkpoints of size 60/);
  });

  it('adds each event once when two processes extend the tree at the same time (a lease handed over mid-batch)', async () => {
    const db = database();
    const f = await openLedgerFixture(db.pool, db.schema());
    await f.append(90);
    const { DurableSubscription } = await import('#libs/event-store');
    const { LedgerConsumer } = await import('../src/index.js');
    const runs = [7, 11].map(
      (batchSize) =>
        new DurableSubscription(
          f.ledger,
          new LedgerConsumer(f.ledger, f.checkpoints, { key: undefined, checkpointIntervalMs: 3_600_000 }),
          { name: `ledger-${batchSize}`, batchSize },
        ),
    );
    await Promise.all(runs.map((r) => r.start()));
    await Promise.all(runs.map((r) => r.catchUp()));
    await Promise.all(runs.map((r) => r.stop()));
    await f.extendAndSign();
    expect((await f.ledger.state()).treeSize).toBe(90n);
    const leaves = await f.pool.query<{ n: string; d: string }>(
      `select count(*)::text as n, count(distinct global_position)::text as d from ${f.schema}.ledger_leaves`,
    );
    expect(leaves.rows[0]).toEqual({ n: '90', d: '90' });
    expect(await f.verify(await f.exportText())).toMatchObject({ ok: true, leaves: 90n });
    await f.stop();
  });

  describe('the export', () => {
    it('resumes from a leaf: the two parts make the whole export', async () => {
      const f = await logOf();
      const whole = await f.exportText();
      let tail = '';
      const { exportLedger } = await import('../src/index.js');
      for await (const record of exportLedger(f.ledger, f.checkpoints, {
        origin: f.key.name,
        publicKeys: [f.key.verifierText],
        fromLeaf: 23n,
      })) {
        if (record.kind !== 'header') tail += `${JSON.stringify(record)}\n`;
      }
      const head = whole
        .split('\n')
        .filter(Boolean)
        .filter((line) => {
          const r = JSON.parse(line) as { kind: string; leafIndex?: string; note?: string };
          if (r.kind === 'header') return true;
          if (r.kind === 'event') return BigInt(r.leafIndex!) < 23n;
          return parseCheckpoint(parseSignedNote(r.note!).text).size <= 23n;
        });
      expect(`${head.join('\n')}\n${tail}`).toBe(whole);
      expect(records(whole).filter((r) => r.kind === 'checkpoint')).toHaveLength(2);
      await f.stop();
    });
  });
}
