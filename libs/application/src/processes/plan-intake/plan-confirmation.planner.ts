import type { AgencyDirectory } from '#libs/agencies';
import type { DraftTask, PlanDraft } from '#libs/plan-intake';
import { planDecider, type CycleReportTask, type IssuePlan, type PlanIssuedData } from '#libs/plans';
import type { Actor, PlanIndicator } from '#libs/shared-kernel';
import { taskDecider, type AssignTask, type AssigneeRole } from '#libs/tasks';
import { ApplicationError, type FieldError } from '../../errors.js';

/** What a reviewer may change before issuing. Plain data, so a CLI can pass it too. */
export interface DraftCorrections {
  readonly plan?: {
    readonly number?: string | undefined;
    readonly issuedOn?: string | undefined;
    readonly title?: string | undefined;
    readonly issuerAgencyCode?: string | undefined;
    readonly period?: { readonly fromYear: number; readonly toYear: number } | undefined;
    /** Reminders and escalation steps for this plan's deadlines (default: the service's). */
    readonly deadlinePolicy?: unknown;
    /** Days the focal agency has between the parties' yearly reports and its consolidated one. */
    readonly reporting?: { readonly consolidationLeadDays?: number | undefined } | undefined;
  };
  readonly tasks?: readonly {
    readonly taskId: string;
    readonly assignees?: readonly { readonly agencyCode: string; readonly role: AssigneeRole }[] | undefined;
    readonly dueDate?: string | undefined;
    readonly title?: string | undefined;
    readonly duty?: string | undefined;
    readonly exclude?: boolean | undefined;
  }[];
}

type TaskCorrection = NonNullable<DraftCorrections['tasks']>[number];

/** The commands a confirmed draft gives, in the order they are recorded: the plan, then its tasks. */
export interface PlannedConfirmation {
  readonly issue: IssuePlan['data'];
  /**
   * Every task of the draft (checked by the task decider): the duties, and the report tasks of
   * every reporting cycle. A cycle that has not begun when the plan is issued is opened by its
   * timer, not now (assignedNow).
   */
  readonly assignments: readonly AssignTask['data'][];
  /** Tasks the reviewer excluded. */
  readonly excluded: number;
  /** The plan was decided on its date (Asia/Ho_Chi_Minh), which may be well before it is recorded. */
  readonly occurredAt: string | undefined;
}

/**
 * Pure: turns a draft and its corrections into the commands that issue the plan and assign its
 * tasks, or refuses (`draft.needs-review` with a pointer per fault, or `validation` when a decider
 * would refuse) before anything is recorded: a confirmation is many appends, not one transaction.
 */
export function planConfirmation(
  draft: PlanDraft,
  corrections: DraftCorrections,
  directory: Pick<AgencyDirectory, 'get'>,
  actor: Actor,
): PlannedConfirmation {
  const errors: FieldError[] = [];
  if (draft.origin === 'secondary-source') {
    // A news item or a letter says what a plan holds; only the plan itself is issued.
    errors.push({
      pointer: '',
      detail:
        'This draft was read from a document about the plan (a news item or a letter), not from the plan: import the plan itself to issue it.',
    });
  }
  const issue = issueOf(draft, corrections.plan ?? {}, directory, errors);
  const byId = new Map(draft.tasks.map((task) => [task.taskId, task]));
  const corrected = new Map<string, { index: number; correction: TaskCorrection }>();
  (corrections.tasks ?? []).forEach((correction, index) => {
    if (!byId.has(correction.taskId)) {
      errors.push({
        pointer: `/tasks/${index}/taskId`,
        detail: `The draft has no task ${correction.taskId}`,
      });
    } else if (corrected.has(correction.taskId)) {
      errors.push({
        pointer: `/tasks/${index}/taskId`,
        detail: `Task ${correction.taskId} is corrected twice`,
      });
    } else corrected.set(correction.taskId, { index, correction });
  });

  const lead = leadDaysOf(draft, corrections.plan ?? {}, errors);
  const assignments: AssignTask['data'][] = [];
  let excluded = 0;
  for (const task of draft.tasks) {
    const entry = corrected.get(task.taskId);
    if (entry?.correction.exclude) {
      excluded++;
      continue;
    }
    const data = assignmentOf(task, issue, entry, directory, errors, partyDueDate(draft, task, lead));
    if (data) assignments.push(data);
  }
  const planned = {
    ...issue,
    ...(corrections.plan?.deadlinePolicy === undefined
      ? {}
      : { deadlinePolicy: corrections.plan.deadlinePolicy }),
    ...(draft.plan.reporting && lead !== null
      ? { reporting: reportingOf(draft.plan.reporting.consolidatingAgencyCode, lead, assignments) }
      : {}),
  };
  if (errors.length > 0) {
    throw new ApplicationError(
      'draft.needs-review',
      'The draft cannot be issued as it stands; correct or exclude what errors lists. Nothing was recorded.',
      { errors },
    );
  }
  preflight(planned, assignments, actor);
  return {
    issue: planned,
    assignments,
    excluded,
    occurredAt: issue.issuedOn ? new Date(`${issue.issuedOn}T00:00:00+07:00`).toISOString() : undefined,
  };
}

function issueOf(
  draft: PlanDraft,
  plan: NonNullable<DraftCorrections['plan']>,
  directory: Pick<AgencyDirectory, 'get'>,
  errors: FieldError[],
): IssuePlan['data'] {
  const issuerAgencyCode = plan.issuerAgencyCode ?? draft.plan.issuer?.agencyCode ?? null;
  const issuerAgency = issuerAgencyCode === null ? undefined : directory.get(issuerAgencyCode);
  if (issuerAgencyCode === null) {
    errors.push({
      pointer: '/plan/issuerAgencyCode',
      detail: 'The draft names no issuing agency: give plan.issuerAgencyCode',
    });
  } else if (!issuerAgency) {
    errors.push({ pointer: '/plan/issuerAgencyCode', detail: `${issuerAgencyCode} is not a known agency` });
  }
  const jurisdiction = plan.issuerAgencyCode
    ? issuerAgency?.jurisdiction
    : (draft.jurisdiction ?? issuerAgency?.jurisdiction);
  const title = plan.title ?? draft.plan.title;
  if (!title) errors.push({ pointer: '/plan/title', detail: 'The draft has no title: give plan.title' });
  const period = plan.period ?? draft.plan.period;
  if (period.fromYear === null || period.toYear === null) {
    errors.push({ pointer: '/plan/period', detail: 'The draft has no period: give plan.period' });
  } else if (period.toYear < period.fromYear) {
    errors.push({ pointer: '/plan/period/toYear', detail: 'toYear must not be before fromYear' });
  }
  if (!draft.plan.documentType) {
    errors.push({
      pointer: '/plan',
      detail: 'The document is not recognisably a plan (no "Số: .../KH-..." line, no "KẾ HOẠCH" title)',
    });
  }
  const typeCode = draft.plan.documentTypeCode;
  const number = plan.number
    ? plan.number.includes('/') || !typeCode
      ? plan.number
      : `${plan.number}/${typeCode}`
    : draft.plan.number && typeCode
      ? `${draft.plan.number}/${typeCode}`
      : draft.plan.number;
  return {
    planId: draft.planId,
    number: number ?? null,
    documentType: draft.plan.documentType ?? '',
    title: title ?? '',
    issuerAgencyCode: issuerAgencyCode ?? '',
    jurisdiction: jurisdiction ?? '',
    issuedOn: plan.issuedOn ?? draft.plan.issuedOn,
    period: { fromYear: period.fromYear ?? 0, toYear: period.toYear ?? 0 },
    contentHash: draft.contentHash,
    source: { fileName: draft.source.fileName, mediaType: draft.source.mediaType },
    indicators: indicatorsOf(draft),
  };
}

/**
 * The draft's indicator targets as the plan's indicators: one per indicator as stated, with its
 * target for each year the plan names. Intake reads percentages only, and no baseline.
 */
export function indicatorsOf(draft: Pick<PlanDraft, 'indicators'>): PlanIndicator[] {
  const byName = new Map<string, { name: string; targets: PlanIndicator['targets'][number][] }>();
  for (const target of draft.indicators) {
    const name = target.indicator.normalize('NFC');
    const entry = byName.get(name) ?? { name, targets: [] };
    byName.set(name, entry);
    if (entry.targets.some((t) => t.year === target.year)) continue;
    entry.targets.push({ year: target.year, value: target.value, comparator: target.comparator });
  }
  return [...byName.values()].map(({ name, targets }, i) => ({
    indicatorId: `chi-tieu-${i + 1}`,
    name,
    unit: 'percent',
    baseline: null,
    targets: [...targets].sort((a, b) => a.year - b.year),
  }));
}

/** The start of a reporting cycle: 1 January of the year reported on, 00:00 in Asia/Ho_Chi_Minh. */
export function cycleOpensAt(year: number): string {
  return new Date(`${year}-01-01T00:00:00+07:00`).toISOString();
}

/** The reviewer's lead time, else the draft's; null when the draft has no reporting duty. */
function leadDaysOf(
  draft: PlanDraft,
  plan: NonNullable<DraftCorrections['plan']>,
  errors: FieldError[],
): number | null {
  const reporting = draft.plan.reporting;
  const given = plan.reporting?.consolidationLeadDays;
  if (given !== undefined && (!Number.isInteger(given) || given < 0 || given > 180)) {
    errors.push({
      pointer: '/plan/reporting/consolidationLeadDays',
      detail: 'must be a whole number of days from 0 to 180',
    });
    return null;
  }
  return reporting ? (given ?? reporting.consolidationLeadDays) : null;
}

/**
 * A party's yearly report is due `lead` days before the consolidated report of its year (the
 * draft's own dates follow the draft's lead time; a corrected lead time moves them).
 */
function partyDueDate(draft: PlanDraft, task: DraftTask, lead: number | null): string | null {
  if (lead === null || task.reportsTo === null || task.reportYear === null) return null;
  const consolidated = draft.tasks.find((t) => t.consolidated && t.reportYear === task.reportYear);
  if (!consolidated?.dueDate) return null;
  return new Date(Date.parse(`${consolidated.dueDate}T00:00:00Z`) - lead * 24 * 60 * 60 * 1000)
    .toISOString()
    .slice(0, 10);
}

/** The report tasks grouped into yearly cycles, each opening at the start of its year. */
function reportingOf(
  focalAgencyCode: string | null,
  consolidationLeadDays: number,
  assignments: readonly AssignTask['data'][],
): NonNullable<IssuePlan['data']['reporting']> {
  const byYear = new Map<number, CycleReportTask[]>();
  for (const data of assignments) {
    if (data.kind !== 'report' || data.reportYear === undefined) continue;
    const { planId: _p, issuerAgencyCode: _i, kind: _k, reportYear, planIssuedOn: _o, ...task } = data;
    byYear.set(reportYear, [...(byYear.get(reportYear) ?? []), task]);
  }
  return {
    focalAgencyCode,
    consolidationLeadDays,
    cycles: [...byYear.entries()]
      .sort(([a], [b]) => a - b)
      .map(([year, tasks]) => ({ year, opensAt: cycleOpensAt(year), tasks })),
  };
}

/** The report tasks a recorded plan leaves to their cycle's timer: those of cycles not yet begun. */
export function tasksLeftToCycles(plan: Pick<PlanIssuedData, 'reporting'>): ReadonlySet<string> {
  return new Set(
    (plan.reporting?.cycles ?? [])
      .filter((cycle) => !cycle.openedWithPlan)
      .flatMap((cycle) => cycle.tasks.map((task) => task.taskId)),
  );
}

function assignmentOf(
  task: DraftTask,
  issue: IssuePlan['data'],
  entry: { index: number; correction: TaskCorrection } | undefined,
  directory: Pick<AgencyDirectory, 'get'>,
  errors: FieldError[],
  partyDue: string | null,
): AssignTask['data'] | null {
  const correction = entry?.correction;
  const at = (field: string) => (entry ? `/tasks/${entry.index}/${field}` : '/tasks');
  const label = `Task ${task.taskId} ("${task.title}")`;
  let ok = true;
  const fail = (pointer: string, detail: string) => {
    errors.push({ pointer, detail });
    ok = false;
  };

  const assignees =
    correction?.assignees ?? task.assignees.map(({ agencyCode, role }) => ({ agencyCode, role }));
  if (correction?.assignees) {
    const seen = new Set<string>();
    correction.assignees.forEach((assignee, i) => {
      if (!directory.get(assignee.agencyCode)) {
        fail(`${at('assignees')}/${i}/agencyCode`, `${assignee.agencyCode} is not a known agency`);
      } else if (seen.has(assignee.agencyCode)) {
        fail(`${at('assignees')}/${i}/agencyCode`, `${assignee.agencyCode} is listed twice`);
      }
      seen.add(assignee.agencyCode);
    });
    if (correction.assignees.filter((a) => a.role === 'lead').length > 1) {
      fail(at('assignees'), 'A task has at most one lead');
    }
  } else if (task.unresolved.length > 0) {
    const names = task.unresolved.map((u) => `"${u.name}"`).join(', ');
    fail(
      at('assignees'),
      `${label}: ${names} could not be matched to agencies; give its assignees or exclude it`,
    );
  } else if (assignees.length === 0) {
    fail(at('assignees'), `${label} has no assignee; give its assignees or exclude it`);
  }
  const dueDate = correction?.dueDate ?? partyDue ?? task.dueDate;
  if (dueDate === null) fail(at('dueDate'), `${label} has no due date; give one or exclude it`);
  const duty = correction?.duty ?? task.duty;
  if (duty.trim() === '') fail(at('duty'), `${label} has no duty text; give one or exclude it`);
  if (!ok || dueDate === null) return null;

  return {
    taskId: task.taskId,
    planId: issue.planId,
    title: correction?.title ?? task.title,
    duty,
    sourceClause: task.sourceClause,
    dueDate,
    assignees,
    issuerAgencyCode: issue.issuerAgencyCode,
    kind: task.kind,
    ...(task.reportYear === null ? {} : { reportYear: task.reportYear }),
    // A party's report goes to the focal agency, unless the reviewer made that agency an assignee.
    ...(task.reportsTo === null || assignees.some((a) => a.agencyCode === task.reportsTo)
      ? {}
      : { reportsTo: task.reportsTo }),
  };
}

/**
 * Runs the pure deciders on an empty history, so that input one of them would refuse is refused
 * before anything is written.
 */
function preflight(issue: IssuePlan['data'], assignments: readonly AssignTask['data'][], actor: Actor): void {
  const metadata = { actor, now: '1970-01-01T00:00:00.000Z' };
  const errors: FieldError[] = [];
  const check = (run: () => unknown, pointer: (field: string) => string, prefix: string) => {
    try {
      run();
    } catch (error) {
      const field = (error as { details?: { field?: unknown } }).details?.field;
      if ((error as { code?: unknown }).code !== 'validation') throw error;
      errors.push({
        pointer: pointer(typeof field === 'string' ? field : ''),
        detail: `${prefix}${(error as Error).message}`,
      });
    }
  };
  check(
    () => planDecider.decide({ type: 'IssuePlan', data: issue, metadata }, planDecider.initialState()),
    (field) => (field === '' ? '/plan' : `/plan/${field.split('.').join('/')}`),
    '',
  );
  for (const data of assignments) {
    check(
      () => taskDecider.decide({ type: 'AssignTask', data, metadata }, taskDecider.initialState()),
      () => '/tasks',
      `Task ${data.taskId}: `,
    );
  }
  if (errors.length > 0) {
    throw new ApplicationError(
      'validation',
      'The draft with its corrections would be refused; see errors. Nothing was recorded.',
      { errors },
    );
  }
}
