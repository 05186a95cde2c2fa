import { DecisionError, foldForSearch, inputChecks, type DecisionErrorKind } from '#libs/shared-kernel';
import type { LegalBasis, SuccessorForFunction } from '../directory-events/directory.events.js';
import { AGENCY_CODE_PATTERN, type Agency } from '../types.js';
import type {
  CycleMove,
  HandoffRedirect,
  OpenPlan,
  OpenTask,
  PendingCycle,
  PendingDecision,
  PlanTransfer,
  ReorganisationChange,
  ReorganisationDraft,
  ReorganisationScenario,
  ResponsibilityMove,
  Succession,
  TimerMove,
} from './reorganisation.types.js';

/**
 * The reorganisation decider (ADR 0032): from a scenario and the open work of the bodies it
 * touches, the draft a person reviews. Pure: the caller reads the directory, the open tasks and
 * the plans, and passes them in. Every responsibility that moves is routed by the function its
 * duty belongs to; where that cannot be told from the text, the draft lists the duty for a person
 * instead of guessing. A successor that already holds an assignment on the task takes the old
 * body's into its own, with the stronger role (`merges`).
 */

export const reorganisationErrorKinds = {
  /** The scenario is malformed or names bodies the directory does not know; `details.pointer` says where. */
  validation: 'invalid',
  /** The body already ceased to exist (the scenario was applied). */
  'reorganisation.already-applied': 'conflict',
} as const satisfies Record<string, DecisionErrorKind>;

export type ReorganisationErrorCode = keyof typeof reorganisationErrorKinds;

export class ReorganisationError extends DecisionError<ReorganisationErrorCode> {
  override readonly name = 'ReorganisationError';
  constructor(
    code: ReorganisationErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(reorganisationErrorKinds, code, message, details);
  }
}

/** What the decider needs to know of the directory. */
export interface DirectoryView {
  get(code: string): Agency | undefined;
  /** Undefined while the body exists. */
  successionOf(code: string): { readonly reorganisationId: string } | undefined;
}

export interface ReorganisationWorld {
  readonly directory: DirectoryView;
  /** Open tasks on which an old body holds an assignment or is offered a handoff. */
  readonly openTasks: readonly OpenTask[];
  /** Plans issued by an old body that still have open tasks. */
  readonly openPlans: readonly OpenPlan[];
  /** Reporting cycles not opened yet whose report tasks name an old body. */
  readonly pendingCycles?: readonly PendingCycle[];
}

function invalid(pointer: string, message: string): never {
  throw new ReorganisationError('validation', `${pointer}: ${message}`, { pointer });
}

const { requiredText, requiredDate } = inputChecks(invalid);

/** The successions a scenario states, checked against the directory. */
export function successionsOf(scenario: ReorganisationScenario, directory: DirectoryView): Succession[] {
  if (typeof scenario.id !== 'string' || !AGENCY_CODE_PATTERN.test(scenario.id)) {
    invalid('/id', 'must be lowercase ASCII words joined by hyphens');
  }
  requiredText(scenario.title, '/title');
  const effectiveDate = requiredDate(scenario.effectiveDate, '/effectiveDate');
  const basis = legalBasis(scenario.basis, '/basis');
  const functions = scenario.functions ?? {};
  for (const [name, fn] of Object.entries(functions)) {
    if (!AGENCY_CODE_PATTERN.test(name)) invalid(`/functions/${name}`, 'a function is named by a code');
    if (!Array.isArray(fn.keywords) || fn.keywords.length === 0)
      invalid(`/functions/${name}/keywords`, 'must list at least one keyword');
  }
  const created = new Set((scenario.agencies ?? []).map((a) => a.code));
  const known = (code: unknown, pointer: string): string => {
    if (typeof code !== 'string' || !(created.has(code) || directory.get(code) !== undefined)) {
      invalid(pointer, `"${String(code)}" is not an agency of the directory nor one the scenario creates`);
    }
    return code;
  };
  const existing = (code: unknown, pointer: string): string => {
    if (typeof code !== 'string' || directory.get(code) === undefined) {
      invalid(pointer, `"${String(code)}" is not an agency of the directory`);
    }
    const ended = directory.successionOf(code);
    if (ended) {
      throw new ReorganisationError(
        'reorganisation.already-applied',
        `${code} already ceased to exist (reorganisation ${ended.reorganisationId})`,
        { pointer, reorganisationId: ended.reorganisationId },
      );
    }
    return code;
  };
  const successorList = (list: unknown, pointer: string): SuccessorForFunction[] => {
    if (!Array.isArray(list) || list.length === 0) invalid(pointer, 'must name at least one successor');
    return (list as SuccessorForFunction[]).map((s, i) => {
      const fn = s.function ?? null;
      if (fn !== null && !(fn in functions))
        invalid(`${pointer}/${i}/function`, `"${fn}" is not a function of /functions`);
      return { function: fn, agencyCode: known(s.agencyCode, `${pointer}/${i}/agencyCode`) };
    });
  };

  if (!Array.isArray(scenario.changes) || scenario.changes.length === 0)
    invalid('/changes', 'must list a change');
  const successions: Succession[] = [];
  const seen = new Set<string>();
  scenario.changes.forEach((change: ReorganisationChange, i) => {
    const at = `/changes/${i}`;
    const common = {
      effectiveDate:
        change.effectiveDate === undefined
          ? effectiveDate
          : requiredDate(change.effectiveDate, `${at}/effectiveDate`),
      basis: change.basis === undefined ? basis : legalBasis(change.basis, `${at}/basis`),
    };
    const add = (
      code: string,
      pointer: string,
      succession: Omit<Succession, 'code' | keyof typeof common>,
    ) => {
      if (seen.has(code)) invalid(pointer, `"${code}" is reorganised twice in this scenario`);
      seen.add(code);
      if (succession.successors.some((s) => s.agencyCode === code))
        invalid(pointer, 'a body cannot succeed itself');
      successions.push({ code, ...common, ...succession });
    };
    switch (change.kind) {
      case 'merge': {
        if (!Array.isArray(change.agencies) || change.agencies.length < 2)
          invalid(`${at}/agencies`, 'a merge names at least two bodies');
        const into = known(change.into, `${at}/into`);
        change.agencies.forEach((code, j) => {
          // A body merged "into itself" continues: only the others cease to exist.
          if (code === into) return;
          add(existing(code, `${at}/agencies/${j}`), `${at}/agencies/${j}`, {
            kind: 'merge',
            successors: [{ function: null, agencyCode: into }],
            planSuccessor: null,
          });
        });
        return;
      }
      case 'absorb':
        return add(existing(change.agency, `${at}/agency`), `${at}/agency`, {
          kind: 'absorb',
          successors: [{ function: null, agencyCode: known(change.into, `${at}/into`) }],
          planSuccessor: null,
        });
      case 'split':
      case 'dissolve': {
        const successors = successorList(change.successors, `${at}/successors`);
        if (change.kind === 'split' && new Set(successors.map((s) => s.agencyCode)).size < 2)
          invalid(`${at}/successors`, 'a split names at least two successors');
        return add(existing(change.agency, `${at}/agency`), `${at}/agency`, {
          kind: change.kind,
          successors,
          planSuccessor: null,
        });
      }
      case 'issuer-dissolved': {
        const successor = known(change.successor, `${at}/successor`);
        return add(existing(change.agency, `${at}/agency`), `${at}/agency`, {
          kind: 'issuer-dissolved',
          successors: [{ function: null, agencyCode: successor }],
          planSuccessor: successor,
        });
      }
      default:
        invalid(`${at}/kind`, "must be 'merge', 'absorb', 'split', 'dissolve' or 'issuer-dissolved'");
    }
  });
  for (const s of successions) {
    for (const [j, succ] of s.successors.entries()) {
      if (seen.has(succ.agencyCode))
        invalid(
          `/changes`,
          `${s.code}'s successor ${succ.agencyCode} (${j}) itself ceases to exist in this scenario`,
        );
    }
  }
  return successions;
}

/** The draft: every responsibility, handoff, timer and plan that moves, and what needs a person. */
export function draftReorganisation(
  scenario: ReorganisationScenario,
  world: ReorganisationWorld,
): ReorganisationDraft {
  const successions = successionsOf(scenario, world.directory);
  const byCode = new Map(successions.map((s) => [s.code, s]));
  const keywords = Object.entries(scenario.functions ?? {}).map(
    ([name, fn]) => [name, fn.keywords.map((k) => ` ${searchWords(k)} `)] as const,
  );
  const nameOf = (code: string): string =>
    world.directory.get(code)?.name ?? scenario.agencies?.find((a) => a.code === code)?.name ?? code;

  const moves: ResponsibilityMove[] = [];
  const handoffs: HandoffRedirect[] = [];
  const timers: TimerMove[] = [];
  const needsDecision: PendingDecision[] = [];

  for (const task of world.openTasks) {
    const text = ` ${searchWords(`${task.title} ${task.duty}`)} `;
    const holders = new Set(task.assignees.map((a) => a.agencyCode));
    for (const assignee of task.assignees) {
      const succession = byCode.get(assignee.agencyCode);
      if (!succession || assignee.completed) continue;
      const route = routeDuty(succession, text, keywords);
      const base = {
        taskId: task.taskId,
        planId: task.planId,
        title: task.title,
        fromAgency: assignee.agencyCode,
        role: assignee.role,
      };
      if (route.kind === 'person') {
        needsDecision.push({
          ...base,
          candidates: route.candidates,
          why: route.why,
          explanation: route.explanation,
        });
        continue;
      }
      const merges = holders.has(route.agencyCode);
      holders.add(route.agencyCode);
      moves.push(moveOf(task, assignee, route.agencyCode, route.function, succession, nameOf, false, merges));
      timers.push({
        taskId: task.taskId,
        dueDate: task.dueDate,
        fromAgency: assignee.agencyCode,
        toAgency: route.agencyCode,
      });
    }
    for (const handoff of task.pendingHandoffs) {
      const succession = byCode.get(handoff.toAgency);
      if (!succession || byCode.has(handoff.fromAgency)) continue;
      const route = routeDuty(succession, `${text}${searchWords(handoff.reason)} `, keywords);
      // A successor that already holds an assignment needs no handoff: its own assignment stands.
      const target = route.kind === 'agency' && !holders.has(route.agencyCode) ? route.agencyCode : null;
      handoffs.push({
        taskId: task.taskId,
        planId: task.planId,
        handoffId: handoff.handoffId,
        fromAgency: handoff.fromAgency,
        toAgency: handoff.toAgency,
        role: handoff.role,
        redirectedTo: target,
        reason:
          `${nameOf(handoff.toAgency)} ceases to exist by ${succession.basis.number} of ${succession.basis.date}, effective ${succession.effectiveDate}` +
          (target
            ? `: the handoff is offered to ${nameOf(target)}`
            : ': no successor can take the handoff; decide by hand'),
      });
    }
  }

  // Cycles not opened yet: each report task an old body owes, routed by the task's own words
  // exactly as an open task's. The parties' reports that go to an old body as the focal agency
  // follow its own report in the cycle (the consolidation they feed): one routing, or one
  // decision, for them all; only a focal agency without a report of its own is routed by them.
  const cycles: CycleMove[] = [];
  for (const cycle of world.pendingCycles ?? []) {
    const owesInCycle = new Set(cycle.tasks.flatMap((t) => t.assignees.map((a) => a.agencyCode)));
    for (const task of cycle.tasks) {
      const text = ` ${searchWords(`${task.title} ${task.duty}`)} `;
      const parts = [
        ...task.assignees.map((a) => ({
          agencyCode: a.agencyCode,
          role: a.role,
          responsibility: 'assignee' as const,
        })),
        ...(task.reportsTo === null || owesInCycle.has(task.reportsTo)
          ? []
          : [{ agencyCode: task.reportsTo, role: null, responsibility: 'reportsTo' as const }]),
      ];
      for (const part of parts) {
        const succession = byCode.get(part.agencyCode);
        if (!succession) continue;
        const route = routeDuty(succession, text, keywords);
        if (route.kind === 'person') {
          needsDecision.push({
            taskId: task.taskId,
            planId: cycle.planId,
            title: task.title,
            fromAgency: part.agencyCode,
            role: part.role,
            cycle: { year: cycle.year, responsibility: part.responsibility },
            candidates: route.candidates,
            why: route.why,
            explanation: route.explanation,
          });
          continue;
        }
        cycles.push(
          cycleMoveOf(cycle, task, part, route.agencyCode, route.function, succession, nameOf, false),
        );
      }
    }
    cycles.push(...focalFollowers(cycle, cycles, byCode, nameOf));
  }

  const plans: PlanTransfer[] = world.openPlans.flatMap((plan) => {
    const succession = byCode.get(plan.issuerAgencyCode);
    if (!succession?.planSuccessor) return [];
    return [
      {
        planId: plan.planId,
        title: plan.title,
        fromIssuer: plan.issuerAgencyCode,
        toIssuer: succession.planSuccessor,
        effectiveDate: succession.effectiveDate,
        basis: succession.basis,
        reason: passedText(nameOf(succession.planSuccessor), succession),
      },
    ];
  });

  const newAgencies = (scenario.agencies ?? []).filter((a) => world.directory.get(a.code) === undefined);
  return {
    reorganisationId: scenario.id,
    title: scenario.title,
    successions,
    newAgencies,
    moves,
    handoffs,
    timers,
    plans,
    cycles,
    needsDecision,
    summary: {
      duties: moves.filter((m) => m.taskKind === 'duty').length,
      reports: moves.filter((m) => m.taskKind === 'report').length,
      cycleReports: new Set(cycles.map((c) => c.taskId)).size,
      handoffs: handoffs.length,
      timers: timers.length,
      plans: plans.length,
      needsDecision: needsDecision.length,
    },
  };
}

/**
 * The draft with a person's choices applied: each pending duty they decided becomes a move to the
 * successor they chose (one of its candidates); the others stay pending.
 */
export function withDecisions(
  draft: ReorganisationDraft,
  decisions: Readonly<Record<string, string>>,
  openTasks: readonly OpenTask[],
  directory: DirectoryView,
  pendingCycles: readonly PendingCycle[] = [],
): ReorganisationDraft {
  const known = new Set(draft.needsDecision.map((d) => `${d.taskId}/${d.fromAgency}`));
  for (const key of Object.keys(decisions)) {
    if (!known.has(key)) invalid(`/decisions/${key}`, 'is not a duty the draft leaves to a person');
  }
  const tasks = new Map(openTasks.map((t) => [t.taskId, t]));
  const successions = new Map(draft.successions.map((s) => [s.code, s]));
  const nameOf = (code: string) =>
    directory.get(code)?.name ?? draft.newAgencies.find((a) => a.code === code)?.name ?? code;
  const cycleTasks = new Map(
    pendingCycles.flatMap((cycle) => cycle.tasks.map((task) => [task.taskId, { cycle, task }] as const)),
  );
  const moves = [...draft.moves];
  const timers = [...draft.timers];
  const cycles = [...draft.cycles];
  const decidedCycles = new Set<PendingCycle>();
  const pending: PendingDecision[] = [];
  for (const item of draft.needsDecision) {
    const key = `${item.taskId}/${item.fromAgency}`;
    const choice = decisions[key];
    const task = tasks.get(item.taskId);
    const succession = successions.get(item.fromAgency);
    if (choice !== undefined && !item.candidates.includes(choice)) {
      invalid(
        `/decisions/${key}`,
        `must be one of ${item.candidates.join(', ') || '(none): decide by hand'}`,
      );
    }
    if (item.cycle !== undefined) {
      const found = cycleTasks.get(item.taskId);
      if (choice === undefined || !found || !succession) {
        pending.push(item);
        continue;
      }
      const fn = succession.successors.find((s) => s.agencyCode === choice)?.function ?? null;
      const part = {
        agencyCode: item.fromAgency,
        role: item.role,
        responsibility: item.cycle.responsibility,
      };
      cycles.push(cycleMoveOf(found.cycle, found.task, part, choice, fn, succession, nameOf, true));
      decidedCycles.add(found.cycle);
      continue;
    }
    if (choice === undefined || !task || !succession) {
      pending.push(item);
      continue;
    }
    const holders = new Set([
      ...task.assignees.map((a) => a.agencyCode),
      ...moves.filter((m) => m.taskId === item.taskId).map((m) => m.toAgency),
    ]);
    const assignee = task.assignees.find((a) => a.agencyCode === item.fromAgency);
    if (!assignee) continue;
    const fn = succession.successors.find((s) => s.agencyCode === choice)?.function ?? null;
    moves.push(moveOf(task, assignee, choice, fn, succession, nameOf, true, holders.has(choice)));
    timers.push({
      taskId: task.taskId,
      dueDate: task.dueDate,
      fromAgency: item.fromAgency,
      toAgency: choice,
    });
  }
  for (const cycle of decidedCycles) cycles.push(...focalFollowers(cycle, cycles, successions, nameOf));
  return {
    ...draft,
    moves,
    timers,
    cycles,
    needsDecision: pending,
    summary: {
      ...draft.summary,
      cycleReports: new Set(cycles.map((c) => c.taskId)).size,
      duties: moves.filter((m) => m.taskKind === 'duty').length,
      reports: moves.filter((m) => m.taskKind === 'report').length,
      timers: timers.length,
      needsDecision: pending.length,
    },
  };
}

type Route =
  | { readonly kind: 'agency'; readonly agencyCode: string; readonly function: string | null }
  | {
      readonly kind: 'person';
      readonly candidates: string[];
      readonly why: 'function-unclear' | 'no-successor-for-function';
      readonly explanation: string;
    };

/**
 * Which successor takes a duty: the only one, or the one whose function the duty's words name.
 * A duty that names none of the functions, or several equally, is a person's call; so is a duty
 * whose function has no successor (a dissolve that names successors only for some functions).
 */
function routeDuty(
  succession: Succession,
  text: string,
  keywords: readonly (readonly [string, readonly string[]])[],
): Route {
  const distinct = [...new Set(succession.successors.map((s) => s.agencyCode))];
  const whole = succession.successors.find((s) => s.function === null);
  if (distinct.length === 1 && (whole || succession.kind !== 'dissolve')) {
    return {
      kind: 'agency',
      agencyCode: distinct[0] as string,
      function: succession.successors[0]?.function ?? null,
    };
  }
  const scores = keywords
    .map(([name, words]) => ({ name, score: words.filter((w) => text.includes(w)).length }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const best = scores[0];
  const tie = best !== undefined && scores[1]?.score === best.score;
  if (best === undefined || tie) {
    if (whole) return { kind: 'agency', agencyCode: whole.agencyCode, function: null };
    return {
      kind: 'person',
      candidates: distinct,
      why: 'function-unclear',
      explanation:
        best === undefined
          ? 'the duty names none of the functions'
          : `the duty names ${scores
              .filter((s) => s.score === best.score)
              .map((s) => s.name)
              .join(' and ')} equally`,
    };
  }
  const successor = succession.successors.find((s) => s.function === best.name) ?? whole;
  if (!successor) {
    return {
      kind: 'person',
      candidates: distinct,
      why: 'no-successor-for-function',
      explanation: `the duty belongs to ${best.name}, for which no successor is named`,
    };
  }
  return { kind: 'agency', agencyCode: successor.agencyCode, function: successor.function ?? best.name };
}

function moveOf(
  task: OpenTask,
  assignee: OpenTask['assignees'][number],
  toAgency: string,
  fn: string | null,
  succession: Succession,
  nameOf: (code: string) => string,
  decidedByPerson: boolean,
  merges: boolean,
): ResponsibilityMove {
  return {
    taskId: task.taskId,
    planId: task.planId,
    taskKind: task.kind,
    title: task.title,
    dueDate: task.dueDate,
    role: assignee.role,
    fromAgency: assignee.agencyCode,
    toAgency,
    function: fn,
    effectiveDate: succession.effectiveDate,
    basis: succession.basis,
    reason: passedText(nameOf(toAgency), succession),
    decidedByPerson,
    merges,
  };
}

/**
 * The reports of a cycle that go to an old body as the focal agency, moved to where that body's
 * own report in the cycle went (its consolidation, the one it leads without reporting on). Those
 * already moved, and those whose focal agency's own report is not moved (yet), are left.
 */
function focalFollowers(
  cycle: PendingCycle,
  moves: readonly CycleMove[],
  successions: ReadonlyMap<string, Succession>,
  nameOf: (code: string) => string,
): CycleMove[] {
  const inCycle = moves.filter((m) => m.planId === cycle.planId && m.year === cycle.year);
  const followers: CycleMove[] = [];
  for (const task of cycle.tasks) {
    const focal = task.reportsTo;
    const succession = focal === null ? undefined : successions.get(focal);
    if (focal === null || !succession) continue;
    if (inCycle.some((m) => m.taskId === task.taskId && m.responsibility === 'reportsTo')) continue;
    const own = inCycle
      .filter((m) => m.responsibility === 'assignee' && m.fromAgency === focal)
      .sort((a, b) => consolidationFirst(cycle, a) - consolidationFirst(cycle, b))[0];
    if (!own) continue;
    const part = { agencyCode: focal, role: null, responsibility: 'reportsTo' as const };
    followers.push(
      cycleMoveOf(cycle, task, part, own.toAgency, own.function, succession, nameOf, own.decidedByPerson),
    );
  }
  return followers;
}

/** 0 for the focal agency's consolidation (a report it leads that goes to no one), else 1. */
function consolidationFirst(cycle: PendingCycle, move: CycleMove): number {
  const task = cycle.tasks.find((t) => t.taskId === move.taskId);
  return task?.reportsTo === null && move.role === 'lead' ? 0 : 1;
}

function cycleMoveOf(
  cycle: PendingCycle,
  task: PendingCycle['tasks'][number],
  part: {
    readonly agencyCode: string;
    readonly role: CycleMove['role'];
    readonly responsibility: CycleMove['responsibility'];
  },
  toAgency: string,
  fn: string | null,
  succession: Succession,
  nameOf: (code: string) => string,
  decidedByPerson: boolean,
): CycleMove {
  return {
    planId: cycle.planId,
    year: cycle.year,
    taskId: task.taskId,
    title: task.title,
    dueDate: task.dueDate,
    responsibility: part.responsibility,
    role: part.role,
    fromAgency: part.agencyCode,
    toAgency,
    function: fn,
    effectiveDate: succession.effectiveDate,
    basis: succession.basis,
    reason: passedText(nameOf(toAgency), succession),
    decidedByPerson,
  };
}

/** The trail's words for a responsibility that passed by a reorganisation. */
export function passedText(
  successorName: string,
  succession: Pick<Succession, 'basis' | 'effectiveDate'>,
): string {
  return `responsibility passed to ${successorName} by decision ${succession.basis.number} of ${succession.basis.date}, effective ${succession.effectiveDate}`;
}

function legalBasis(value: unknown, pointer: string): LegalBasis {
  if (typeof value !== 'object' || value === null)
    invalid(pointer, 'must state the decision: number, date, title');
  const v = value as Record<string, unknown>;
  return {
    number: requiredText(v.number, `${pointer}/number`),
    date: requiredDate(v.date, `${pointer}/date`),
    title: requiredText(v.title, `${pointer}/title`),
  };
}

/** Words without diacritics, case or punctuation, one space apart. */
function searchWords(text: string): string {
  return foldForSearch(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
