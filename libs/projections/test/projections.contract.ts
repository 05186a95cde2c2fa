import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import { In } from 'typeorm';
import type { Pool } from 'pg';
import { decideCalendar, HOLIDAY_CALENDAR_STREAM, initialCalendarState } from '#libs/calendar';
import { DurableSubscription, START_OF_LOG, type RecordedEvent } from '#libs/event-store';
import { planStreamId, type PlanIssuedData } from '#libs/plans';
import {
  AgencyIntervalRow,
  agencyIntervalsOf,
  agencyIntervalsProjection,
  AgencyIntervalTaskRow,
  foldTailOf,
  type AgencyInterval,
  agencyRowsAt,
  agencyTasksAt,
  allProjections,
  createProjectionDataSource,
  encodeCursor,
  getPlan,
  getPlanProgress,
  getTask,
  getTrail,
  lapsesPage,
  listLapses,
  listOutstanding,
  listPlans,
  listPlanTasks,
  listResponsibilities,
  outstandingAt,
  outstandingTasksProjection,
  pageOutstanding,
  pageResponsibilities,
  rebuildAllInShadow,
  responsibilitiesAt,
  planProgressProjection,
  plansProjection,
  tasksProjection,
  taskTrailProjection,
  type PastInstant,
  TASK_STATE_VERSION,
  type Projection,
  type ProjectionRunner,
} from '../src/index.js';
import {
  acknowledge,
  assign,
  cancel,
  EDUCATION,
  FRONT,
  HEALTH,
  issuePlan,
  issuer,
  JUSTICE,
  june,
  LEAD,
  PLAN,
  planScenario,
  POLICE,
  progress,
  refusedDecisions,
  runScenario,
} from './support/scenario.js';
import { histories, iso } from './support/task-histories.js';
import { recorded as recordedOf } from './support/task-changes.js';
import {
  handoffDeclined,
  handoffRequested,
  LEAD as LEAD_AGENCY,
  taskAssigned,
} from '../../tasks/src/testing/task.fixtures.js';
import { DEADLINE_TABLES, World } from './support/world.js';
import {
  decide,
  decodeTaskEvent,
  evolve,
  initialState,
  taskEventTypes,
  taskStreamId,
  type DeadlinePolicy,
  type TaskEvent,
  type TaskState,
} from '#libs/tasks';
import type { TaskChange } from '../src/framework/projection.js';

/** What each database's spec provides: a pool where schemas may be created. */
export interface ContractDatabase {
  readonly pool: Pool;
  readonly kind: 'postgres' | 'embedded';
  /** Drop each test's schema afterwards (a throw-away embedded database needs not). */
  readonly dropSchemas: boolean;
  dispose(): Promise<void>;
}

/**
 * Wraps a projection to watch the task events it is given (and optionally fail), keeping its name
 * and version unless told otherwise.
 */
function watched(
  projection: Projection,
  options: { version?: number; failOn?: (events: readonly string[]) => boolean } = {},
) {
  const seen: RecordedEvent[] = [];
  let resets = 0;
  const wrapper: Projection = {
    ...projection,
    version: options.version ?? projection.version,
    async apply(events, manager) {
      await projection.apply(events, manager);
      if (options.failOn?.(events.map((e) => e.recorded.type))) throw new Error(`${projection.name} failed`);
      seen.push(...events.filter((e) => e.kind === 'task').map((e) => e.recorded));
    },
    async reset(manager) {
      resets += 1;
      await projection.reset(manager);
    },
  };
  return {
    projection: wrapper,
    get seen() {
      return seen;
    },
    get resets() {
      return resets;
    },
  };
}

function replaced(projection: Projection): Projection[] {
  return allProjections.map((p) => (p.name === projection.name ? projection : p));
}

async function runLive(world: World, runner: ProjectionRunner, work: () => Promise<void>, batchSize = 500) {
  const subscription = new DurableSubscription(world.store, runner, {
    name: 'projections',
    batchSize,
    pollIntervalMs: 5,
  });
  await subscription.start();
  try {
    await work();
    expect(await subscription.waitFor(await world.head(), 30_000)).toBe(true);
  } finally {
    await subscription.stop();
  }
}

export function projectionsContract(open: () => Promise<ContractDatabase>): void {
  let db: ContractDatabase;
  let world: World;

  beforeAll(async () => {
    db = await open();
  });

  afterAll(async () => {
    await db.dispose();
  });

  beforeEach(async () => {
    world = await World.create(db.pool);
  });

  afterEach(async () => {
    await world.dispose(db.dropSchemas);
  });

  describe('the projection runner', () => {
    it('applies the log to every projection and stores each checkpoint with the rows', async () => {
      await runScenario(world);
      await world.runner().catchUp();

      const head = (await world.head()).globalPosition.toString();
      const checkpoints = await world.checkpoints();
      expect(Object.keys(checkpoints).sort()).toEqual(
        ['$task-state', ...allProjections.map((p) => p.name)].sort(),
      );
      const versions = new Map([
        ['$task-state', TASK_STATE_VERSION],
        ...allProjections.map((p): [string, number] => [p.name, p.version]),
      ]);
      for (const [name, checkpoint] of Object.entries(checkpoints))
        expect({ name, ...checkpoint }).toEqual({ name, version: versions.get(name), position: head });
      expect(await getTask(world.manager, 't1')).toMatchObject({ dueDate: '2025-12-15', streamVersion: 8 });
    });

    describe('when applying a batch fails', () => {
      it('leaves every row and every checkpoint as they were, then applies the batch once it succeeds', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();
        const checkpointsBefore = await world.checkpoints();

        await world.task(progress('t1', HEALTH, 'Đã khám sàng lọc 120 trẻ', june(20)));
        await world.task(cancel('t4', june(21)));
        // plan-progress fails once it has written: the others have written in the transaction too.
        const failing = watched(planProgressProjection, {
          failOn: (types) => types.includes('TaskCancelled'),
        });
        await expect(world.runner(replaced(failing.projection)).catchUp()).rejects.toThrow(
          'plan-progress failed',
        );

        expect(await world.snapshot()).toEqual(before);
        expect(await world.checkpoints()).toEqual(checkpointsBefore);

        await world.runner().catchUp();
        const head = (await world.head()).globalPosition.toString();
        expect((await world.checkpoints())['plan-progress']?.position).toBe(head);
        expect((await getTask(world.manager, 't4'))?.status).toBe('cancelled');
        expect(
          (await listOutstanding(world.manager, LEAD, { asOf: june(22) })).items.map((i) => i.taskId),
        ).toEqual(['t1']);
      });
    });

    describe('when a projection fails while the others are still writing', () => {
      it('rolls the batch back only once every write has stopped, and the next batch applies', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();
        const checkpointsBefore = await world.checkpoints();

        await world.task(progress('t1', HEALTH, 'Đã khám sàng lọc 120 trẻ', june(20)));
        // Fails before any statement of its own, while the projections applied with it in the
        // same transaction are still loading and writing.
        const failingAtOnce: Projection = {
          ...tasksProjection,
          apply: () => Promise.reject(new Error('tasks failed at once')),
        };
        let lateWrites = 0;
        const slow: Projection = {
          ...planProgressProjection,
          async apply(events, manager) {
            await delay(50);
            await planProgressProjection.apply(events, manager);
            lateWrites += 1;
          },
        };
        const projections = allProjections.map((p) =>
          p.name === tasksProjection.name ? failingAtOnce : p.name === slow.name ? slow : p,
        );
        await expect(world.runner(projections).catchUp()).rejects.toThrow('tasks failed at once');
        // The slow projection ran to its end before the rollback undid its rows.
        expect(lateWrites).toBe(1);

        expect(await world.snapshot()).toEqual(before);
        expect(await world.checkpoints()).toEqual(checkpointsBefore);
        await world.runner().catchUp();
        expect((await world.checkpoints())['tasks']?.position).toBe(
          (await world.head()).globalPosition.toString(),
        );
        expect(await getTask(world.manager, 't1')).toMatchObject({ streamVersion: 9 });
      });
    });

    describe('when a statement of a projection fails in the database', () => {
      it('reports that failure, not the refusals of the statements queued behind it', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();

        await world.task(progress('t1', HEALTH, 'Đã khám sàng lọc 120 trẻ', june(20)));
        // Applied first: its second statement is sent after the failing one, and is refused as
        // "in failed transaction" (25P02).
        const refusedLater: Projection = {
          ...tasksProjection,
          async apply(_events, manager) {
            await manager.query('select 1');
            await delay(50);
            await manager.query('select 2');
          },
        };
        const failing: Projection = {
          ...planProgressProjection,
          apply: async (_events, manager) => {
            await manager.query('select 1 / 0');
          },
        };
        const projections = allProjections.map((p) =>
          p.name === refusedLater.name ? refusedLater : p.name === failing.name ? failing : p,
        );
        await expect(world.runner(projections).catchUp()).rejects.toThrow('division by zero');
        expect(await world.snapshot()).toEqual(before);
      });
    });

    describe('after a restart', () => {
      it('resumes from its checkpoint and applies every event exactly once', async () => {
        const { plan, commands } = planScenario();
        const first = watched(taskTrailProjection);
        await runLive(world, world.runner(replaced(first.projection)), async () => {
          await world.issuePlan(plan);
          for (const command of commands.slice(0, 10)) await world.task(command);
        });

        const second = watched(taskTrailProjection);
        for (const command of commands.slice(10)) await world.task(command);
        await runLive(world, world.runner(replaced(second.projection)), async () => {
          await world.task(acknowledge('t1', FRONT, june(20)));
        });

        const taskEvents = (
          await world.store.readAll({ transactionId: 0n, globalPosition: 0n }, 1000)
        ).events.filter((e) => e.streamId.startsWith('task-'));
        const firstIds = first.seen.map((e) => e.id);
        const secondIds = second.seen.map((e) => e.id);
        expect(firstIds.length).toBeGreaterThan(0);
        expect(secondIds.length).toBeGreaterThan(0);
        expect([...firstIds, ...secondIds]).toEqual(taskEvents.map((e) => e.id));
        expect((await getTrail(world.manager, 't1')).map((e) => e.type).at(-1)).toBe('TaskAcknowledged');
      });
    });

    describe('rebuilding from zero', () => {
      it('gives exactly the rows the live projections built, one projection or all at once', async () => {
        await projectEveryTaskEventLive(world);
        const live = await world.snapshot();
        const liveCheckpoints = await world.checkpoints();
        expect(live.task_trail).toHaveLength(22 + refusedDecisions().length);
        expect(new Set(live.task_trail!.map((row) => (row as { type: string }).type))).toEqual(
          new Set(taskEventTypes),
        );

        for (const projection of allProjections) {
          await world.runner(allProjections, 5).rebuild(projection.name);
          expect(await world.snapshot()).toEqual(live);
          expect(await world.checkpoints()).toEqual(liveCheckpoints);
        }
        await world.runner(allProjections, 3).rebuildAll();
        expect(await world.snapshot()).toEqual(live);
        expect(await world.checkpoints()).toEqual(liveCheckpoints);
      });

      it('replays only the rebuilt projection and the task state; the others keep their rows', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const plans = watched(plansProjection);
        const tasks = watched(tasksProjection);
        const trail = watched(taskTrailProjection);
        const projections = replaced(plans.projection).map((p) =>
          p.name === 'tasks' ? tasks.projection : p.name === 'task-trail' ? trail.projection : p,
        );

        await world.runner(projections, 7).rebuild('task-trail');

        expect(trail.resets).toBe(1);
        expect(trail.seen).toHaveLength(22);
        expect(tasks.resets).toBe(0);
        expect(tasks.seen).toHaveLength(0);
        expect(plans.resets).toBe(0);
      });

      it('converges while a live subscription keeps applying new events', async () => {
        await runScenario(world);
        const live = world.runner();
        await runLive(world, live, async () => {
          await world.task(acknowledge('t1', FRONT, june(20)));
          const rebuilding = world.runner(allProjections, 2).rebuild('outstanding-tasks');
          await world.task(acknowledge('t4', LEAD, june(21)));
          await rebuilding;
          await world.task(cancel('t1', june(22)));
        });
        const afterLive = await world.snapshot();
        await world.runner().rebuildAll();
        expect(await world.snapshot()).toEqual(afterLive);
      });
    });

    describe('the deadline tables, batch by batch', () => {
      it('are the same for any batching: a plan issued twice, a calendar amendment, an event after a close', async () => {
        await appendDeadlineEdges(world);
        const rowsAt = async (batchSize: number) => {
          await world.runner(allProjections, batchSize).rebuild('deadline-timers');
          return world.snapshot(DEADLINE_TABLES);
        };
        const oneByOne = await rowsAt(1);
        for (const batchSize of [4, 5, 20_000]) expect(await rowsAt(batchSize)).toEqual(oneByOne);

        // What the rows say, whatever the batching: d1 stays cancelled at its cancellation, and
        // the timers follow the plan's first issue (the plan's own row keeps that one too).
        const outcome = (
          await world.pool.query<{ closed_at: Date | null }>(
            `select closed_at from ${world.schema}.task_outcomes where task_id = 'd1'`,
          )
        ).rows[0];
        expect(outcome?.closed_at?.toISOString()).toBe(new Date(june(4)).toISOString());
        const reminders = await world.pool.query<{ days: number }>(
          `select days from ${world.schema}.deadline_timers where task_id = 'd2' and kind = 'reminder'`,
        );
        expect(reminders.rows.map((row) => row.days)).toEqual([FIRST_POLICY.reminderDaysBefore[0]]);
        // The working-day escalations (due Monday 2025-12-01, 3 working days) count the added
        // day off: d3's, assigned before it, moved; d2's, assigned after, was computed with it.
        const escalations = await world.pool.query<{ task_id: string; fire_at: Date }>(
          `select task_id, fire_at from ${world.schema}.deadline_timers
            where kind = 'escalation' and task_id in ('d2', 'd3') order by task_id`,
        );
        expect(escalations.rows.map((row) => [row.task_id, row.fire_at.toISOString()])).toEqual([
          ['d2', '2025-12-05T17:00:00.000Z'],
          ['d3', '2025-12-05T17:00:00.000Z'],
        ]);
      });

      it('are the rows a live subscription built in small batches', async () => {
        await runLive(world, world.runner(), () => appendDeadlineEdges(world), 4);
        const live = await world.snapshot(DEADLINE_TABLES);
        await world.runner(allProjections, 5).rebuild('deadline-timers');
        expect(await world.snapshot(DEADLINE_TABLES)).toEqual(live);
        await world.runner().rebuild('deadline-timers');
        expect(await world.snapshot(DEADLINE_TABLES)).toEqual(live);
      });
    });

    describe('rebuilding into shadow tables', () => {
      const indexes = async () =>
        (
          await world.pool.query<{ definition: string }>(
            `select indexdef as definition from pg_indexes where schemaname = $1 order by indexname`,
            [world.schema],
          )
        ).rows.map((row) => row.definition);
      const rebuild = (
        projections: readonly Projection[] = allProjections,
        batchSize = 3,
        options: Partial<Parameters<typeof rebuildAllInShadow>[0]> = {},
      ) =>
        rebuildAllInShadow({
          pool: world.pool,
          databaseKind: db.kind,
          schema: world.schema,
          store: world.store,
          projections,
          batchSize,
          ...options,
        });
      const namespaces = async (name: string) =>
        (await world.pool.query(`select 1 from pg_namespace where nspname = $1`, [name])).rows.length;
      const persistence = async () =>
        Object.fromEntries(
          (
            await world.pool.query<{ name: string; persistence: string }>(
              `select c.relname as name, c.relpersistence as persistence from pg_class c
               join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = $1 and c.relkind = 'r' order by c.relname`,
              [world.schema],
            )
          ).rows.map((row) => [row.name, row.persistence]),
        );

      it('swaps in exactly the rows, checkpoints and indexes the live projections had', async () => {
        await projectEveryTaskEventLive(world);
        const live = await world.snapshot();
        const liveCheckpoints = await world.checkpoints();
        const liveIndexes = await indexes();
        const stages = new Set<string>();

        await rebuildAllInShadow({
          pool: world.pool,
          databaseKind: db.kind,
          schema: world.schema,
          store: world.store,
          projections: allProjections,
          batchSize: 3,
          onProgress: (progress) => stages.add(progress.stage),
        });

        expect(await world.snapshot()).toEqual(live);
        expect(await world.checkpoints()).toEqual(liveCheckpoints);
        expect(await indexes()).toEqual(liveIndexes);
        // Made LOGGED again before the swap: an UNLOGGED table would be emptied by a crash.
        const swapped = await persistence();
        expect(Object.keys(swapped).length).toBeGreaterThan(2);
        expect(Object.values(swapped).every((p) => p === 'p')).toBe(true);
        expect([...stages]).toEqual(['preparing', 'replaying', 'indexing', 'catching up', 'swapping']);
        const { rows } = await world.pool.query(`select 1 from pg_namespace where nspname like $1`, [
          `${world.schema}\\_%`,
        ]);
        expect(rows).toHaveLength(0);
      });

      it('serves the outstanding list (a prepared statement) from the swapped-in table', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const list = () => listOutstanding(world.manager, LEAD, { asOf: june(20) });
        const before = await list();
        expect(before.items.length).toBeGreaterThan(0);
        // The live rows emptied behind the projection's back: the prepared read sees it...
        await world.pool.query(`delete from ${world.schema}.outstanding_tasks where agency_code = $1`, [
          LEAD,
        ]);
        expect((await list()).items).toEqual([]);
        // ...and, once the rebuilt tables are swapped in (the old ones dropped), reads the new ones.
        await rebuild();
        expect(await list()).toEqual(before);
      });

      it('leaves the old rows readable while it replays', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const trail = (await world.snapshot(['task_trail'])).task_trail!;
        const seenByReaders: number[] = [];
        const reading: Projection = {
          ...taskTrailProjection,
          async apply(events, manager) {
            // Through the replay's own connection: the embedded database has only the one.
            const rows = await manager.query<{ n: number }[]>(
              `select count(*)::int as n from ${world.schema}.task_trail`,
            );
            seenByReaders.push(rows[0]!.n);
            await taskTrailProjection.apply(events, manager);
          },
        };

        await rebuild(replaced(reading));

        expect(seenByReaders.length).toBeGreaterThan(1);
        expect(new Set(seenByReaders)).toEqual(new Set([trail.length]));
        expect((await world.snapshot(['task_trail'])).task_trail).toEqual(trail);
      });

      it('leaves the old tables serving and reports the cause when the replay fails', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();
        const checkpoints = await world.checkpoints();
        const failing = watched(tasksProjection, { failOn: (types) => types.includes('TaskAcknowledged') });

        await expect(rebuild(replaced(failing.projection))).rejects.toThrow('tasks failed');

        expect(await world.snapshot()).toEqual(before);
        expect(await world.checkpoints()).toEqual(checkpoints);
        const { rows } = await world.pool.query(`select 1 from pg_namespace where nspname = $1`, [
          `${world.schema}_rebuild`,
        ]);
        expect(rows).toHaveLength(0);
      });

      it('runs one at a time on a database with connections to spare', async () => {
        if (db.kind === 'embedded') return; // One owner, one connection.
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();
        let second: Promise<void> | undefined;
        const starting: Projection = {
          ...tasksProjection,
          async apply(events, manager) {
            second ??= rebuild();
            await second.catch(() => undefined);
            await tasksProjection.apply(events, manager);
          },
        };

        await rebuild(replaced(starting));

        await expect(second).rejects.toThrow(`another rebuild of schema ${world.schema} is under way`);
        expect(await world.snapshot()).toEqual(before);
      });

      it('drops the shadow schema a crashed rebuild left, and refuses one it did not make', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();
        const shadow = `${world.schema}_rebuild`;
        await world.pool.query(`create schema ${shadow}`);
        await world.pool.query(`create table ${shadow}.tasks (task_id text primary key)`);

        await expect(rebuild()).rejects.toThrow(`schema ${shadow} exists and is not a rebuild's shadow`);
        expect(await namespaces(shadow)).toBe(1);
        expect(await world.snapshot()).toEqual(before);

        await world.pool.query(`comment on schema ${shadow} is 'coord shadow rebuild'`);
        await rebuild();
        expect(await namespaces(shadow)).toBe(0);
        expect(await world.snapshot()).toEqual(before);
      });

      it('refuses tables built by another migration or projection version than the live ones', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();
        // The API runs newer code: one more migration applied to the live tables.
        await world.pool.query(
          `insert into ${world.schema}.projection_migrations (version, name)
           select max(version) + 1, 'from a newer version' from ${world.schema}.projection_migrations`,
        );
        const { rows } = await world.pool.query<{ n: number }>(
          `select max(version) as n from ${world.schema}.projection_migrations`,
        );
        await expect(rebuild()).rejects.toThrow(
          `the live projection tables are at migration ${rows[0]!.n}, the rebuilt ones at ${rows[0]!.n - 1}`,
        );
        expect(await world.snapshot()).toEqual(before);
        expect(await namespaces(`${world.schema}_rebuild`)).toBe(0);
        await world.pool.query(`delete from ${world.schema}.projection_migrations where version = $1`, [
          rows[0]!.n,
        ]);

        // The API runs older code: its tasks projection is a version behind.
        await world.pool.query(
          `update ${world.schema}.projection_checkpoints set version = version - 1 where projection_name = $1`,
          [tasksProjection.name],
        );
        const checkpoints = await world.checkpoints();
        await expect(rebuild()).rejects.toThrow(
          `${tasksProjection.name} is at version ${tasksProjection.version - 1} live, ${tasksProjection.version} rebuilt`,
        );
        expect(await world.snapshot()).toEqual(before);
        expect(await world.checkpoints()).toEqual(checkpoints);
        expect(await namespaces(`${world.schema}_rebuild`)).toBe(0);
      });

      it('lets go of the live tables while a long reader holds one, retrying and then giving up', async () => {
        if (db.kind === 'embedded') return; // One connection: no other transaction can hold a lock.
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();
        const reader = await world.pool.connect();
        try {
          await reader.query('begin');
          await reader.query(`select count(*) from ${world.schema}.tasks`);
          await expect(rebuild(allProjections, 3, { swapLockTimeoutMs: 50 })).rejects.toThrow(
            'the live tables stayed locked by other transactions',
          );
          expect(await namespaces(`${world.schema}_rebuild`)).toBe(0);
          await reader.query(`select count(*) from ${world.schema}.tasks`); // Still there, unchanged.

          // Released after the first attempt timed out: the next one swaps.
          let swapping = 0;
          let released: Promise<unknown> | undefined;
          await rebuild(allProjections, 3, {
            swapLockTimeoutMs: 500,
            onProgress: ({ stage }) => {
              if (stage === 'swapping' && ++swapping === 2) released = reader.query('commit');
            },
          });
          await released;
          expect(swapping).toBe(2);
        } finally {
          await reader.query('rollback').catch(() => undefined);
          reader.release();
        }
        expect(await world.snapshot()).toEqual(before);
      });

      it('hands over to the live runner, which carries on from the rebuilt checkpoints', async () => {
        await runScenario(world);
        await runLive(world, world.runner(), async () => {
          await world.task(acknowledge('t1', FRONT, june(20)));
          const rebuilding = rebuild(allProjections, 2);
          await world.task(acknowledge('t4', LEAD, june(21)));
          await rebuilding;
          await world.task(cancel('t1', june(22)));
        });
        const afterLive = await world.snapshot();
        await world.runner().rebuildAll();
        expect(await world.snapshot()).toEqual(afterLive);
      });
    });

    describe('when a projection version changes', () => {
      it('rebuilds that projection from zero on start and keeps the rows of the others', async () => {
        await runScenario(world);
        await world.runner().catchUp();
        const before = await world.snapshot();

        const next = outstandingTasksProjection.version + 1;
        const bumped = watched(outstandingTasksProjection, { version: next });
        const plans = watched(plansProjection);
        const projections = replaced(bumped.projection).map((p) =>
          p.name === 'plans' ? plans.projection : p,
        );
        const runner = world.runner(projections);
        // The subscription starts from the oldest checkpoint: the reset one.
        expect(await runner.loadCheckpoint()).toEqual({ transactionId: 0n, globalPosition: 0n });
        expect(bumped.resets).toBe(1);
        expect((await world.snapshot(['outstanding_tasks'])).outstanding_tasks).toEqual([]);

        await runner.catchUp();
        expect(bumped.seen).toHaveLength(22);
        expect(plans.resets).toBe(0);
        expect(plans.seen).toHaveLength(0);
        expect(await world.snapshot()).toEqual(before);
        expect((await world.checkpoints())['outstanding-tasks']?.version).toBe(next);
        expect((await runner.status()).find((s) => s.name === 'outstanding-tasks')).toMatchObject({
          version: next,
          storedVersion: next,
        });
      });

      it('leaves rows built by a newer version alone and keeps the other projections going', async () => {
        await runScenario(world);
        const newer = outstandingTasksProjection.version + 1;
        await world.runner(replaced({ ...outstandingTasksProjection, version: newer })).catchUp();
        const outstanding = await world.snapshot(['outstanding_tasks']);

        await world.task(acknowledge('t4', LEAD, june(20)));
        const older = watched(outstandingTasksProjection);
        await world.runner(replaced(older.projection)).catchUp();

        expect(older.resets).toBe(0);
        expect(older.seen).toHaveLength(0);
        expect(await world.snapshot(['outstanding_tasks'])).toEqual(outstanding);
        expect((await world.checkpoints())['outstanding-tasks']?.version).toBe(newer);
        expect((await getTask(world.manager, 't4'))?.assignees[0]?.status).toBe('acknowledged');
      });

      it('builds a projection added later from the start of the log', async () => {
        await runScenario(world);
        await world.runner(allProjections.filter((p) => p.name !== 'task-trail')).catchUp();
        expect(await getTrail(world.manager, 't1')).toEqual([]);

        await world.runner().catchUp();
        expect(await getTrail(world.manager, 't1')).toHaveLength(8);
        const reference = await world.snapshot();
        await world.runner().rebuildAll();
        expect(await world.snapshot()).toEqual(reference);
      });
    });
  });

  describe('the projection DataSource', () => {
    it('creates with its migrations exactly the tables its entities describe', async () => {
      const pending = await world.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });

    it('borrows the shared pool: destroying it leaves the pool open', async () => {
      const other = createProjectionDataSource({ pool: world.pool, schema: world.schema });
      await other.initialize();
      await other.destroy();
      const { rows } = await world.pool.query<{ one: number }>('select 1 as one');
      expect(rows[0]?.one).toBe(1);
    });
  });

  describe('queries', () => {
    beforeEach(async () => {
      await runScenario(world);
      await world.runner().catchUp();
    });

    describe('outstanding tasks', () => {
      it('lists what an agency owes with its state, due date and role', async () => {
        const page = await listOutstanding(world.manager, LEAD, { asOf: june(20), count: true });
        expect(page).toEqual({
          total: 2,
          next: null,
          items: [
            {
              taskId: 't4',
              planId: PLAN,
              title: 'Nhiệm vụ t4',
              role: 'lead',
              dueDate: '2025-12-07',
              state: 'extension-pending',
              overdue: false,
              dueWithin7Days: false,
            },
            expect.objectContaining({ taskId: 't1', dueDate: '2025-12-15', state: 'in-progress' }),
          ],
        });
        expect((await listOutstanding(world.manager, EDUCATION, { asOf: june(20) })).items).toEqual([
          expect.objectContaining({ taskId: 't4', role: 'support', state: 'completion-returned' }),
        ]);
        expect((await listOutstanding(world.manager, HEALTH, { asOf: june(20) })).items).toEqual([
          expect.objectContaining({ taskId: 't1', role: 'support', state: 'in-progress' }),
        ]);
        expect((await listOutstanding(world.manager, FRONT, { asOf: june(20) })).items).toEqual([
          expect.objectContaining({ taskId: 't1', role: 'requested', state: 'not-acknowledged' }),
        ]);
        expect((await listOutstanding(world.manager, JUSTICE, { asOf: june(20), count: true })).total).toBe(
          0,
        );
      });

      it('is read by one prepared statement per shape of query, on the connection of a transaction too', async () => {
        const prepared = await world.dataSource.transaction(async (manager) => {
          for (const sort of ['dueDate', 'dueDate', 'state'] as const) {
            await listOutstanding(manager, LEAD, { asOf: june(20), sort });
          }
          return manager.query<{ statement: string }[]>(
            `select statement from pg_prepared_statements where statement like '%' || $1 || '.outstanding_tasks o%'`,
            [world.schema],
          );
        });
        expect(prepared).toHaveLength(2);
        expect(prepared.filter((row) => row.statement.includes('o.state_rank, o.due_date'))).toHaveLength(1);
      });

      it('sorts by due date either way or by state, and pages', async () => {
        const ids = async (sort: 'dueDate' | '-dueDate' | 'state') =>
          (await listOutstanding(world.manager, LEAD, { asOf: june(20), sort })).items.map((i) => i.taskId);
        expect(await ids('dueDate')).toEqual(['t4', 't1']);
        expect(await ids('-dueDate')).toEqual(['t1', 't4']);
        // in-progress comes before extension-pending.
        expect(await ids('state')).toEqual(['t1', 't4']);
        const second = await listOutstanding(world.manager, LEAD, { asOf: june(20), limit: 1, offset: 1 });
        expect(second).toEqual({ next: null, items: [expect.objectContaining({ taskId: 't1' })] });
        const first = await listOutstanding(world.manager, LEAD, { asOf: june(20), limit: 1, count: true });
        expect(first.total).toBe(2);
        expect(first.next).toEqual(expect.any(String));
        expect(first.items).toEqual([expect.objectContaining({ taskId: 't4' })]);
        const after = await listOutstanding(world.manager, LEAD, {
          asOf: june(20),
          limit: 1,
          cursor: first.next!,
        });
        expect(after).toEqual(second);
        const filtered = await listOutstanding(world.manager, LEAD, {
          asOf: june(20),
          state: 'in-progress',
          count: true,
        });
        expect(filtered).toEqual({
          total: 1,
          next: null,
          items: [expect.objectContaining({ taskId: 't1' })],
        });
      });

      it('flags overdue and due within 7 days across midnight in Ha Noi', async () => {
        const tasks = [
          ['m1', '2025-11-30'],
          ['m2', '2025-12-07'],
          ['m3', '2025-12-08'],
        ] as const;
        for (const [id, due] of tasks) {
          await world.task(
            assign(id, 'plan-midnight', due, [{ agencyCode: POLICE, role: 'lead' }], june(25)),
          );
        }
        await world.runner().catchUp();
        const flags = async (asOf: string) =>
          Object.fromEntries(
            (await listOutstanding(world.manager, POLICE, { asOf })).items.map((i) => [
              i.taskId,
              [i.overdue, i.dueWithin7Days],
            ]),
          );

        // 23:59:59.999 on 30 November in Ha Noi.
        expect(await flags('2025-11-30T16:59:59.999Z')).toEqual({
          m1: [false, true],
          m2: [false, false],
          m3: [false, false],
        });
        // Midnight: m1 is overdue; m2's deadline (8 December 00:00) is now exactly 7 days away.
        expect(await flags('2025-11-30T17:00:00.000Z')).toEqual({
          m1: [true, false],
          m2: [false, true],
          m3: [false, false],
        });
        expect(await flags('2025-12-01T00:00:00+07:00')).toEqual(await flags('2025-11-30T17:00:00.000Z'));

        const overdueAt = async (asOf: string) =>
          (await listOutstanding(world.manager, POLICE, { asOf, overdue: true })).items.map((i) => i.taskId);
        expect(await overdueAt('2025-11-30T16:59:59.999Z')).toEqual([]);
        expect(await overdueAt('2025-11-30T17:00:00.000Z')).toEqual(['m1']);
      });
    });

    it('lists an agency responsibilities, open by default, closed or all on request', async () => {
      const open = await listResponsibilities(world.manager, LEAD);
      expect(open.items.map((r) => [r.taskId, r.role, r.assignmentStatus])).toEqual([
        ['t4', 'lead', 'assigned'],
        ['t1', 'lead', 'in-progress'],
      ]);
      const closed = await listResponsibilities(world.manager, LEAD, { status: 'closed' });
      expect(closed.items.map((r) => [r.taskId, r.taskStatus])).toEqual([['t2', 'completed']]);
      expect((await listResponsibilities(world.manager, LEAD, { status: 'all', count: true })).total).toBe(3);
      // The handoff moved the support role of t1 from Education to Health.
      expect((await listResponsibilities(world.manager, HEALTH)).items).toEqual([
        expect.objectContaining({ taskId: 't1', role: 'support', since: '2025-06-06T02:00:00.000Z' }),
      ]);
      expect(
        (await listResponsibilities(world.manager, EDUCATION, { status: 'all' })).items.map((r) => r.taskId),
      ).toEqual(['t3', 't4']);
      expect((await listResponsibilities(world.manager, JUSTICE)).items).toEqual([]);
    });

    it('gives a task trail in order with actors, reasons and the responsible agency', async () => {
      const trail = await getTrail(world.manager, 't2');
      expect(trail.map((e) => e.type)).toEqual([
        'TaskAssigned',
        'HandoffRequested',
        'HandoffSuperseded',
        'TaskReassigned',
        'TaskAcknowledged',
        'CompletionSubmitted',
        'CompletionAccepted',
        'TaskCompleted',
      ]);
      const positions = trail.map((e) => BigInt(e.globalPosition));
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
      expect(trail[3]).toMatchObject({
        actorPersonId: 'p-issuer',
        actorAgencyCode: 'UBND-LC',
        agencyCode: POLICE,
        toAgencyCode: JUSTICE,
        reason: 'Điều chỉnh phân công theo chức năng',
        responsibleAgency: LEAD,
        occurredAt: '2025-06-06T04:00:00.000Z',
        concernedAgencies: [POLICE, JUSTICE, LEAD, 'UBND-LC'],
      });
      expect(Date.parse(trail[3]!.recordedAt)).not.toBeNaN();
      expect(await getTrail(world.manager, 'no-such-task')).toEqual([]);
    });

    it('counts a plan progress per agency and state, with what is overdue as of an instant', async () => {
      const progress = await getPlanProgress(world.manager, PLAN, { asOf: '2025-12-08T17:00:00.000Z' });
      const byAgency = Object.fromEntries(progress.agencies.map((a) => [a.agencyCode, a]));
      expect(Object.keys(byAgency)).toEqual([FRONT, EDUCATION, LEAD, JUSTICE, HEALTH]);
      expect(byAgency[LEAD]).toMatchObject({
        total: 3,
        byState: {
          'not-acknowledged': 1,
          acknowledged: 0,
          'in-progress': 1,
          'completion-submitted': 0,
          'completion-returned': 0,
          completed: 1,
          cancelled: 0,
        },
        // t4 (due 7 December) is overdue on 9 December; t1 (due 15 December) is due within 7 days.
        overdue: 1,
        dueWithin7Days: 1,
      });
      expect(byAgency[EDUCATION]).toMatchObject({
        total: 2,
        byState: { cancelled: 1, 'completion-returned': 1, 'not-acknowledged': 0, completed: 0 },
        overdue: 1,
      });
      expect(progress.tasks).toEqual({
        total: 4,
        open: 2,
        completed: 1,
        cancelled: 1,
        overdue: 1,
        dueWithin7Days: 1,
      });
      expect((await getPlanProgress(world.manager, 'no-such-plan', { asOf: june(20) })).agencies).toEqual([]);
    });

    it('looks up plans and tasks', async () => {
      expect(await listPlans(world.manager)).toEqual([
        expect.objectContaining({
          planId: PLAN,
          number: '1601/KH-UBND',
          issuedOn: '2025-06-01',
          periodFromYear: 2025,
        }),
      ]);
      expect(await getPlan(world.manager, PLAN)).toMatchObject({ issuedByAgencyCode: 'UBND-LC' });
      expect(await getPlan(world.manager, 'nope')).toBeNull();
      expect((await listPlanTasks(world.manager, PLAN)).map((t) => [t.taskId, t.status])).toEqual([
        ['t3', 'cancelled'],
        ['t2', 'completed'],
        ['t4', 'open'],
        ['t1', 'open'],
      ]);
      expect(await getTask(world.manager, 't2')).toMatchObject({
        status: 'completed',
        responsibleAgency: LEAD,
        assignees: [
          { agencyCode: LEAD, role: 'lead', status: 'completed' },
          { agencyCode: JUSTICE, role: 'support', status: 'assigned' },
        ],
        handoffs: [expect.objectContaining({ handoffId: 'h2', status: 'superseded' })],
      });
      expect(await getTask(world.manager, 'nope')).toBeNull();
    });
  });

  describe("an agency's past state from its intervals", () => {
    it('equals the fold of its tasks up to every instant of both axes, a late entry included', async () => {
      await runScenario(world);
      // Entered last, happened on 3 June: FRONT's report on t1 before the handoff and extension.
      await world.task(progress('t1', FRONT, 'Đã rà soát 30 hồ sơ', june(3, 12)));
      await world.runner().catchUp();
      const stream = await world.store.readAll(START_OF_LOG, 1000);
      const instants: PastInstant[] = (['knownAt', 'validAt'] as const).flatMap((axis) =>
        [
          ...new Set(
            stream.events.map((event) =>
              Date.parse(axis === 'knownAt' ? event.metadata.recordedAt : event.metadata.occurredAt),
            ),
          ),
        ].flatMap((time) => [time - 1, time].map((at) => ({ axis, at: new Date(at).toISOString() }))),
      );
      for (const agencyCode of [LEAD, EDUCATION, FRONT, HEALTH, POLICE, JUSTICE]) {
        for (const instant of instants) {
          const fold = await agencyTasksAt(world.store, world.manager, agencyCode, instant);
          const all = { status: 'all', limit: 500 } as const;
          expect(
            pageResponsibilities(
              (await agencyRowsAt(world.manager, agencyCode, instant, 'responsibilities')).responsibilities,
              agencyCode,
              all,
            ),
          ).toEqual(responsibilitiesAt(fold, agencyCode, all));
          const owed = { asOf: instant.at, limit: 500 };
          expect(
            pageOutstanding(
              (await agencyRowsAt(world.manager, agencyCode, instant, 'outstanding')).outstanding,
              agencyCode,
              owed,
            ),
          ).toEqual(outstandingAt(fold, agencyCode, owed));
        }
      }
      // The late report shows on the business axis from 3 June, before FRONT asked for more time.
      const front = await agencyRowsAt(
        world.manager,
        FRONT,
        { axis: 'validAt', at: new Date(Date.parse(june(4))).toISOString() },
        'outstanding',
      );
      expect(front.outstanding.map((row) => [row.taskId, row.state])).toEqual([['t1', 'in-progress']]);
    });
  });

  describe('agency intervals continued batch by batch', () => {
    const TASKS = ['t-a', 't-b', 't-c'];
    const recordedEvent = (event: TaskEvent, taskId: string, position: number, hour: number) =>
      recordedOf({ ...event, data: { ...event.data, taskId } } as TaskEvent, {
        position,
        occurredAt: iso(hour),
        recordedAt: iso(hour),
      });
    const intervalKey = (i: AgencyInterval) => `${i.taskId} ${i.axis} ${i.agencyCode} ${i.fromAt}`;
    const byKey = (intervals: readonly AgencyInterval[]) =>
      [...intervals]
        .map(({ taskId, axis, agencyCode, fromAt, untilAt, responsibilities, outstanding }) => ({
          taskId,
          axis,
          agencyCode,
          fromAt,
          untilAt,
          responsibilities,
          outstanding,
        }))
        .sort((a, b) => (intervalKey(a) < intervalKey(b) ? -1 : 1));

    it("equal after every batch a refold of each task's whole stream, late entries included", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(...TASKS.map((taskId) => histories(taskId))),
          // Which task's next event comes next in the log, and the sizes of the batches.
          fc.array(fc.integer({ min: 0, max: TASKS.length - 1 }), { minLength: 45, maxLength: 45 }),
          fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 12 }),
          async (streams, picks, sizes) => {
            await world.dataSource.transaction((manager) => agencyIntervalsProjection.reset(manager));
            const next = streams.map(() => 0);
            const log: { taskIndex: number; recorded: RecordedEvent }[] = [];
            for (const pick of [...picks, ...streams.flatMap((stream, i) => stream.map(() => i))]) {
              const recorded = streams[pick]![next[pick]!];
              if (!recorded) continue;
              next[pick]! += 1;
              log.push({
                taskIndex: pick,
                recorded: { ...recorded, globalPosition: BigInt(log.length + 1) },
              });
            }
            const states: TaskState[] = streams.map(() => initialState());
            const seen = streams.map(() => 0);
            let done = 0;
            for (const size of [...sizes, log.length]) {
              const batch = log.slice(done, done + size);
              if (batch.length === 0) break;
              done += batch.length;
              const changes: TaskChange[] = batch.map(({ taskIndex, recorded }) => {
                const event = decodeTaskEvent(recorded)!;
                const before = states[taskIndex]!;
                states[taskIndex] = evolve(before, event);
                seen[taskIndex]! += 1;
                return { kind: 'task', recorded, event, before, after: states[taskIndex] };
              });
              await world.dataSource.transaction((manager) =>
                agencyIntervalsProjection.apply(changes, manager),
              );
              const stored = await world.manager.find(AgencyIntervalRow, { where: { taskId: In(TASKS) } });
              const refolded = TASKS.flatMap((taskId, i) =>
                agencyIntervalsOf(taskId, streams[i]!.slice(0, seen[i])),
              );
              expect(byKey(stored)).toEqual(byKey(refolded));
              const tails = await world.manager.find(AgencyIntervalTaskRow, { where: { taskId: In(TASKS) } });
              expect(Object.fromEntries(tails.map(({ taskId, ...tail }) => [taskId, tail]))).toEqual(
                Object.fromEntries(
                  TASKS.flatMap((taskId, i) => {
                    const tail = foldTailOf(streams[i]!.slice(0, seen[i]));
                    return tail ? [[taskId, tail]] : [];
                  }),
                ),
              );
            }
          },
        ),
        {
          numRuns: 25,
          // A request and its decline at the same hour, in two batches: the lead's interval
          // closed at the tail's time is read again and goes on.
          examples: [
            [
              [
                [
                  recordedEvent(taskAssigned(), 't-a', 1, 0),
                  recordedEvent(handoffRequested('h-1', LEAD_AGENCY, HEALTH), 't-a', 2, 5),
                  recordedEvent(handoffDeclined('h-1', LEAD_AGENCY, HEALTH), 't-a', 3, 5),
                ],
                [],
                [],
              ],
              [0, 0, 0],
              [2],
            ],
          ],
        },
      );
    });
  });

  describe("an agency's lapses, a keyset page at a time", () => {
    // Lapses written as the deadline projection writes them: ties on the moment (broken by task id,
    // then event id) and moments a microsecond apart, which a millisecond cursor would lose.
    const lapse = (eventId: string, taskId: string, occurredAt: string, agency = JUSTICE) => [
      eventId,
      `timer-${eventId}`,
      taskId,
      PLAN,
      'DeadlineLapsed',
      '2025-06-30',
      occurredAt,
      occurredAt,
      agency,
      JSON.stringify({ title: `Nhiệm vụ ${taskId}`, sourceClause: { section: 'V.2', start: 0, end: 1 } }),
    ];
    const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const rows = [
      lapse(uuid(5), 't2', '2025-06-30T17:00:00.000001Z'),
      lapse(uuid(4), 't1', '2025-06-30T17:00:00.000001Z'),
      lapse(uuid(3), 't1', '2025-06-30T17:00:00.000002Z'),
      lapse(uuid(2), 't1', '2025-06-30T17:00:00.000001Z'),
      lapse(uuid(1), 't3', '2025-06-30T17:00:00Z'),
      lapse(uuid(6), 't9', '2025-06-30T17:00:00Z', HEALTH),
    ];
    const filter = {
      agencyCode: JUSTICE,
      from: '2025-07-01',
      to: '2025-07-01',
      asOf: '2025-07-10T00:00:00Z',
    };

    beforeEach(async () => {
      for (const row of rows) {
        await world.pool.query(
          `insert into ${world.schema}.deadline_notices
             (event_id, timer_id, task_id, plan_id, type, due_date, occurred_at, recorded_at, responsible_agency, data)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          row,
        );
      }
    });

    it('reads every lapse once, in order, across pages and batches of any size', async () => {
      const order = ['t3', 't1', 't1', 't2', 't1'];
      const whole = await listLapses(world.manager, filter);
      expect(whole.map((l) => l.taskId)).toEqual(order);
      for (const size of [1, 2, 3, 5]) {
        expect(await listLapses(world.manager, filter, size)).toEqual(whole);
        const paged: typeof whole = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await lapsesPage(world.manager, filter, {
            limit: size,
            ...(cursor ? { cursor } : {}),
          });
          paged.push(...page.items);
          cursor = page.next ?? undefined;
          pages++;
        } while (cursor !== undefined);
        expect([size, pages, paged]).toEqual([size, Math.ceil(order.length / size), whole]);
      }
      expect(await lapsesPage(world.manager, filter, { limit: 2, count: true })).toMatchObject({ total: 5 });
      const t1 = { ...filter, taskId: 't1' };
      expect(await lapsesPage(world.manager, t1, { count: true })).toMatchObject({ total: 3, next: null });
      const first = await lapsesPage(world.manager, t1, { limit: 2 });
      const rest = await lapsesPage(world.manager, t1, { limit: 2, cursor: first.next! });
      expect([...first.items, ...rest.items]).toEqual(whole.filter((l) => l.taskId === 't1'));
      expect(rest.next).toBeNull();
    });

    it('refuses a cursor of another list', async () => {
      const outstanding = encodeCursor('outstanding:dueDate', ['2025-06-30', 't1']);
      await expect(lapsesPage(world.manager, filter, { cursor: outstanding })).rejects.toThrow(/cursor/);
      const notUuid = encodeCursor('lapses:lapsedAt', [1, 't1', 'x']);
      await expect(lapsesPage(world.manager, filter, { cursor: notUuid })).rejects.toThrow(/cursor/);
    });
  });

  it('never waits on itself: a quick succession of appends stays visible', async () => {
    await runLive(world, world.runner(), async () => {
      for (let i = 0; i < 5; i++) {
        await world.task(
          assign(`q${i}`, PLAN, '2025-12-31', [{ agencyCode: JUSTICE, role: 'lead' }], june(15)),
        );
        await delay(1);
      }
    });
    expect((await listOutstanding(world.manager, JUSTICE, { asOf: june(16), count: true })).total).toBe(5);
  });
}

/** Live, in batches of 4 while the commands are appended: every kind of task event, refusals too. */
async function projectEveryTaskEventLive(world: World): Promise<void> {
  await runLive(
    world,
    world.runner(),
    async () => {
      await runScenario(world);
      for (const command of refusedDecisions()) await world.task(command);
    },
    4,
  );
}

const DEADLINE_PLAN = 'plan-deadlines-2025';
/** Reminders 10 days before; escalation to the lead 3 working days after. */
const FIRST_POLICY: DeadlinePolicy = {
  reminderDaysBefore: [10],
  escalations: [{ daysOverdue: 3, to: 'lead', counting: 'working-days' }],
};

/**
 * A log the deadline projection must read the same in any batches, with what the deciders do not
 * write today but a log may hold (appended as they were recorded):
 * - the plan issued a second time with another deadline policy (the plan keeps its first issue);
 * - a day off added between assignments, moving the working-day escalations of those before it;
 * - an event of d1 recorded after its cancellation (decided on the state before it).
 */
async function appendDeadlineEdges(world: World): Promise<void> {
  const plan = issuePlan(DEADLINE_PLAN, june(1));
  await world.issuePlan({ ...plan, data: { ...plan.data, deadlinePolicy: FIRST_POLICY } });
  const [issued] = await world.store.readStream(planStreamId(DEADLINE_PLAN));
  const again: PlanIssuedData = {
    ...(issued!.data as PlanIssuedData),
    deadlinePolicy: { reminderDaysBefore: [2], escalations: [{ daysOverdue: 1, to: 'issuer' }] },
  };
  await world.append(
    planStreamId(DEADLINE_PLAN),
    [{ type: 'PlanIssued', data: again }],
    issuer,
    june(1, 10),
    1,
  );
  const lead = [{ agencyCode: LEAD, role: 'lead' as const }];
  await world.task(assign('d1', DEADLINE_PLAN, '2025-12-01', lead, june(2)));
  await world.task(assign('d3', DEADLINE_PLAN, '2025-12-01', lead, june(2, 9)));
  const dayOff = decideCalendar(
    {
      type: 'AmendHolidays',
      data: { action: 'add', date: '2025-12-02', name: 'Ngày nghỉ bù', reason: 'Quyết định của UBND tỉnh' },
      metadata: { actor: issuer, now: june(2, 10) },
    },
    initialCalendarState(),
  );
  await world.append(HOLIDAY_CALENDAR_STREAM, dayOff, issuer, june(2, 10), 0);
  await world.task(assign('d2', DEADLINE_PLAN, '2025-12-01', lead, june(3)));
  await world.task(cancel('d1', june(4)));
  const history = await world.store.readStream(taskStreamId('d1'));
  const beforeCancel = history
    .slice(0, -1)
    .reduce(
      (state, e) => evolve(state, { type: e.type, data: e.data } as TaskEvent, e.metadata.occurredAt),
      initialState(),
    );
  const late = decide(progress('d1', LEAD, 'Báo cáo gửi trước khi hủy', june(5)), beforeCancel);
  await world.append(taskStreamId('d1'), late, issuer, june(5), history.length);
  await world.task(acknowledge('d2', LEAD, june(6)));
}
