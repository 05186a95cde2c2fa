import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import {
  DurableSubscription,
  KurrentDbEventStore,
  START_OF_LOG,
  type NewEvent,
  type RecordedEvent,
} from '#libs/event-store';
import {
  checkInclusion,
  entryLeafHash,
  exportRecords,
  parseVerifierKey,
  RootBuilder,
  verifyExport,
} from '#libs/ledger-verifier';
import {
  FakeKurrentDbClient,
  openKurrentDbOverPostgres,
} from '../../event-store/test/fake-kurrentdb-client.js';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import {
  entryOfRecorded,
  exportLedger,
  generateSigningKey,
  LedgerCheckpoints,
  LedgerConsumer,
  LedgerStore,
} from '../src/index.js';

/**
 * EVENT_STORE=kurrentdb: the ledger reads the log through the event-store port, its tree,
 * checkpoints and proofs in PostgreSQL (real, here). KurrentDB is a FAKE in-memory client: no
 * server can run on the machines that run CI (ADR 0024).
 */
describe('the ledger over the log in KurrentDB (FAKE KurrentDB client, real PostgreSQL)', () => {
  let pool: Pool;
  const schema = uniqueSchema('kdb_ledger');
  let store: KurrentDbEventStore;
  let ledger: LedgerStore;
  let checkpoints: LedgerCheckpoints;
  let consumer: LedgerConsumer;
  let subscription: DurableSubscription;
  const { key } = generateSigningKey('coord.test/ledger-kurrentdb');
  let appended = 0;

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
    ({ store } = await openKurrentDbOverPostgres(pool, schema, new FakeKurrentDbClient(5_000n)));
    ledger = new LedgerStore(pool, schema, store);
    await ledger.migrate();
    checkpoints = new LedgerCheckpoints(pool, ledger);
    consumer = new LedgerConsumer(ledger, checkpoints, { checkpointIntervalMs: 3_600_000, key });
    subscription = new DurableSubscription(ledger, consumer, { name: 'ledger', batchSize: 13 });
  });

  afterAll(async () => {
    await subscription?.stop();
    await consumer?.stop();
    await dropSchema(pool, schema);
    await pool.end();
  });

  async function append(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const n = appended++;
      const streamId = `task-${n % 4}`;
      // Some appends carry two events: KurrentDB gives them one commit position.
      const events = Array.from({ length: 1 + (n % 2) }, (_, k) => event(n, k));
      await store.append(streamId, events);
    }
  }

  async function extend(): Promise<void> {
    await subscription.start();
    await subscription.catchUp();
    await subscription.stop();
  }

  it('extends over the log read through the port: every event a leaf, once, in log order', async () => {
    await append(30);
    await extend();
    await extend();
    await append(7);
    await extend();

    const log = await readEverything(store);
    expect(log.length).toBe(45 + 10);
    const leaves = await pool.query<{ event_id: string; transaction_id: string; global_position: string }>(
      `select event_id::text, transaction_id::text, global_position::text from ${schema}.ledger_leaves order by leaf_index`,
    );
    expect(leaves.rows.map((l) => l.event_id)).toEqual(log.map((e) => e.id));
    expect(leaves.rows.map((l) => [BigInt(l.transaction_id), BigInt(l.global_position)])).toEqual(
      log.map((e) => [e.transactionId, e.globalPosition]),
    );
    const state = await ledger.state();
    expect(state.treeSize).toBe(BigInt(log.length));
    expect(state.position).toEqual({
      transactionId: log.at(-1)!.transactionId,
      globalPosition: log.at(-1)!.globalPosition,
    });
    // Nothing in PostgreSQL's event tables: the ledger never read them.
    const rows = await pool.query<{ n: string }>(`select count(*)::text as n from ${schema}.events`);
    expect(rows.rows[0]!.n).toBe('0');

    // The root from the tiles is the RFC 9162 root over the log's entries.
    const builder = new RootBuilder();
    for (const e of log) builder.append(entryLeafHash(entryOfRecorded(e)));
    expect((await ledger.root(state.treeSize)).equals(builder.root())).toBe(true);
  });

  it('signs checkpoints, proves inclusion, serves entry bundles, and exports a log that verifies', async () => {
    const signed = (await consumer.checkpointNow())!;
    const log = await readEverything(store);
    expect(signed.treeSize).toBe(BigInt(log.length));

    const index = 11n;
    const proof = await ledger.inclusionProof(index, signed.treeSize);
    const leaf = entryLeafHash(entryOfRecorded(log[Number(index)]!));
    expect(checkInclusion(index, signed.treeSize, leaf, proof, signed.root)).toBeNull();

    const entries = await ledger.leafEntries(8n, 20n);
    expect(entries).toEqual(log.slice(8, 20).map(entryOfRecorded));
    expect(await ledger.positionOfLeaf(19n)).toEqual({
      transactionId: log[19]!.transactionId,
      globalPosition: log[19]!.globalPosition,
    });

    await append(5);
    await extend();
    const second = (await consumer.checkpointNow())!;
    let text = '';
    for await (const record of exportLedger(ledger, checkpoints, {
      origin: key.name,
      publicKeys: [key.verifierText],
      pageSize: 9,
    }))
      text += `${JSON.stringify(record)}\n`;
    const report = await verifyExport(exportRecords(once(text)), {
      logKeys: [parseVerifierKey(key.verifierText)],
    });
    expect(report).toMatchObject({ ok: true, leaves: second.treeSize, checkpoints: 2 });

    // An export resumed from a leaf starts after that leaf's position in $all.
    let tail = '';
    for await (const record of exportLedger(ledger, checkpoints, {
      origin: key.name,
      publicKeys: [key.verifierText],
      fromLeaf: 40n,
    }))
      if (record.kind === 'event') tail += `${JSON.stringify(record)}\n`;
    const all = await readEverything(store);
    expect(
      tail
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { entry: { eventId: string } }).entry.eventId),
    ).toEqual(all.slice(40).map((e) => e.id));
  });
});

function event(n: number, k: number): NewEvent {
  return {
    id: randomUUID(),
    type: k === 0 ? 'TaskAssigned' : 'TaskProgressReported',
    data: { n, k, note: `Báo cáo tiến độ số ${n}: sàng lọc cho trẻ em`.normalize('NFC') },
    metadata: {
      actor: { personId: 'can-bo-1', agencyCode: 'lc-so-ldtbxh' },
      occurredAt: `2025-0${1 + (n % 9)}-15T03:00:00.000Z`,
      correlationId: `corr-${n}`,
    },
  };
}

async function readEverything(store: KurrentDbEventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let position = START_OF_LOG;
  for (;;) {
    const batch = await store.readAll(position, 500);
    if (batch.events.length === 0) return all;
    all.push(...batch.events);
    position = batch.next;
  }
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a stream is
async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
