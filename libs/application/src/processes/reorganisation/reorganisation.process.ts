import {
  agencyCreated,
  draftReorganisation,
  successionsOf,
  withDecisions,
  type DirectoryEvent,
  type OpenTask,
  type PendingCycle,
  type ReorganisationDecisions,
  type ReorganisationDraft,
  type ReorganisationScenario,
} from '#libs/agencies';
import {
  planDecider,
  planStreamId,
  type PlanEvent,
  type PlanPassedToSuccessor,
  type PlanState,
  type ReportingCycleReassigned,
} from '#libs/plans';
import type { Actor } from '#libs/shared-kernel';
import { foldStoredTaskEvents, taskStreamId, type Task, type TaskEvent } from '#libs/tasks';
import { isAppendConflict, type CommandEventStore } from '../../ports/event-store.port.js';
import type { ReorganisationReads } from '../../ports/reorganisation-reads.port.js';
import type { Clock, IdGenerator } from '../../ports/system.port.js';
import type { DirectoryAdministration } from '../directory/directory.process.js';
import { ApplicationError } from '../../errors.js';

export interface ReorganisationOptions {
  readonly store: CommandEventStore;
  readonly reads: ReorganisationReads;
  readonly directory: DirectoryAdministration;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** Task streams read or written at a time (appends meanwhile are written together: ADR 0004). */
  readonly concurrency?: number;
}

export interface ReorganisationResult {
  readonly reorganisationId: string;
  readonly responsibilitiesMoved: number;
  readonly handoffsRedirected: number;
  readonly plansPassed: number;
  /** Report tasks' responsibilities moved in yearly cycles not opened yet (ReportingCycleReassigned). */
  readonly cycleResponsibilitiesMoved: number;
  readonly agenciesSucceeded: number;
  /** Duties left where they are for a person to reassign (listed in the draft). */
  readonly leftForAPerson: number;
  /** Responsibilities found already moved (a confirmation run again after an interruption). */
  readonly alreadyMoved: number;
}

/**
 * Applying a reorganisation (ADR 0032), like plan intake a reviewed step: draft() shows every open
 * duty, report, pending handoff, timer and plan that will move, to whom and why, and what a person
 * must decide; confirm() records it: one TaskReassigned per moved responsibility (its reason is the
 * trail's "responsibility passed to X by decision N, effective D", its occurredAt the effective
 * date), handoffs to a body that ceased to exist superseded and offered to its successor, plans of
 * a dissolved committee passed on, the report tasks of yearly cycles not opened yet routed to the
 * successors (ReportingCycleReassigned in the plan's stream), and last the directory's AgencySucceeded events, which make
 * the old bodies read-only. Closed assignments and past events stay with the old body.
 */
export class Reorganisations {
  private readonly concurrency: number;

  constructor(private readonly options: ReorganisationOptions) {
    this.concurrency = options.concurrency ?? 64;
  }

  async draft(
    scenario: ReorganisationScenario,
    decisions: ReorganisationDecisions = {},
  ): Promise<ReorganisationDraft> {
    return (await this.prepare(scenario, decisions)).draft;
  }

  async confirm(
    scenario: ReorganisationScenario,
    decisions: ReorganisationDecisions,
    actor: Actor,
  ): Promise<ReorganisationResult> {
    const { draft, tasks, loaded } = await this.prepare(scenario, decisions);
    const now = this.options.clock.now();
    for (const s of draft.successions) {
      if (Date.parse(vietnamMidnight(s.effectiveDate)) > Date.parse(now)) {
        throw new ApplicationError(
          'validation',
          `${s.code}: the reorganisation takes effect on ${s.effectiveDate}; confirm it from that day`,
          {
            errors: [{ pointer: '/effectiveDate', detail: `is after today (${now})` }],
          },
        );
      }
    }

    let moved = 0;
    let alreadyMoved = 0;
    let redirected = 0;
    const byTask = new Map<string, { moves: typeof draft.moves; handoffs: typeof draft.handoffs }>();
    for (const move of draft.moves)
      entry(byTask, move.taskId).moves = [...entry(byTask, move.taskId).moves, move];
    for (const h of draft.handoffs)
      entry(byTask, h.taskId).handoffs = [...entry(byTask, h.taskId).handoffs, h];

    await inBatches([...byTask.entries()], this.concurrency, async ([taskId, work]) => {
      const task = tasks.get(taskId);
      if (!task) return;
      const events: { event: TaskEvent; occurredAt: string }[] = [];
      const pending = new Set(
        task.state.handoffs.filter((h) => h.status === 'pending').map((h) => h.handoffId),
      );
      const holders = new Set(task.state.assignees.map((a) => a.agencyCode));
      for (const move of work.moves) {
        const assignee = task.state.assignees.find((a) => a.agencyCode === move.fromAgency);
        if (!assignee) {
          if (holders.has(move.toAgency)) alreadyMoved++;
          continue;
        }
        const at = effectiveInstant(move.effectiveDate, task.state.assignedAt);
        // Handoffs the old body offered become moot, as in a reassignment.
        for (const h of task.state.handoffs) {
          if (
            h.status === 'pending' &&
            pending.has(h.handoffId) &&
            (h.fromAgency === move.fromAgency || h.toAgency === move.toAgency)
          ) {
            pending.delete(h.handoffId);
            events.push({
              event: {
                type: 'HandoffSuperseded',
                data: {
                  taskId,
                  planId: task.state.planId,
                  handoffId: h.handoffId,
                  fromAgency: h.fromAgency,
                  toAgency: h.toAgency,
                  role: h.role,
                  reason: move.reason,
                },
              },
              occurredAt: at,
            });
          }
        }
        events.push({
          event: {
            type: 'TaskReassigned',
            data: {
              taskId,
              planId: task.state.planId,
              fromAgency: move.fromAgency,
              toAgency: move.toAgency,
              role: assignee.role,
              reason: move.reason,
              byAgency: task.state.issuerAgencyCode,
            },
          },
          occurredAt: at,
        });
        moved++;
      }
      for (const h of work.handoffs) {
        if (!pending.has(h.handoffId)) continue;
        pending.delete(h.handoffId);
        const succession = draft.successions.find((s) => s.code === h.toAgency);
        const at = effectiveInstant(succession?.effectiveDate ?? now.slice(0, 10), task.state.assignedAt);
        events.push({
          event: {
            type: 'HandoffSuperseded',
            data: {
              taskId,
              planId: task.state.planId,
              handoffId: h.handoffId,
              fromAgency: h.fromAgency,
              toAgency: h.toAgency,
              role: h.role,
              reason: h.reason,
            },
          },
          occurredAt: at,
        });
        if (h.redirectedTo !== null) {
          events.push({
            event: {
              type: 'HandoffRequested',
              data: {
                taskId,
                planId: task.state.planId,
                handoffId: `${h.handoffId}-${draft.reorganisationId}`,
                fromAgency: h.fromAgency,
                toAgency: h.redirectedTo,
                role: h.role,
                reason: h.reason,
              },
            },
            occurredAt: at,
          });
          redirected++;
        }
      }
      if (events.length === 0) return;
      await this.append(taskStreamId(taskId), events, task.version, actor);
    });

    // Per plan, one append: its passing to a successor committee, then its cycles' reassignments.
    let plansPassed = 0;
    let cycleMoved = 0;
    const byPlan = new Map<
      string,
      { transfer?: (typeof draft.plans)[number]; cycles: typeof draft.cycles }
    >();
    const planEntry = (planId: string) => {
      let value = byPlan.get(planId);
      if (!value) byPlan.set(planId, (value = { cycles: [] }));
      return value;
    };
    for (const plan of draft.plans) planEntry(plan.planId).transfer = plan;
    for (const move of draft.cycles) planEntry(move.planId).cycles = [...planEntry(move.planId).cycles, move];
    await inBatches([...byPlan.entries()], this.concurrency, async ([planId, work]) => {
      const stream = planStreamId(planId);
      const stored = await this.options.store.readStream(stream, 1);
      let state = foldPlan(stored);
      if (state.status !== 'issued') return;
      const events: { event: PlanEvent; occurredAt: string }[] = [];
      const plan = work.transfer;
      if (plan && state.issuerAgencyCode !== plan.toIssuer) {
        const event: PlanPassedToSuccessor = {
          type: 'PlanPassedToSuccessor',
          data: {
            planId,
            fromIssuer: plan.fromIssuer,
            toIssuer: plan.toIssuer,
            effectiveDate: plan.effectiveDate,
            reason: plan.reason,
            reorganisationId: draft.reorganisationId,
          },
        };
        events.push({ event, occurredAt: effectiveInstant(plan.effectiveDate, null) });
        state = planDecider.evolve(state, event);
        plansPassed++;
      }
      for (const move of work.cycles) {
        // Already moved (a confirmation run again): the cycle no longer names the old body there.
        if (!cycleStillNames(state, move)) continue;
        const event: ReportingCycleReassigned = {
          type: 'ReportingCycleReassigned',
          data: {
            planId,
            year: move.year,
            taskId: move.taskId,
            responsibility: move.responsibility,
            fromAgency: move.fromAgency,
            toAgency: move.toAgency,
            issuerAgencyCode: state.status === 'issued' ? state.issuerAgencyCode : '',
            effectiveDate: move.effectiveDate,
            reason: move.reason,
            reorganisationId: draft.reorganisationId,
          },
        };
        events.push({ event, occurredAt: effectiveInstant(move.effectiveDate, null) });
        state = planDecider.evolve(state, event);
        cycleMoved++;
      }
      if (events.length === 0) return;
      await this.append(stream, events, stored.length, actor);
    });

    // Last: the directory. Until this append the old bodies still act, so a confirmation cut
    // short is finished by running it again (moved responsibilities are recognised and skipped).
    const directoryEvents: DirectoryEvent[] = [
      ...draft.newAgencies.map(agencyCreated),
      ...draft.successions.map((s): DirectoryEvent => ({
        type: 'AgencySucceeded',
        data: {
          code: s.code,
          kind: s.kind,
          successors: s.successors,
          effectiveDate: s.effectiveDate,
          basis: s.basis,
          reorganisationId: draft.reorganisationId,
        },
      })),
    ];
    await this.options.directory.record(loaded, directoryEvents, actor);

    return {
      reorganisationId: draft.reorganisationId,
      responsibilitiesMoved: moved,
      handoffsRedirected: redirected,
      plansPassed,
      cycleResponsibilitiesMoved: cycleMoved,
      agenciesSucceeded: draft.successions.length,
      leftForAPerson: draft.needsDecision.length,
      alreadyMoved,
    };
  }

  private async prepare(scenario: ReorganisationScenario, decisions: ReorganisationDecisions) {
    const loaded = await this.options.directory.load();
    const successions = successionsOf(scenario, loaded.directory);
    const oldCodes = successions.map((s) => s.code);
    const [taskIds, plans, cycleRefs] = await Promise.all([
      this.options.reads.openTaskIdsConcerning(oldCodes),
      this.options.reads.plansIssuedBy(oldCodes),
      this.options.reads.pendingCyclesConcerning(oldCodes),
    ]);
    const tasks = new Map<string, { state: Task; version: number }>();
    await inBatches([...taskIds], this.concurrency, async (taskId) => {
      const stored = await this.options.store.readStream(taskStreamId(taskId), 1);
      const state = foldStoredTaskEvents(stored);
      if (state.status === 'open') tasks.set(taskId, { state, version: stored.at(-1)?.streamVersion ?? 0 });
    });
    const openTasks = [...tasks.values()]
      .map(({ state }) => openTaskOf(state))
      .sort((a, b) => a.planId.localeCompare(b.planId) || a.taskId.localeCompare(b.taskId));
    const pendingCycles = await this.pendingCycles(cycleRefs);
    const openPlanIds = new Set(openTasks.map((t) => t.planId));
    const world = {
      directory: loaded.directory,
      openTasks,
      // A plan whose later cycles are still to open passes on too: its committee opens them.
      openPlans: plans.filter(
        (p) => openPlanIds.has(p.planId) || pendingCycles.some((c) => c.planId === p.planId),
      ),
      pendingCycles,
    };
    const draft = withDecisions(
      draftReorganisation(scenario, world),
      decisions,
      openTasks,
      loaded.directory,
      pendingCycles,
    );
    return { draft, tasks, loaded };
  }

  /** The cycles found, as the plan streams record them now (earlier reassignments folded in). */
  private async pendingCycles(
    refs: readonly { readonly planId: string; readonly year: number }[],
  ): Promise<PendingCycle[]> {
    const years = new Map<string, Set<number>>();
    for (const { planId, year } of refs) years.set(planId, (years.get(planId) ?? new Set()).add(year));
    const found: PendingCycle[] = [];
    await inBatches([...years.entries()], this.concurrency, async ([planId, wanted]) => {
      const state = foldPlan(await this.options.store.readStream(planStreamId(planId), 1));
      if (state.status !== 'issued') return;
      for (const cycle of state.reporting?.cycles ?? []) {
        if (!wanted.has(cycle.year) || cycle.openedWithPlan) continue;
        found.push({
          planId,
          year: cycle.year,
          opensAt: cycle.opensAt,
          tasks: cycle.tasks.map((task) => ({
            taskId: task.taskId,
            title: task.title,
            duty: task.duty,
            dueDate: task.dueDate,
            assignees: task.assignees,
            reportsTo: task.reportsTo ?? null,
          })),
        });
      }
    });
    return found.sort((a, b) => a.planId.localeCompare(b.planId) || a.year - b.year);
  }

  private async append(
    streamId: string,
    events: readonly { event: { type: string; data: unknown }; occurredAt: string }[],
    expectedVersion: number,
    actor: Actor,
  ): Promise<void> {
    try {
      await this.options.store.append(
        streamId,
        events.map(({ event, occurredAt }) => ({
          id: this.options.ids.newId(),
          type: event.type,
          data: event.data,
          metadata: { actor, occurredAt },
        })),
        expectedVersion,
      );
    } catch (error) {
      if (isAppendConflict(error)) {
        throw new ApplicationError(
          'concurrency-conflict',
          `${streamId} changed while the reorganisation was applied: run the confirmation again (what moved stays moved)`,
        );
      }
      throw error;
    }
  }
}

function entry<V extends { moves: readonly unknown[]; handoffs: readonly unknown[] }>(
  map: Map<string, V>,
  key: string,
): V {
  let value = map.get(key);
  if (!value) {
    value = { moves: [], handoffs: [] } as unknown as V;
    map.set(key, value);
  }
  return value;
}

/** When a responsibility passed: the start of the effective date in Vietnam, never before the task was assigned. */
function effectiveInstant(effectiveDate: string, assignedAt: string | null): string {
  const start = vietnamMidnight(effectiveDate);
  return assignedAt !== null && Date.parse(assignedAt) > Date.parse(start) ? assignedAt : start;
}

/** 00:00 of a date in Asia/Ho_Chi_Minh (UTC+7 all year), as an ISO instant. */
function vietnamMidnight(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00+07:00`)).toISOString();
}

function foldPlan(stored: readonly { type: string; data: unknown }[]): PlanState {
  return stored.reduce(
    (state, e) => planDecider.evolve(state, { type: e.type, data: e.data } as PlanEvent),
    planDecider.initialState(),
  );
}

/** The cycle's task still names the old body where the move takes it from. */
function cycleStillNames(
  state: PlanState,
  move: { year: number; taskId: string; responsibility: 'assignee' | 'reportsTo'; fromAgency: string },
): boolean {
  if (state.status !== 'issued') return false;
  const task = state.reporting?.cycles
    .find((c) => c.year === move.year)
    ?.tasks.find((t) => t.taskId === move.taskId);
  if (!task) return false;
  return move.responsibility === 'reportsTo'
    ? task.reportsTo === move.fromAgency
    : task.assignees.some((a) => a.agencyCode === move.fromAgency);
}

function openTaskOf(task: Task): OpenTask {
  return {
    taskId: task.taskId,
    planId: task.planId,
    title: task.title,
    duty: task.duty,
    kind: task.kind,
    dueDate: task.dueDate,
    issuerAgencyCode: task.issuerAgencyCode,
    assignees: task.assignees.map((a) => ({
      agencyCode: a.agencyCode,
      role: a.role,
      completed: a.status === 'completed',
    })),
    pendingHandoffs: task.handoffs
      .filter((h) => h.status === 'pending')
      .map((h) => ({
        handoffId: h.handoffId,
        fromAgency: h.fromAgency,
        toAgency: h.toAgency,
        role: h.role,
        reason: h.reason,
      })),
  };
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
