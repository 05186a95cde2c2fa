import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import {
  allProjections,
  openProjectionDataSource,
  ProjectionRunner,
  taskChanges,
  type Projection,
} from '#libs/projections';
import { connectTestPostgres, TEST_DATABASE_URL } from '../../../test/support/postgres.js';
import {
  assign,
  EDUCATION,
  issuePlan,
  june,
  LEAD,
  PLAN,
  progress,
} from '../../projections/test/support/scenario.js';
import { World } from '../../projections/test/support/world.js';
import { AdvisoryLockLeases, LeaseLostError } from '../src/leases.js';
import { SubscriptionHost } from '../src/subscription-host.js';

const PROJECTIONS = 'projections';
const TASKS = ['t1', 't2', 't3', 't4', 't5'];
/** How long a standby may take to run the projections after the holder is gone (issue #13). */
const TAKEOVER_MS = 5_000;

/**
 * A projection that records, in the batch's transaction, every task event it is given and which
 * process applied it: an event applied twice, or never, shows in its table.
 */
function recorder(schema: string, process: string): Projection {
  return {
    name: 'lease-recorder',
    version: 1,
    entities: [],
    needsTaskState: true,
    async apply(events, manager) {
      const changes = taskChanges(events);
      await manager.query(
        `insert into ${schema}.lease_recorder (event_id, global_position, process)
         select id, position, $3 from unnest($1::uuid[], $2::bigint[]) as e(id, position)`,
        [
          changes.map((change) => change.recorded.id),
          changes.map((change) => change.recorded.globalPosition.toString()),
          process,
        ],
      );
    },
    async reset(manager) {
      await manager.query(`delete from ${schema}.lease_recorder`);
    },
  };
}

interface Replica {
  readonly name: string;
  readonly host: SubscriptionHost;
  readonly leases: AdvisoryLockLeases;
  readonly dataSource: DataSource;
  readonly logged: string[];
}

/** Two processes' worth of projections on one schema: each its own runner, leases and connection. */
describe('leases of hosted consumers on PostgreSQL (advisory locks)', () => {
  let pool: Pool;
  let world: World;
  const replicas: Replica[] = [];

  async function startReplica(name: string, retryIntervalMs: number): Promise<Replica> {
    const dataSource = await openProjectionDataSource({ pool, schema: world.schema });
    const runner = new ProjectionRunner({
      dataSource,
      store: world.store,
      projections: [...allProjections, recorder(world.schema, name)],
      batchSize: 20,
    });
    const logged: string[] = [];
    const leases = new AdvisoryLockLeases({
      connectionString: TEST_DATABASE_URL,
      schema: world.schema,
      applicationName: `leases-${world.schema}-${name}`,
      retryIntervalMs,
      logger: { log: (_, message) => logged.push(message), warn: (_, message) => logged.push(message) },
    });
    const host = new SubscriptionHost(
      world.store,
      [{ name: PROJECTIONS, consumer: runner, batchSize: 20 }],
      leases,
    );
    await host.onApplicationBootstrap();
    const replica = { name, host, leases, dataSource, logged };
    replicas.push(replica);
    return replica;
  }

  /** Waits (at most `timeoutMs`) until `replica` runs the projections; false if it did not. */
  async function runsWithin(replica: Replica, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!replica.host.running(PROJECTIONS)) {
      if (Date.now() > until) return false;
      await delay(10);
    }
    return true;
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    pool = await connectTestPostgres(12);
    world = await World.create(pool);
    await pool.query(
      `create table ${world.schema}.lease_recorder (event_id uuid not null, global_position bigint not null, process text not null)`,
    );
    await world.issuePlan(issuePlan(PLAN, june(1)));
    for (const task of TASKS) {
      await world.task(
        assign(
          task,
          PLAN,
          '2025-11-30',
          [
            { agencyCode: LEAD, role: 'lead' },
            { agencyCode: EDUCATION, role: 'support' },
          ],
          june(2),
        ),
      );
    }
  });

  afterAll(async () => {
    for (const replica of replicas) {
      await replica.host.beforeApplicationShutdown();
      await replica.dataSource.destroy();
    }
    await world?.dispose(true);
    await pool?.end();
  });

  it('runs the projections in one process at a time; a standby takes over, nothing skipped or applied twice', async () => {
    // A does not try again within the test once its lease connection is gone, as if its process
    // had died: B is the one to take over. C, started later, takes over from B.
    const a = await startReplica('a', 60_000);
    expect(a.host.running(PROJECTIONS)).toBeDefined();
    const b = await startReplica('b', 100);
    expect(b.host.running(PROJECTIONS)).toBeUndefined();
    expect(b.logged).toContain('lease projections is held by another process; standing by');

    let written = 0;
    const report = async () => {
      const task = TASKS[written % TASKS.length]!;
      const agency = written % 2 === 0 ? LEAD : EDUCATION;
      written += 1;
      await world.task(progress(task, agency, `Báo cáo lần ${written}`, june(3)));
    };
    const writeUntil = async (count: number) => {
      while (written < count) await report();
    };

    // The holder loses its lease connection (as when its process dies): it stops at once, and the
    // standby runs the projections within the bound.
    await writeUntil(60);
    const writing = writeUntil(120);
    await pool.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [
      `leases-${world.schema}-a`,
    ]);
    expect(await runsWithin(b, TAKEOVER_MS)).toBe(true);
    expect(a.host.running(PROJECTIONS)).toBeUndefined();
    expect(a.logged).toContain('lease projections lost with its connection; stopping its consumer');
    await expect(a.leases.whileHeld(PROJECTIONS, () => Promise.resolve())).rejects.toThrow(LeaseLostError);
    await writing;

    // The new holder stops (gracefully): a standby started meanwhile takes over.
    const c = await startReplica('c', 100);
    expect(c.host.running(PROJECTIONS)).toBeUndefined();
    const writingMore = writeUntil(180);
    await b.host.beforeApplicationShutdown();
    expect(b.logged).toContain('lease projections released');
    expect(await runsWithin(c, TAKEOVER_MS)).toBe(true);
    await writingMore;

    const head = await world.head();
    expect(await c.host.running(PROJECTIONS)!.waitFor(head, 30_000)).toBe(true);

    // Every task event applied exactly once, in log order by A, then B, then C.
    const taskEvents = await pool.query<{ id: string }>(
      `select event_id as id from ${world.schema}.events where stream_id like 'task-%' order by global_position`,
    );
    const applied = await pool.query<{ event_id: string; process: string }>(
      `select event_id, process from ${world.schema}.lease_recorder order by global_position`,
    );
    expect(applied.rows.map((row) => row.event_id).sort()).toEqual(
      taskEvents.rows.map((row) => row.id).sort(),
    );
    const turns = applied.rows
      .map((row) => row.process)
      .filter((process, i, all) => i === 0 || all[i - 1] !== process);
    expect(turns).toEqual(['a', 'b', 'c']);

    // And the projections are what a rebuild makes of the log.
    const live = await world.snapshot();
    const checkpoints = await world.checkpoints();
    for (const [name, checkpoint] of Object.entries(checkpoints)) {
      expect({ name, position: BigInt(checkpoint.position) }).toEqual({
        name,
        position: head.globalPosition,
      });
    }
    await world.runner().rebuildAll();
    expect(await world.snapshot()).toEqual(live);
  });
});
