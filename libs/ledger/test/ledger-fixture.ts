import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DurableSubscription, PostgresEventStore, type NewEvent } from '#libs/event-store';
import {
  exportRecords,
  parseVerifierKey,
  verifyExport,
  type ExportRecord,
  type VerifyReport,
} from '#libs/ledger-verifier';
import {
  exportLedger,
  generateSigningKey,
  LedgerCheckpoints,
  LedgerConsumer,
  LedgerStore,
  type SigningKey,
} from '../src/index.js';

/** A log with a ledger over it, in one schema: what the tamper and tiles tests start from. */
export interface LedgerFixture {
  readonly pool: Pool;
  readonly schema: string;
  readonly store: PostgresEventStore;
  readonly ledger: LedgerStore;
  readonly checkpoints: LedgerCheckpoints;
  readonly key: SigningKey;
  readonly consumer: LedgerConsumer;
  /** Appends `count` events over a few task streams (Vietnamese text included). */
  append(count: number): Promise<void>;
  /** Runs the ledger over everything committed, then signs a checkpoint. */
  extendAndSign(): Promise<void>;
  /** Exports the log as NDJSON text, as `coord export` writes it. */
  exportText(): Promise<string>;
  /** Verifies an NDJSON export with the log's public key, as `coord verify` does. */
  verify(text: string, options?: { trustedCheckpoint?: string }): Promise<VerifyReport>;
  stop(): Promise<void>;
}

const actor = { personId: 'can-bo-1', agencyCode: 'lc-so-ldtbxh' };

export async function openLedgerFixture(pool: Pool, schema: string): Promise<LedgerFixture> {
  const store = new PostgresEventStore(pool, { schema });
  await store.migrate();
  const ledger = new LedgerStore(pool, schema);
  await ledger.migrate();
  const checkpoints = new LedgerCheckpoints(pool, ledger);
  const { key } = generateSigningKey('coord.test/ledger');
  const consumer = new LedgerConsumer(ledger, checkpoints, { checkpointIntervalMs: 3_600_000, key });
  const subscription = new DurableSubscription(ledger, consumer, { name: 'ledger', batchSize: 37 });
  let appended = 0;
  return {
    pool,
    schema,
    store,
    ledger,
    checkpoints,
    key,
    consumer,
    async append(count) {
      for (let i = 0; i < count; i++) {
        const n = appended++;
        const event: NewEvent = {
          id: randomUUID(),
          type: n % 3 === 0 ? 'TaskAssigned' : 'TaskProgressReported',
          data: {
            taskId: `task-${n % 5}`,
            note: `Báo cáo tiến độ số ${n}: sàng lọc cho trẻ em`,
            value: n * 1.5,
          },
          metadata: {
            actor,
            occurredAt: `2025-0${1 + (n % 9)}-15T03:00:00.000Z`,
            correlationId: `corr-${n}`,
          },
        };
        await store.append(`task-${n % 5}`, [event]);
      }
    },
    async extendAndSign() {
      // Other transactions on a shared server hold back what the log lets a reader see (ADR 0002):
      // read until every event appended here is in.
      await subscription.start();
      const deadline = Date.now() + 30_000;
      for (;;) {
        await subscription.catchUp();
        if ((await ledger.state()).treeSize >= BigInt(appended)) break;
        if (Date.now() > deadline) throw new Error('the ledger did not reach the events appended');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await subscription.stop();
      await consumer.checkpointNow();
    },
    async exportText() {
      let text = '';
      for await (const record of exportLedger(ledger, checkpoints, {
        origin: key.name,
        publicKeys: [key.verifierText],
        pageSize: 16,
      }))
        text += `${JSON.stringify(record)}\n`;
      return text;
    },
    verify(text, options = {}) {
      // The worker threads from the first line: a test export is far smaller than the default.
      return verifyExport(exportRecords(chunks(text), { threadsFrom: 0 }), {
        logKeys: [parseVerifierKey(key.verifierText)],
        ...options,
      });
    },
    async stop() {
      await consumer.stop();
    },
  };
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a stream is
async function* chunks(text: string): AsyncGenerator<string> {
  // Uneven pieces, as a network or a file would give them.
  for (let i = 0; i < text.length; i += 1000) yield text.slice(i, i + 1000);
}

export function records(text: string): ExportRecord[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ExportRecord);
}
