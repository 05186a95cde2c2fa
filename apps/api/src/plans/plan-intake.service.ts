import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AgencyDirectory } from '#libs/agencies';
import type { EventStore } from '#libs/event-store';
import {
  draftPlanText,
  PlanDocumentError,
  readPlanDocument,
  type DraftTask,
  type PlanDraft,
} from '#libs/plan-intake';
import { planDecider, planStreamId, type IssuePlan } from '#libs/plans';
import {
  EVENT_STORE,
  problemType,
  ProblemError,
  validationProblem,
  type FieldProblem,
  type Principal,
} from '#libs/platform';
import { taskDecider, type AssignTask, type AssigneeRole } from '#libs/tasks';
import { actorOf } from '../commands/actor.js';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '../commands/command-executor.js';
import { DecideTask } from '../tasks/decide-task.command.js';
import { DecidePlan } from './decide-plan.command.js';
import type { CommandResult } from '../commands/command-result.js';
import { PlanDraftStore, type StoredDraft } from './plan-draft.store.js';
import { DOCX_MEDIA_TYPE, documentTooLarge, PLAN_DOCUMENT_LIMIT_BYTES } from './plan-upload.js';

export const PLAN_INTAKE_DIRECTORY = Symbol('PLAN_INTAKE_DIRECTORY');

/** A draft as the API answers it: the stored draft plus what the event log says about its plan. */
export interface PlanDraftView extends Omit<PlanDraft, 'planId' | 'contentHash'> {
  /** Null for a dry run: nothing was stored. */
  readonly draftId: string | null;
  readonly planId: string;
  readonly contentHash: string;
  /** A plan with this content hash is already recorded: confirming records nothing new. */
  readonly alreadyIssued: boolean;
  readonly createdBy: string | null;
  readonly createdAt: string | null;
  readonly confirmedAt: string | null;
}

/** What a reviewer may change before issuing. Plain data, so a CLI can pass it too. */
export interface DraftCorrections {
  readonly plan?: {
    readonly number?: string | undefined;
    readonly issuedOn?: string | undefined;
    readonly title?: string | undefined;
    readonly issuerAgencyCode?: string | undefined;
    readonly period?: { readonly fromYear: number; readonly toYear: number } | undefined;
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

export interface ConfirmResult {
  readonly draftId: string;
  readonly planId: string;
  /** Global position of the last event written (or of a retried confirmation's first answer); null when nothing was. */
  readonly position: string | null;
  /** PlanIssued was recorded by this confirmation. */
  readonly planIssued: boolean;
  readonly tasksAssigned: number;
  /** Tasks already recorded with the same assignment: nothing was written for them. */
  readonly tasksAlreadyPresent: number;
  readonly tasksExcluded: number;
}

export interface ImportOptions {
  /** Answer the draft without storing it. */
  readonly dryRun?: boolean | undefined;
}

/**
 * Plan intake, from a document to recorded assignments, independent of HTTP so that a CLI
 * (`coord import FILE [--dry-run]`) can call it: importDocument() reads and drafts (nothing is
 * recorded), confirmDraft() issues the plan and assigns its tasks through the command path.
 */
@Injectable()
export class PlanIntakeService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PLAN_INTAKE_DIRECTORY) private readonly directory: AgencyDirectory,
    private readonly drafts: PlanDraftStore,
    private readonly commandBus: CommandBus,
  ) {}

  /** Reads and drafts a document without storing anything; throws 413/422 problems. */
  async draftDocument(bytes: Uint8Array, fileName: string | null): Promise<PlanDraft> {
    if (bytes.length > PLAN_DOCUMENT_LIMIT_BYTES) throw documentTooLarge();
    try {
      const text = await readPlanDocument(bytes, fileName ?? undefined);
      return draftPlanText(text, this.directory, { fileName, mediaType: mediaTypeOf(bytes) });
    } catch (error) {
      if (error instanceof PlanDocumentError) throw documentProblem(error);
      throw error;
    }
  }

  async importDocument(
    bytes: Uint8Array,
    fileName: string | null,
    principal: Principal,
    options: ImportOptions = {},
  ): Promise<PlanDraftView> {
    requireIssuer(principal, 'import a plan');
    const draft = await this.draftDocument(bytes, fileName);
    const alreadyIssued = await this.isIssued(draft);
    if (options.dryRun) return view(draft, null, alreadyIssued);
    const stored = await this.drafts.insert(randomUUID(), draft, principal.personId);
    return view(stored.draft, stored, alreadyIssued);
  }

  async getDraft(draftId: string, principal: Principal): Promise<PlanDraftView> {
    requireIssuer(principal, 'read plan drafts');
    const stored = await this.findDraft(draftId);
    return view(stored.draft, stored, await this.isIssued(stored.draft));
  }

  /**
   * Issues the plan, then assigns every task not excluded, each through the CommandBus with
   * an idempotency key derived from the draft and the task: a retried confirmation gets the first
   * answers and never duplicates. Ids derive from the content hash, so confirming another draft of
   * an already issued document records nothing (PlanIssued and identical AssignTask are no-ops).
   */
  async confirmDraft(
    draftId: string,
    corrections: DraftCorrections,
    principal: Principal,
  ): Promise<ConfirmResult> {
    requireIssuer(principal, 'issue a plan');
    const stored = await this.findDraft(draftId);
    const { issue, assignments, excluded } = this.commandsOf(stored.draft, corrections);
    const actor = actorOf(principal);
    // The plan was decided on its date (Asia/Ho_Chi_Minh), which may be well before it is recorded.
    const occurredAt = issue.issuedOn
      ? new Date(`${issue.issuedOn}T00:00:00+07:00`).toISOString()
      : undefined;
    const context = (key: string, body: unknown): CommandContext => ({
      principal,
      idempotencyKey: `plan-intake:${draftId}:${key}`,
      route: `POST /plans/drafts/${draftId}/confirm`,
      body,
      correlationId: draftId,
      occurredAt,
    });
    preflight(issue, assignments, actor);
    try {
      return await this.record(draftId, issue, assignments, excluded, context);
    } catch (error) {
      if (error instanceof ProblemError && error.problem.code === 'idempotency-key-reused') {
        throw new ProblemError({
          type: problemType('draft.confirmed-differently'),
          title: 'Conflict with the current state',
          status: 409,
          code: 'draft.confirmed-differently',
          detail:
            'You already confirmed this draft with other corrections, and that stands. Change a recorded task with its own commands (reassign, extension, cancel).',
        });
      }
      throw error;
    }
  }

  private async record(
    draftId: string,
    issue: IssuePlan['data'],
    assignments: readonly Pick<AssignTask, 'data'>[],
    excluded: number,
    context: (key: string, body: unknown) => CommandContext,
  ): Promise<ConfirmResult> {
    const plan = await this.commandBus.execute(
      new DecidePlan({ type: 'IssuePlan', data: issue }, context('plan', issue)),
    );
    const results: CommandResult[] = [plan];
    let tasksAssigned = 0;
    for (const { data } of assignments) {
      const result = await this.commandBus.execute(
        new DecideTask({ type: 'AssignTask', data }, context(data.taskId, data)),
      );
      results.push(result);
      if (result.events.length > 0) tasksAssigned++;
    }
    await this.drafts.markConfirmed(draftId);
    return {
      draftId,
      planId: issue.planId,
      position: lastPosition(results),
      planIssued: plan.events.length > 0,
      tasksAssigned,
      tasksAlreadyPresent: assignments.length - tasksAssigned,
      tasksExcluded: excluded,
    };
  }

  private async findDraft(draftId: string): Promise<StoredDraft> {
    const stored = UUID.test(draftId) ? await this.drafts.find(draftId) : null;
    if (!stored) {
      throw new ProblemError({
        type: problemType('draft.not-found'),
        title: 'Not found',
        status: 404,
        code: 'draft.not-found',
        detail: `There is no plan draft ${draftId}.`,
      });
    }
    return stored;
  }

  private async isIssued(draft: PlanDraft): Promise<boolean> {
    const events = await this.store.readStream(planStreamId(draft.planId));
    return events.some(
      (event) =>
        event.type === 'PlanIssued' &&
        (event.data as { contentHash?: unknown }).contentHash === draft.contentHash,
    );
  }

  /** The commands the draft and its corrections give; 422 with JSON pointers for what cannot be issued. */
  private commandsOf(
    draft: PlanDraft,
    corrections: DraftCorrections,
  ): { issue: IssuePlan['data']; assignments: Pick<AssignTask, 'data'>[]; excluded: number } {
    const errors: FieldProblem[] = [];
    const issue = this.issueOf(draft, corrections.plan ?? {}, errors);
    const byId = new Map(draft.tasks.map((task) => [task.taskId, task]));
    const corrected = new Map<
      string,
      { index: number; correction: NonNullable<DraftCorrections['tasks']>[number] }
    >();
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

    const assignments: Pick<AssignTask, 'data'>[] = [];
    let excluded = 0;
    for (const task of draft.tasks) {
      const entry = corrected.get(task.taskId);
      if (entry?.correction.exclude) {
        excluded++;
        continue;
      }
      const data = this.assignmentOf(task, issue, entry, errors);
      if (data) assignments.push({ data });
    }
    if (errors.length > 0) {
      throw new ProblemError({
        type: problemType('draft.needs-review'),
        title: 'The request is not valid',
        status: 422,
        code: 'draft.needs-review',
        detail:
          'The draft cannot be issued as it stands; correct or exclude what errors lists. Nothing was recorded.',
        errors,
      });
    }
    return { issue, assignments, excluded };
  }

  private issueOf(
    draft: PlanDraft,
    plan: NonNullable<DraftCorrections['plan']>,
    errors: FieldProblem[],
  ): IssuePlan['data'] {
    const issuerAgencyCode = plan.issuerAgencyCode ?? draft.plan.issuer?.agencyCode ?? null;
    const issuerAgency = issuerAgencyCode === null ? undefined : this.directory.get(issuerAgencyCode);
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
    };
  }

  private assignmentOf(
    task: DraftTask,
    issue: IssuePlan['data'],
    entry: { index: number; correction: NonNullable<DraftCorrections['tasks']>[number] } | undefined,
    errors: FieldProblem[],
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
        if (!this.directory.get(assignee.agencyCode)) {
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
    const dueDate = correction?.dueDate ?? task.dueDate;
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
    };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs the pure deciders on an empty history first, so that input one of them would refuse is
 * refused before anything is written (a confirmation is many appends, not one transaction).
 */
function preflight(
  issue: IssuePlan['data'],
  assignments: readonly Pick<AssignTask, 'data'>[],
  actor: AssignTask['metadata']['actor'],
): void {
  const metadata = { actor, now: '1970-01-01T00:00:00.000Z' };
  const errors: FieldProblem[] = [];
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
  for (const { data } of assignments) {
    check(
      () => taskDecider.decide({ type: 'AssignTask', data, metadata }, taskDecider.initialState()),
      () => '/tasks',
      `Task ${data.taskId}: `,
    );
  }
  if (errors.length > 0) {
    throw validationProblem(
      errors,
      'The draft with its corrections would be refused; see errors. Nothing was recorded.',
    );
  }
}

/** 403 problem unless the caller holds the issuer role. */
export function requireIssuer(principal: Principal, what: string): void {
  if (!principal.roles.includes('issuer')) {
    throw new ProblemError({
      type: problemType('forbidden'),
      title: 'Not allowed',
      status: 403,
      code: 'forbidden',
      detail: `Only an issuer may ${what}.`,
    });
  }
}

function documentProblem(error: PlanDocumentError): ProblemError {
  return new ProblemError({
    type: problemType(error.code),
    title: 'The document cannot be read as a plan',
    status: 422,
    code: error.code,
    detail: error.message,
  });
}

function view(draft: PlanDraft, stored: StoredDraft | null, alreadyIssued: boolean): PlanDraftView {
  return {
    draftId: stored?.id ?? null,
    alreadyIssued,
    createdBy: stored?.createdBy ?? null,
    createdAt: stored?.createdAt ?? null,
    confirmedAt: stored?.confirmedAt ?? null,
    ...draft,
  };
}

function mediaTypeOf(bytes: Uint8Array): string {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
    ? DOCX_MEDIA_TYPE
    : 'text/plain';
}

function lastPosition(results: readonly CommandResult[]): string | null {
  let last: bigint | null = null;
  for (const result of results) {
    if (result.position === null) continue;
    const position = BigInt(result.position);
    if (last === null || position > last) last = position;
  }
  return last === null ? null : last.toString();
}
