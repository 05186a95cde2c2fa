import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  agencyHeads,
  agencyStreamId,
  headOn,
  type ReorganisationDecisions,
  type ReorganisationScenario,
} from '#libs/agencies';
import { openDatabase, type Database } from '#libs/event-store';
import { listLapses } from '#libs/projections';
import { foldStoredTaskEvents, taskStreamId, type TaskCommand } from '#libs/tasks';
import {
  DeadlineFirer,
  ManualClock,
  openCommandLayer,
  openDirectory,
  openReorganisations,
} from '../src/index.js';
import { PROJECTION_TABLES, World } from '../../projections/test/support/world.js';
import { TEST_DATABASE_URL } from '../../../test/support/postgres.js';

const SEED_PLANS = 'libs/plan-intake/seed-plans';
const SCENARIO = 'deploy/reorganisations/2025-seed-provinces.json';
const OLD = 'lc-so-ldtbxh';

const lcIssuer = {
  personId: 'p-lc-issuer',
  agencyCode: 'lc-ubnd-tinh',
  roles: ['issuer', 'officer'] as const,
};
const lscIssuer = {
  personId: 'p-lsc-issuer',
  agencyCode: 'lsc-ubnd-thanh-pho',
  roles: ['issuer', 'officer'] as const,
};

/**
 * The 2025 reform applied to the two seed plans, as `coord reorganise` does, on PostgreSQL and on
 * PGlite: every open duty of the Lai Châu Sở LĐTBXH ends with its successor by function, the
 * Lạng Sơn city plan passes to the provincial committee, closed history stays, projections equal
 * a rebuild, and a lapse before 1 July 2025 still names the old agency and its head.
 */
describe.each(['postgres', 'pglite'] as const)(
  'the 2025 reorganisation of the seed plans on %s',
  (backend) => {
    let database: Database;
    let world: World;

    beforeAll(async () => {
      database = await openDatabase(
        backend === 'postgres'
          ? { databaseUrl: TEST_DATABASE_URL, dataDir: 'memory' }
          : { dataDir: 'memory' },
      );
      world = await World.create(database.pool);
    });

    afterAll(async () => {
      await world?.dispose(backend === 'postgres');
      await database?.close();
    });

    it('applies the scenario: successors by function, plans passed on, history and accountability kept', async () => {
      const clock = new ManualClock('2024-08-01T02:00:00Z');
      const directory = (await openDirectory({ store: world.store }).load()).directory;
      const layer = await openCommandLayer({
        database,
        store: world.store,
        schema: world.schema,
        directory,
        clock,
      });

      // The seed plans, through the real intake.
      for (const [file, actor] of [
        ['laichau-2024-ct28-kh.txt', lcIssuer],
        ['langson-city-2024-nq121-kh.txt', lscIssuer],
      ] as const) {
        const bytes = await readFile(join(SEED_PLANS, file));
        const draft = await layer.planIntake.importDocument(bytes, file, actor);
        await layer.planIntake.confirmDraft(draft.draftId ?? '', {}, actor);
      }
      await world.runner().catchUp();
      const oldOpen = await openTasksOf(OLD);
      expect(oldOpen.length).toBeGreaterThan(3);

      // Who headed the Sở, and a duty it completed (closed history).
      await append(
        agencyStreamId(OLD),
        agencyHeads.decide(
          {
            type: 'RecordAgencyHead',
            data: {
              agencyCode: OLD,
              answersTo: [OLD, 'lc-ubnd-tinh'],
              personName: 'Nguyễn Văn An',
              title: 'Giám đốc',
              since: '2024-01-01',
              reason: 'Quyết định số 1/QĐ-UBND',
            },
            metadata: { actor: lcIssuer, now: clock.now() },
          },
          agencyHeads.initialState(),
        ),
        '2024-08-01T02:00:00Z',
      );
      // A duty, not a yearly report: the 2024 report must stay open and lapse below.
      const duties = await database.pool.query<{ task_id: string }>(
        `select task_id from ${world.schema}.task_outcomes where kind = 'duty' and task_id = any($1::text[])`,
        [oldOpen.map((t) => t.taskId)],
      );
      const closedTask = oldOpen.find(
        (t) => t.role === 'lead' && duties.rows.some((row) => row.task_id === t.taskId),
      )!.taskId;
      await world.task(
        command(
          'SubmitCompletion',
          { taskId: closedTask, agencyCode: OLD, report: 'Đã hoàn thành' },
          { personId: 'p-ldtbxh', agencyCode: OLD, roles: ['officer'] },
          '2024-09-01T02:00:00Z',
        ),
      );
      await world.task(
        command(
          'AcceptCompletion',
          { taskId: closedTask, agencyCode: OLD, reason: 'Đạt' },
          lcIssuer,
          '2024-09-02T02:00:00Z',
        ),
      );
      // A handoff offered to the Sở and still pending when it is dissolved.
      const offered = (await openTasksOf('lc-so-gddt')).find(
        (t) => !oldOpen.some((o) => o.taskId === t.taskId),
      )!.taskId;
      await world.task(
        command(
          'RequestHandoff',
          {
            taskId: offered,
            handoffId: 'h-to-ldtbxh',
            fromAgency: 'lc-so-gddt',
            toAgency: OLD,
            reason: 'Thuộc lĩnh vực trẻ em',
          },
          { personId: 'p-gddt', agencyCode: 'lc-so-gddt', roles: ['officer'] },
          '2024-09-03T02:00:00Z',
        ),
      );

      // Deadlines lapse before the reform (the 2024 reports, due by 1 December 2024).
      await world.runner().catchUp();
      const firer = new DeadlineFirer({
        pool: database.pool,
        store: world.store,
        schema: world.schema,
        clock,
      });
      clock.set('2025-06-20T02:00:00Z');
      await firer.fireAllDue();
      await world.runner().catchUp();
      const lapsesBefore = await listLapses(world.manager, {
        agencyCode: OLD,
        from: '2024-01-01',
        to: '2025-06-30',
        asOf: clock.now(),
      });
      expect(lapsesBefore.length).toBeGreaterThan(0);
      const closedBefore = await closedHistory();

      // The draft, reviewed; then confirmed on 2 July 2025.
      clock.set('2025-07-02T02:00:00Z');
      const scenario = JSON.parse(await readFile(SCENARIO, 'utf8')) as ReorganisationScenario;
      const reorganisations = openReorganisations({
        store: world.store,
        dataSource: world.dataSource,
        clock,
      });
      const draft = await reorganisations.draft(scenario);
      // Open now: the duties less the one completed, plus the 2025 report its cycle opened.
      const stillOpen = await openTasksOf(OLD);
      expect(stillOpen.map((t) => t.taskId)).not.toContain(closedTask);
      const routed = [
        ...draft.moves.filter((m) => m.fromAgency === OLD),
        ...draft.needsDecision.filter((d) => d.fromAgency === OLD && d.cycle === undefined),
      ];
      expect(routed.map((r) => r.taskId).sort()).toEqual(stillOpen.map((t) => t.taskId).sort());
      expect(draft.handoffs).toEqual([
        expect.objectContaining({ taskId: offered, handoffId: 'h-to-ldtbxh', redirectedTo: 'lc-so-y-te' }),
      ]);
      expect(draft.plans.map((p) => [p.fromIssuer, p.toIssuer])).toEqual([
        ['lsc-ubnd-thanh-pho', 'ls-ubnd-tinh'],
      ]);
      expect(draft.timers.length).toBe(draft.moves.length);
      // The yearly cycles not opened yet: the Sở's own 2026 report (its consolidation) is listed
      // per plan and year; its words name no function, so it is a person's call.
      const ownReport = draft.needsDecision.find(
        (d) => d.cycle?.year === 2026 && d.cycle.responsibility === 'assignee' && d.fromAgency === OLD,
      )!;
      expect(ownReport).toMatchObject({ role: 'lead', candidates: ['lc-so-y-te', 'lc-so-noi-vu'] });
      expect(draft.cycles.every((c) => c.year >= 2026)).toBe(true);
      const pendingTimers = await cycleTimers();
      expect(JSON.stringify(pendingTimers)).toContain(`"${OLD}"`);
      // A person decides what the text does not: here, to the health department.
      const decisions: ReorganisationDecisions = Object.fromEntries(
        draft.needsDecision
          .filter((d) => d.candidates.length > 0)
          .map((d) => [
            `${d.taskId}/${d.fromAgency}`,
            d.candidates.includes('lc-so-y-te') ? 'lc-so-y-te' : d.candidates[0]!,
          ]),
      );
      // Decided, the parties' 2026 reports to the Sở follow its consolidation to the health department.
      const decided = await reorganisations.draft(scenario, decisions);
      const reportsToOld = decided.cycles.filter(
        (c) => c.year === 2026 && c.responsibility === 'reportsTo' && c.fromAgency === OLD,
      );
      expect(reportsToOld.length).toBeGreaterThan(3);
      expect(reportsToOld.every((c) => c.toAgency === 'lc-so-y-te' && c.decidedByPerson)).toBe(true);
      expect(decided.needsDecision.filter((d) => d.cycle && d.candidates.length > 0)).toEqual([]);
      const result = await reorganisations.confirm(scenario, decisions, {
        personId: 'p-operator',
        agencyCode: 'lc-ubnd-tinh',
        roles: ['issuer'],
      });
      expect(result.plansPassed).toBe(1);
      expect(result.cycleResponsibilitiesMoved).toBe(decided.cycles.length);
      await world.runner().catchUp();
      // The waiting cycle timers name the successors, with the trail's reason recorded in the plan.
      const timersAfter = await cycleTimers();
      expect(timersAfter.map((t) => t.timer_id)).toEqual(pendingTimers.map((t) => t.timer_id));
      expect(JSON.stringify(timersAfter)).not.toContain(`"${OLD}"`);
      const lcPlan = ownReport.planId;
      const reassigned = (await world.store.readStream(`plan-${lcPlan}`)).filter(
        (e) => e.type === 'ReportingCycleReassigned',
      );
      expect(reassigned.length).toBeGreaterThan(0);
      expect(reassigned[0]?.data).toMatchObject({
        planId: lcPlan,
        fromAgency: OLD,
        reason: expect.stringMatching(
          /^responsibility passed to Sở (Y tế|Nội vụ) tỉnh Lai Châu by decision Nghị định số 45\/2025\/NĐ-CP of 2025-02-28, effective 2025-07-01$/,
        ),
      });

      // Every open duty of the Sở is with its successor: child protection with the health department.
      expect(await openTasksOf(OLD)).toEqual([]);
      const leftToAPerson = new Set(
        draft.needsDecision.filter((d) => d.candidates.length === 0).map((d) => d.taskId),
      );
      for (const { taskId, role } of stillOpen) {
        const stream = await world.store.readStream(taskStreamId(taskId));
        const state = foldStoredTaskEvents(stream);
        if (state.status === 'none') throw new Error(taskId);
        const expected =
          draft.moves.find((m) => m.taskId === taskId && m.fromAgency === OLD)?.toAgency ??
          decisions[`${taskId}/${OLD}`];
        if (leftToAPerson.has(taskId)) {
          // The successor already held an assignment on it: listed for a person, not guessed.
          expect(state.assignees.map((a) => a.agencyCode)).toContain(OLD);
          continue;
        }
        expect(state.assignees).toContainEqual(expect.objectContaining({ agencyCode: expected, role }));
        const passed = stream.find((e) => e.type === 'TaskReassigned');
        expect((passed?.data as { reason: string }).reason).toMatch(
          /^responsibility passed to Sở (Y tế|Nội vụ) tỉnh Lai Châu by decision Nghị định số 45\/2025\/NĐ-CP of 2025-02-28, effective 2025-07-01$/,
        );
        expect(passed?.metadata.occurredAt).toBe('2025-06-30T17:00:00.000Z');
      }
      expect(draft.moves.filter((m) => m.fromAgency === OLD).every((m) => m.toAgency === 'lc-so-y-te')).toBe(
        true,
      );
      const offeredNow = foldStoredTaskEvents(await world.store.readStream(taskStreamId(offered)));
      expect(offeredNow.status !== 'none' && offeredNow.handoffs.map((h) => [h.toAgency, h.status])).toEqual([
        [OLD, 'superseded'],
        ['lc-so-y-te', 'pending'],
      ]);

      // The Lạng Sơn city plan is carried on by the provincial committee.
      const plans = await database.pool.query<{ issuer_agency_code: string }>(
        `select issuer_agency_code from ${world.schema}.plans where issued_by_agency_code = 'lsc-ubnd-thanh-pho'`,
      );
      expect(plans.rows).toEqual([{ issuer_agency_code: 'ls-ubnd-tinh' }]);
      // The directory knows who took over.
      const after = (await openDirectory({ store: world.store }).load()).directory;
      expect(after.successorsOf(OLD)).toEqual([
        { function: 'child-protection', agencyCode: 'lc-so-y-te' },
        { function: 'labour', agencyCode: 'lc-so-noi-vu' },
      ]);
      expect(after.get('ls-so-y-te')?.name).toBe('Sở Y tế tỉnh Lạng Sơn');

      // Closed history stays with the old agency; the lapse before 1 July 2025 too, with its head.
      expect(await closedHistory()).toEqual(closedBefore);
      const lapsesAfter = await listLapses(world.manager, {
        agencyCode: OLD,
        from: '2024-01-01',
        to: '2025-06-30',
        asOf: clock.now(),
      });
      expect(lapsesAfter.map((l) => [l.taskId, l.responsibleAgency])).toEqual(
        lapsesBefore.map((l) => [l.taskId, OLD]),
      );
      const register = (await world.store.readStream(agencyStreamId(OLD))).reduce(
        (state, e) => agencyHeads.evolve(state, { type: e.type, data: e.data } as never),
        agencyHeads.initialState(),
      );
      expect(headOn(register, lapsesAfter[0]!.lapseDate)).toMatchObject({ personName: 'Nguyễn Văn An' });

      // Projections equal a rebuild from the log (the deadline tables hold the firer's marks too).
      const live = await world.snapshot(PROJECTION_TABLES);
      await world.runner().rebuildAll();
      expect(await world.snapshot(PROJECTION_TABLES)).toEqual(live);
      // A rebuild adds again the 2025 cycle's timer, already opened (firing it appends nothing);
      // the waiting ones are as the reassignments left them.
      const rebuilt = await cycleTimers();
      expect(rebuilt.filter((t) => timersAfter.some((a) => a.timer_id === t.timer_id))).toEqual(timersAfter);

      // Confirming again moves nothing more: the bodies already ceased to exist.
      await expect(reorganisations.draft(scenario)).rejects.toMatchObject({
        code: 'reorganisation.already-applied',
      });

      // 1 January 2026: the cycle opens with the successors; the dissolved Sở is owed nothing.
      clock.set('2025-12-31T17:00:00Z');
      await firer.fireAllDue();
      await world.runner().catchUp();
      const expectedOwner = decisions[`${ownReport.taskId}/${OLD}`];
      expect(expectedOwner).toBe('lc-so-y-te');
      const opened = foldStoredTaskEvents(await world.store.readStream(taskStreamId(ownReport.taskId)));
      expect(opened).toMatchObject({
        status: 'open',
        kind: 'report',
        reportYear: 2026,
        assignees: [expect.objectContaining({ agencyCode: expectedOwner })],
      });
      expect(await openTasksOf(OLD)).toEqual([]);
      // Every report of the cycle was assigned: none refused (a report to oneself would be).
      const cycleTasks = (
        timersAfter.find((t) => t.timer_id === `${lcPlan}/cycle-2026`)!.task as { tasks: unknown[] }
      ).tasks;
      const assigned2026 = await database.pool.query<{ n: number }>(
        `select count(*)::int as n from ${world.schema}.task_outcomes where plan_id = $1 and report_year = 2026`,
        [lcPlan],
      );
      expect(assigned2026.rows).toEqual([{ n: cycleTasks.length }]);
      const named = await database.pool.query(
        `select task_id from ${world.schema}.responsibilities r
          where r.agency_code = $1 and exists (select 1 from ${world.schema}.task_outcomes o
                 where o.task_id = r.task_id and o.report_year = 2026)`,
        [OLD],
      );
      expect(named.rows).toEqual([]);
      const focal = await database.pool.query(
        `select count(*)::int as n from ${world.schema}.task_outcomes where report_year = 2026 and reports_to = $1`,
        [OLD],
      );
      expect(focal.rows).toEqual([{ n: 0 }]);
    });

    async function cycleTimers(): Promise<{ timer_id: string; task: unknown }[]> {
      const { rows } = await database.pool.query<{ timer_id: string; task: unknown }>(
        `select timer_id, task from ${world.schema}.deadline_timers
          where kind = 'cycle' and fired_at is null order by timer_id`,
      );
      return rows;
    }

    async function openTasksOf(agencyCode: string): Promise<{ taskId: string; role: string }[]> {
      const { rows } = await database.pool.query<{ task_id: string; role: string }>(
        `select task_id, role from ${world.schema}.responsibilities where agency_code = $1 and task_status = 'open' order by task_id`,
        [agencyCode],
      );
      return rows.map((r) => ({ taskId: r.task_id, role: r.role }));
    }

    async function closedHistory() {
      const { rows } = await database.pool.query(
        `select r.task_id, r.role, r.assignment_status, t.entries from ${world.schema}.responsibilities r
         left join lateral (select count(*)::int as entries from ${world.schema}.task_trail e where e.task_id = r.task_id) t on true
        where r.agency_code = $1 and r.task_status <> 'open' order by r.task_id`,
        [OLD],
      );
      return rows;
    }

    async function append(
      stream: string,
      events: readonly { type: string; data: unknown }[],
      occurredAt: string,
    ) {
      await world.store.append(
        stream,
        events.map((e) => ({
          id: randomUUID(),
          type: e.type,
          data: e.data,
          metadata: { actor: lcIssuer, occurredAt },
        })),
      );
    }

    function command(type: string, data: Record<string, unknown>, actor: object, now: string): TaskCommand {
      return { type, data, metadata: { actor, now } } as unknown as TaskCommand;
    }
  },
);
