import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createSeedDirectory } from '#libs/agencies';
import { KurrentDbEventStore, START_OF_LOG, type Database, type RecordedEvent } from '#libs/event-store';
import {
  allProjections,
  openProjectionDataSource,
  OutstandingTaskRow,
  ProjectionRunner,
} from '#libs/projections';
import { openCommandLayer, type CommandLayer } from '../src/index.js';
import {
  FakeKurrentDbClient,
  openKurrentDbOverPostgres,
} from '../../event-store/test/fake-kurrentdb-client.js';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';

/**
 * EVENT_STORE=kurrentdb: the application layer appends to KurrentDB, while plan drafts,
 * Idempotency-Keys, projections and their checkpoints stay in PostgreSQL (real, here). KurrentDB
 * is a FAKE in-memory client: no server can run on the machines that run CI (ADR 0024).
 */
describe('plan confirmation and the projections with the events in KurrentDB (FAKE KurrentDB client, real PostgreSQL)', () => {
  let pool: Pool;
  const schema = uniqueSchema('kdb_layer');
  let client: FakeKurrentDbClient;
  let store: KurrentDbEventStore;
  let layer: CommandLayer;
  let dataSource: DataSource;

  beforeAll(async () => {
    pool = await connectTestPostgres(8);
    const database: Database = {
      pool,
      connectionString: TEST_DATABASE_URL,
      kind: 'postgres',
      crashed: new Promise<Error>(() => undefined),
      close: () => Promise.resolve(),
    };
    ({ client, store } = await openKurrentDbOverPostgres(pool, schema));
    layer = await openCommandLayer({ database, store, schema, directory: createSeedDirectory() });
    dataSource = await openProjectionDataSource({ pool, schema });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('records a confirmed plan in KurrentDB only, projects its tasks in PostgreSQL, and a second confirmation records nothing', async () => {
    const file = 'laichau-2024-ct28-kh.txt';
    const bytes = await readFile(join('libs', 'plan-intake', 'seed-plans', file));
    const actor = { personId: 'cli:test', agencyCode: 'lc-ubnd-tinh', roles: ['issuer', 'officer'] as const };
    const draft = await layer.planIntake.importDocument(bytes, file, actor);
    const first = await layer.planIntake.confirmDraft(draft.draftId!, {}, actor);

    expect(first.planIssued).toBe(true);
    expect(first.tasksAssigned).toBeGreaterThan(10);
    const log = await readEverything(store);
    expect(log.filter((e) => e.type === 'PlanIssued')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'TaskAssigned')).toHaveLength(first.tasksAssigned);
    expect(log.every((e) => e.metadata.actor.agencyCode === 'lc-ubnd-tinh')).toBe(true);
    const inPostgres = await pool.query<{ n: string }>(`select count(*)::text as n from ${schema}.events`);
    expect(inPostgres.rows[0]!.n).toBe('0');

    // Confirming again: each step finds its Idempotency-Key's answer; nothing is appended.
    const appends = client.appends;
    const again = await layer.planIntake.confirmDraft(draft.draftId!, {}, actor);
    expect(again.position).toBe(first.position);
    expect(client.appends).toBe(appends);
    expect(await readEverything(store)).toHaveLength(log.length);

    const runner = new ProjectionRunner({ dataSource, store, projections: allProjections });
    await runner.catchUp();
    const head = await store.readableHead();
    for (const status of await runner.status()) expect(status.position).toEqual(head);
    const outstanding = await dataSource.manager.count(OutstandingTaskRow);
    expect(outstanding).toBeGreaterThanOrEqual(first.tasksAssigned);
  });
});

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
