import {
  DATE_WINDOW,
  indicatorUnits,
  inputChecks,
  issuingAgencyOf,
  type Actor,
  type IndicatorComparator,
  type IndicatorUnit,
  type PlanIndicator,
  vietnamDateAt,
} from '#libs/shared-kernel';

import {
  DEFAULT_DEADLINE_POLICY,
  validDeadlinePolicy,
  type AssignTask,
  type DeadlinePolicy,
} from '#libs/tasks';
import { PlanDecisionError } from './plan.errors.js';

/**
 * The plan decider. A plan (Kế hoạch) is issued once from a reviewed document; its tasks live in
 * their own streams (libs/tasks). Dates are 'YYYY-MM-DD' in Asia/Ho_Chi_Minh, text is NFC, and
 * absent optional values in events are explicit nulls.
 */

export type { ActorRole } from '#libs/shared-kernel';

/** Who issues a plan: the Actor every decider shares. */
export type PlanActor = Actor;

export interface PlanCommandMetadata {
  readonly actor: PlanActor;
  /** When the command was decided, an ISO instant. */
  readonly now: string;
}

/** The years a plan covers: 'năm 2024' is { fromYear: 2024, toYear: 2024 }. */
export interface PlanPeriod {
  readonly fromYear: number;
  readonly toYear: number;
}

/** The document the plan was issued from. */
export interface PlanSource {
  readonly fileName: string | null;
  readonly mediaType: string | null;
}

export interface PlanIssuedData {
  readonly planId: string;
  /** As written, e.g. '1601/KH-UBND'; null when the document leaves it blank ('Số: /KH-UBND'). */
  readonly number: string | null;
  /** The document type abbreviation: 'KH' (Kế hoạch), 'CTr', 'QĐ', ... */
  readonly documentType: string;
  readonly title: string;
  readonly issuerAgencyCode: string;
  /** The area the plan binds, e.g. a province or city code. */
  readonly jurisdiction: string;
  /** Null when the document leaves the date blank ('ngày tháng năm 2024'). */
  readonly issuedOn: string | null;
  readonly period: PlanPeriod;
  /** Hash of the source document's content; issuing the same document again changes nothing. */
  readonly contentHash: string;
  readonly source: PlanSource;
  /** The agency the issuing person acted for. */
  readonly byAgency: string;
  /**
   * What the plan measures, with its targets by year. Plans issued before indicators were kept
   * have none in their event: read them with planIndicatorsOf.
   */
  readonly indicators: readonly PlanIndicator[];
  /**
   * How the plan's deadlines act: reminders before, escalations after (default 7 and 1 days
   * before; 7 days after to the lead, 14 to the committee). Absent in plans issued before it was
   * kept: read it with planDeadlinePolicyOf.
   */
  readonly deadlinePolicy?: DeadlinePolicy;
  /** The plan's yearly reporting duty, by cycle; absent when it has none. */
  readonly reporting?: PlanReporting;
}

/** A report task a cycle opens: an AssignTask of the plan, without what the plan gives. */
export type CycleReportTask = Omit<
  AssignTask['data'],
  'planId' | 'issuerAgencyCode' | 'kind' | 'planIssuedOn' | 'reportYear'
>;

/**
 * One year of the reporting duty ("Định kỳ hàng năm (trước ngày 01/12) báo cáo UBND tỉnh ... qua
 * Sở ..."): each party's report, due to the focal agency first, and the focal agency's
 * consolidated report to the committee, due `consolidationLeadDays` later.
 */
export interface ReportingCycle {
  readonly year: number;
  /** The start of the cycle, an instant: its report tasks are assigned then, not before. */
  readonly opensAt: string;
  /** The cycle had begun when the plan was issued: its tasks were assigned with the plan. */
  readonly openedWithPlan: boolean;
  readonly tasks: readonly CycleReportTask[];
}

export interface PlanReporting {
  /** The agency the parties report to, which consolidates (null: each reports on its own). */
  readonly focalAgencyCode: string | null;
  /** Days from the parties' due date to the consolidated report's. */
  readonly consolidationLeadDays: number;
  readonly cycles: readonly ReportingCycle[];
}

export type IssuePlan = {
  readonly type: 'IssuePlan';
  readonly data: Omit<
    PlanIssuedData,
    'byAgency' | 'source' | 'number' | 'issuedOn' | 'indicators' | 'deadlinePolicy' | 'reporting'
  > & {
    readonly indicators?: readonly PlanIndicator[];
    readonly deadlinePolicy?: unknown;
    readonly reporting?: {
      readonly focalAgencyCode: string | null;
      readonly consolidationLeadDays: number;
      readonly cycles: readonly {
        readonly year: number;
        readonly opensAt: string;
        readonly tasks: readonly CycleReportTask[];
      }[];
    };
    readonly number?: string | null;
    readonly issuedOn?: string | null;
    readonly source?: Partial<PlanSource>;
  };
  readonly metadata: PlanCommandMetadata;
};

export type PlanIssued = { readonly type: 'PlanIssued'; readonly data: PlanIssuedData };

/**
 * The issuing committee ceased to exist in a reorganisation (ADR 0032): the plan is carried on by
 * its successor committee from `effectiveDate`. Recorded by the reorganisation, not by a command.
 */
export type PlanPassedToSuccessor = {
  readonly type: 'PlanPassedToSuccessor';
  readonly data: {
    readonly planId: string;
    readonly fromIssuer: string;
    readonly toIssuer: string;
    readonly effectiveDate: string;
    /** "responsibility passed to X by decision N of D, effective E". */
    readonly reason: string;
    readonly reorganisationId: string;
  };
};

/**
 * A reorganisation (ADR 0032) moved a responsibility in a reporting cycle that had not opened yet
 * (ADR 0028): the report task `taskId` of `year` is owed by `toAgency` instead of `fromAgency`
 * (`responsibility: 'assignee'`), or goes to `toAgency` as the focal agency (`'reportsTo'`). The
 * cycle opens with it so. Recorded by the reorganisation, not by a command.
 */
export type ReportingCycleReassigned = {
  readonly type: 'ReportingCycleReassigned';
  readonly data: {
    readonly planId: string;
    readonly year: number;
    readonly taskId: string;
    readonly responsibility: 'assignee' | 'reportsTo';
    readonly fromAgency: string;
    readonly toAgency: string;
    /** The committee carrying the plan when it was recorded (it opens the cycle). */
    readonly issuerAgencyCode: string;
    readonly effectiveDate: string;
    /** "responsibility passed to X by decision N of D, effective E". */
    readonly reason: string;
    readonly reorganisationId: string;
  };
};

/**
 * The signed copy of a plan arrived: its issuer records the number and the signing date the
 * document it was issued from left blank ("Số: /KH-UBND", "ngày tháng năm 2024").
 */
export type RegisterPlan = {
  readonly type: 'RegisterPlan';
  readonly data: { readonly planId: string; readonly number: unknown; readonly issuedOn: unknown };
  readonly metadata: PlanCommandMetadata;
};

/**
 * A plan's number and signing date as its signed copy gives them. Recorded once: the same values
 * again change nothing, other values are refused (`plan.already-registered`).
 */
export type PlanRegistered = {
  readonly type: 'PlanRegistered';
  readonly data: {
    readonly planId: string;
    /** As written on the signed copy, e.g. '1601/KH-UBND' (NFC). */
    readonly number: string;
    /** 'YYYY-MM-DD' (Asia/Ho_Chi_Minh), the signing date. */
    readonly issuedOn: string;
    /** The committee that recorded it. */
    readonly issuerAgencyCode: string;
    readonly byAgency: string;
  };
};

export type PlanCommand = IssuePlan | RegisterPlan;
export type PlanEvent = PlanIssued | PlanPassedToSuccessor | ReportingCycleReassigned | PlanRegistered;
export type PlanEventType = PlanEvent['type'];
export const planEventTypes = [
  'PlanIssued',
  'PlanPassedToSuccessor',
  'ReportingCycleReassigned',
  'PlanRegistered',
] as const satisfies readonly PlanEventType[];

export type PlanState = { readonly status: 'none' } | ({ readonly status: 'issued' } & PlanIssuedData);

export const initialState = (): PlanState => ({ status: 'none' });

export const planStreamId = (planId: string): string => `plan-${planId}`;

export function decide(command: IssuePlan, state: PlanState): PlanIssued[];
export function decide(command: RegisterPlan, state: PlanState): PlanRegistered[];
export function decide(command: PlanCommand, state: PlanState): (PlanIssued | PlanRegistered)[];
export function decide(command: PlanCommand, state: PlanState): (PlanIssued | PlanRegistered)[] {
  switch (command.type) {
    case 'IssuePlan':
      return issuePlan(command, state);
    case 'RegisterPlan':
      return registerPlan(command, state);
    default: {
      const _exhaustive: never = command;
      throw new PlanDecisionError(
        'validation',
        `Unknown command ${String((_exhaustive as PlanCommand).type)}`,
      );
    }
  }
}

export function evolve(state: PlanState, event: PlanEvent): PlanState {
  switch (event.type) {
    case 'PlanIssued':
      return state.status === 'none'
        ? { status: 'issued', ...event.data, indicators: planIndicatorsOf(event.data) }
        : state;
    case 'PlanPassedToSuccessor':
      return state.status === 'issued' ? { ...state, issuerAgencyCode: event.data.toIssuer } : state;
    case 'PlanRegistered':
      return state.status === 'issued'
        ? { ...state, number: event.data.number, issuedOn: event.data.issuedOn }
        : state;
    case 'ReportingCycleReassigned': {
      if (state.status !== 'issued' || !state.reporting) return state;
      const { year } = event.data;
      const cycles = state.reporting.cycles.map((cycle) =>
        cycle.year === year ? { ...cycle, tasks: reassignedCycleTasks(cycle.tasks, event.data) } : cycle,
      );
      return { ...state, reporting: { ...state.reporting, cycles } };
    }
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
}

/**
 * A cycle's report tasks after a ReportingCycleReassigned: the plan state and the cycle's timer
 * (libs/projections deadline-timers) both fold it with this. An assignee's place goes to the
 * successor, which, if it already held one on the task, keeps one assignment with the stronger
 * role. A report whose focal agency passes to the agency that owes it has no one to go to but
 * the committee: its `reportsTo` is dropped (the task decider refuses a report to oneself).
 */
export function reassignedCycleTasks(
  tasks: readonly CycleReportTask[],
  change: Pick<ReportingCycleReassigned['data'], 'taskId' | 'responsibility' | 'fromAgency' | 'toAgency'>,
): CycleReportTask[] {
  return tasks.map((task) => {
    if (task.taskId !== change.taskId) return task;
    if (change.responsibility === 'reportsTo') {
      if (task.reportsTo !== change.fromAgency) return task;
      const { reportsTo: _focal, ...rest } = task;
      return task.assignees.some((a) => a.agencyCode === change.toAgency)
        ? rest
        : { ...rest, reportsTo: change.toAgency };
    }
    const from = task.assignees.find((a) => a.agencyCode === change.fromAgency);
    if (!from) return task;
    const held = task.assignees.find((a) => a.agencyCode === change.toAgency);
    const role = held && ROLE_STRENGTH[held.role] >= ROLE_STRENGTH[from.role] ? held.role : from.role;
    const assignees = task.assignees.flatMap((a) => {
      if (a.agencyCode === change.fromAgency) return held ? [] : [{ ...a, agencyCode: change.toAgency }];
      return a.agencyCode === change.toAgency ? [{ ...a, role }] : [a];
    });
    const { reportsTo, ...rest } = task;
    return reportsTo === change.toAgency ? { ...rest, assignees } : { ...task, assignees };
  });
}

const ROLE_STRENGTH = { lead: 3, support: 2, requested: 1 } as const;

function issuePlan({ data, metadata }: IssuePlan, state: PlanState): PlanIssued[] {
  if (!metadata.actor.roles.includes('issuer')) {
    throw new PlanDecisionError('plan.forbidden', 'Only an issuer may issue a plan');
  }
  const issued: PlanIssuedData = {
    planId: id(data.planId, 'planId'),
    number: optionalText(data.number, 'number'),
    documentType: text(data.documentType, 'documentType'),
    title: text(data.title, 'title'),
    issuerAgencyCode: id(data.issuerAgencyCode, 'issuerAgencyCode'),
    jurisdiction: text(data.jurisdiction, 'jurisdiction'),
    issuedOn:
      data.issuedOn === undefined || data.issuedOn === null ? null : dateInWindow(data.issuedOn, 'issuedOn'),
    period: period(data.period),
    contentHash: id(data.contentHash, 'contentHash'),
    source: {
      fileName: optionalText(data.source?.fileName, 'source.fileName'),
      mediaType: optionalText(data.source?.mediaType, 'source.mediaType'),
    },
    byAgency: metadata.actor.agencyCode,
    indicators: indicators(data.indicators),
    ...(data.deadlinePolicy === undefined || data.deadlinePolicy === null
      ? {}
      : {
          deadlinePolicy: validDeadlinePolicy(data.deadlinePolicy, (field, message) =>
            invalid(field ? `deadlinePolicy.${field}` : 'deadlinePolicy', message),
          ),
        }),
    ...(data.reporting === undefined ? {} : { reporting: reporting(data.reporting, metadata.now) }),
  };
  const issuingAgency = issuingAgencyOf(metadata.actor);
  if (issued.issuerAgencyCode !== issuingAgency) {
    throw new PlanDecisionError('plan.forbidden', 'You may issue plans only for the committee you issue for');
  }

  if (state.status === 'issued') {
    // The same document again is a no-op only for its own committee: plan ids derive from the
    // document, so another committee importing it must not get the plan as if it were theirs.
    if (state.issuerAgencyCode !== issuingAgency) {
      // Naming nobody: which committee issued it is not this caller's to learn.
      throw new PlanDecisionError(
        'plan.forbidden',
        'This document was issued as a plan by another committee',
      );
    }
    if (state.contentHash === issued.contentHash) return [];
    throw new PlanDecisionError(
      'plan.already-issued',
      `Plan ${issued.planId} was issued from another document`,
      {
        contentHash: state.contentHash,
      },
    );
  }
  return [{ type: 'PlanIssued', data: issued }];
}

const MAX_NUMBER_LENGTH = 100;

function registerPlan({ data, metadata }: RegisterPlan, state: PlanState): PlanRegistered[] {
  if (!metadata.actor.roles.includes('issuer')) {
    throw new PlanDecisionError('plan.forbidden', 'Only an issuer may record the number of a plan');
  }
  const planId = id(data.planId, 'planId');
  if (state.status !== 'issued')
    throw new PlanDecisionError('plan.not-found', `No plan has the id ${planId}`);
  const issuingAgency = issuingAgencyOf(metadata.actor);
  if (state.issuerAgencyCode !== issuingAgency) {
    throw new PlanDecisionError(
      'plan.forbidden',
      'Only the committee carrying the plan may record its number',
    );
  }
  const number = text(data.number, 'number');
  if (number.length > MAX_NUMBER_LENGTH) invalid('number', `must be at most ${MAX_NUMBER_LENGTH} characters`);
  const issuedOn = dateInWindow(data.issuedOn, 'issuedOn');
  // The copy is signed by now: a signing date later than today (Asia/Ho_Chi_Minh) is a typing slip.
  if (issuedOn > vietnamDateAt(Date.parse(metadata.now))) invalid('issuedOn', 'must not be after today');
  if (issuedOn.slice(0, 4) > String(state.period.toYear)) {
    invalid('issuedOn', `must not be after the plan's period (to ${state.period.toYear})`);
  }
  const sameNumber = state.number === null || state.number === number;
  const sameDate = state.issuedOn === null || state.issuedOn === issuedOn;
  if (!sameNumber || !sameDate) {
    throw new PlanDecisionError(
      'plan.already-registered',
      `Plan ${planId} is recorded as ${state.number ?? 'unnumbered'} of ${state.issuedOn ?? 'no date'}`,
      { number: state.number, issuedOn: state.issuedOn },
    );
  }
  if (state.number === number && state.issuedOn === issuedOn) return [];
  return [
    {
      type: 'PlanRegistered',
      data: {
        planId,
        number,
        issuedOn,
        issuerAgencyCode: issuingAgency,
        byAgency: metadata.actor.agencyCode,
      },
    },
  ];
}

// --- Input checks --------------------------------------------------------------------------------

function invalid(field: string, message: string): never {
  throw new PlanDecisionError('validation', `${field}: ${message}`, { field });
}

const {
  requiredText: text,
  optionalText,
  requiredId: id,
  dateInWindow,
  year,
  finiteNumber,
} = inputChecks(invalid);

/** A plan's deadline policy as recorded; the default for a plan issued without one. */
export function planDeadlinePolicyOf(data: Pick<PlanIssuedData, 'deadlinePolicy'>): DeadlinePolicy {
  return data.deadlinePolicy ?? DEFAULT_DEADLINE_POLICY;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The reporting cycles, checked in shape (each task is checked by the task decider when it is
 * assigned, and before the plan is issued by the confirmation's preflight). A cycle whose start
 * has come by `now` is opened with the plan; a later one by its timer (libs/platform deadlines).
 */
function reporting(value: NonNullable<IssuePlan['data']['reporting']>, now: string): PlanReporting {
  if (typeof value !== 'object' || value === null) invalid('reporting', 'must be an object');
  const focalAgencyCode =
    value.focalAgencyCode === null ? null : id(value.focalAgencyCode, 'reporting.focalAgencyCode');
  const lead = value.consolidationLeadDays;
  if (typeof lead !== 'number' || !Number.isInteger(lead) || lead < 0 || lead > 180) {
    invalid('reporting.consolidationLeadDays', 'must be a whole number of days from 0 to 180');
  }
  const given: unknown = value.cycles;
  if (!Array.isArray(given)) invalid('reporting.cycles', 'must be a list');
  const years = new Set<number>();
  const taskIds = new Set<string>();
  const cycles = (given as NonNullable<IssuePlan['data']['reporting']>['cycles']).map(
    (cycle, i): ReportingCycle => {
      const at = `reporting.cycles.${i}`;
      const cycleYear = year(cycle.year, `${at}.year`);
      if (years.has(cycleYear)) invalid(`${at}.year`, `${cycleYear} is listed twice`);
      years.add(cycleYear);
      if (
        typeof cycle.opensAt !== 'string' ||
        !INSTANT.test(cycle.opensAt) ||
        Number.isNaN(Date.parse(cycle.opensAt))
      ) {
        invalid(`${at}.opensAt`, 'must be an ISO 8601 instant with a zone');
      }
      const opensAt = new Date(Date.parse(cycle.opensAt)).toISOString();
      const tasks: unknown = cycle.tasks;
      if (!Array.isArray(tasks)) invalid(`${at}.tasks`, 'must be a list');
      cycle.tasks.forEach((task, j) => {
        const taskId = id(task.taskId, `${at}.tasks.${j}.taskId`);
        if (taskIds.has(taskId)) invalid(`${at}.tasks.${j}.taskId`, `${taskId} is listed twice`);
        taskIds.add(taskId);
      });
      return {
        year: cycleYear,
        opensAt,
        openedWithPlan: Date.parse(opensAt) <= Date.parse(now),
        tasks: cycle.tasks,
      };
    },
  );
  return { focalAgencyCode, consolidationLeadDays: lead, cycles };
}

/** A plan's indicators as recorded; [] for a PlanIssued written before they were kept. */
export function planIndicatorsOf(data: PlanIssuedData): readonly PlanIndicator[] {
  return (data as { indicators?: readonly PlanIndicator[] }).indicators ?? [];
}

const comparators: readonly IndicatorComparator[] = ['below', 'above', 'at-least', 'at-most'];

function indicators(value: unknown): PlanIndicator[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalid('indicators', 'must be a list');
  const seen = new Set<string>();
  return (value as unknown[]).map((item, i) => {
    const at = `indicators.${i}`;
    if (typeof item !== 'object' || item === null) invalid(at, 'must be an object');
    const entry = item as Record<string, unknown>;
    const indicatorId = id(entry['indicatorId'], `${at}.indicatorId`);
    if (seen.has(indicatorId)) invalid(`${at}.indicatorId`, `${indicatorId} is listed twice`);
    seen.add(indicatorId);
    const unit = entry['unit'];
    if (!indicatorUnits.includes(unit as IndicatorUnit)) {
      invalid(`${at}.unit`, `must be one of ${indicatorUnits.join(', ')}`);
    }
    const baseline =
      entry['baseline'] === undefined || entry['baseline'] === null
        ? null
        : finiteNumber(entry['baseline'], `${at}.baseline`);
    const targets = entry['targets'];
    if (!Array.isArray(targets)) invalid(`${at}.targets`, 'must be a list');
    return {
      indicatorId,
      name: text(entry['name'], `${at}.name`),
      unit: unit as IndicatorUnit,
      baseline,
      targets: (targets as unknown[]).map((target, j) => {
        const where = `${at}.targets.${j}`;
        if (typeof target !== 'object' || target === null) invalid(where, 'must be an object');
        const t = target as Record<string, unknown>;
        const comparator = t['comparator'] ?? null;
        if (comparator !== null && !comparators.includes(comparator as IndicatorComparator)) {
          invalid(`${where}.comparator`, `must be one of ${comparators.join(', ')}`);
        }
        return {
          year: year(t['year'], `${where}.year`),
          value: finiteNumber(t['value'], `${where}.value`),
          comparator: comparator as IndicatorComparator | null,
        };
      }),
    };
  });
}

/** The years a plan may cover: those of DATE_WINDOW. */
const FIRST_YEAR = Number(DATE_WINDOW.from.slice(0, 4));
const LAST_YEAR = Number(DATE_WINDOW.to.slice(0, 4));

function period(value: unknown): PlanPeriod {
  if (typeof value !== 'object' || value === null) invalid('period', 'is required');
  const { fromYear, toYear } = value as Record<string, unknown>;
  const from = year(fromYear, 'period.fromYear');
  const to = year(toYear, 'period.toYear');
  if (to < from) invalid('period.toYear', 'must not be before fromYear');
  if (from < FIRST_YEAR) invalid('period.fromYear', `must be a year from ${FIRST_YEAR} to ${LAST_YEAR}`);
  if (to > LAST_YEAR) invalid('period.toYear', `must be a year from ${FIRST_YEAR} to ${LAST_YEAR}`);
  return { fromYear: from, toYear: to };
}
