import type { AgencyDirectory } from '#libs/agencies';
import type { PlanDraft, SerialisedPlanDraft } from '#libs/plan-intake';
import { planDecider, planStreamId, type PlanIssuedData } from '#libs/plans';
import { issuingAgencyOf, type Actor } from '#libs/shared-kernel';
import { decide, taskStreamId } from '#libs/tasks';
import { issuesForCommittee, mayReadDraft } from '../../access/access-policy.js';
import { draftNotFound } from '../../access/not-found.js';
import { ApplicationError } from '../../errors.js';
import type { CommandEventStore } from '../../ports/event-store.port.js';
import type {
  PlanDocumentReader,
  PlanDraftStore,
  ReadOptions,
  StoredDraft,
} from '../../ports/plan-drafts.port.js';
import type { IdGenerator } from '../../ports/system.port.js';
import type { CommandContext, CommandProcessor } from '../../commands/command-processor.js';
import type { CommandResult } from '../../commands/command-result.js';
import { planModel, taskModel } from '../../commands/stream-models.js';
import { planConfirmation, tasksLeftToCycles, type DraftCorrections } from './plan-confirmation.planner.js';

/** A draft as answered: the stored draft plus what the event log says about its plan. */
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

/**
 * An import's answer: the draft without the document's text (a 9 MB plan would come back whole),
 * with its length; getDraft() has the text the spans point into.
 */
export type ImportedDraftView = Omit<PlanDraftView, 'sourceText'> & { readonly sourceTextLength: number };

/**
 * An import's answer as it is sent: the JSON of its ImportedDraftView, as UTF-8 in pieces to be
 * written in order (the draft's JSON as the intake thread made it, between the view's own fields),
 * decompressed a chunk at a time as they are read: the JSON is never held whole.
 */
export interface ImportedDraftJson {
  /** Null for a dry run: nothing was stored. */
  readonly draftId: string | null;
  readonly json: AsyncIterable<Uint8Array>;
}

export interface ConfirmResult {
  readonly draftId: string;
  readonly planId: string;
  /**
   * Global position of the last event written (or of a retried confirmation's first answer); when
   * nothing was written, the last position of the streams it found recorded (usable as minPosition).
   */
  readonly position: string | null;
  /** PlanIssued was recorded by this confirmation. */
  readonly planIssued: boolean;
  readonly tasksAssigned: number;
  /** Tasks already recorded with the same assignment: nothing was written for them. */
  readonly tasksAlreadyPresent: number;
  readonly tasksExcluded: number;
  /** Report tasks of reporting cycles not begun yet: assigned when their cycle opens. */
  readonly tasksScheduled: number;
}

export interface PlanIntakeOptions {
  readonly commands: CommandProcessor;
  readonly store: Pick<CommandEventStore, 'readStream'>;
  readonly drafts: PlanDraftStore;
  readonly documents: PlanDocumentReader;
  readonly directory: Pick<AgencyDirectory, 'get'>;
  readonly ids: IdGenerator;
}

/**
 * Plan intake, from a document to recorded assignments, for any adapter (HTTP, the CLI, the
 * seeding of the embedded default): importDocument() reads and drafts (nothing is recorded),
 * confirmDraft() runs the confirmation process: the pure planner gives the commands, then
 * IssuePlan and each AssignTask go through the command processor with an idempotency key derived
 * from the draft and the task, so a retried confirmation gets the first answers and never
 * duplicates. Ids derive from the content hash, so confirming another draft of an already issued
 * document records nothing (PlanIssued and identical AssignTask are no-ops).
 */
export class PlanIntake {
  constructor(private readonly options: PlanIntakeOptions) {}

  /** Reads and drafts a document without storing anything. */
  draftDocument(bytes: Uint8Array, fileName: string | null, options: ReadOptions = {}): Promise<PlanDraft> {
    return this.options.documents.draft(bytes, fileName, options);
  }

  async importDocument(
    bytes: Uint8Array,
    fileName: string | null,
    actor: Actor,
    options: { readonly dryRun?: boolean | undefined } & ReadOptions = {},
  ): Promise<PlanDraftView> {
    requireIssuer(actor, 'import a plan');
    const draft = await this.options.documents.draft(bytes, fileName, { handOver: options.handOver });
    const alreadyIssued = await this.isIssued(draft, actor);
    const stored = options.dryRun ? null : await this.store(draft, actor);
    return view(draft, stored, alreadyIssued);
  }

  /**
   * As importDocument(), answered as JSON without the text (ImportedDraftView): the draft stays as
   * the intake thread serialised it, its JSON and its compressed text, which this thread only stores
   * and writes out. Neither a structured copy of its objects nor its text is ever held here.
   */
  async importDocumentAsJson(
    bytes: Uint8Array,
    fileName: string | null,
    actor: Actor,
    options: { readonly dryRun?: boolean | undefined } & ReadOptions = {},
  ): Promise<ImportedDraftJson> {
    requireIssuer(actor, 'import a plan');
    const draft = await this.options.documents.draftSerialised(bytes, fileName, {
      handOver: options.handOver,
      withText: !options.dryRun,
    });
    // Its first bytes are read (and checked) before anything is stored or answered: a JSON that is
    // not an object, or a gzip that does not decompress, is a problem answer, not a body cut off
    // after its status.
    const draftJson = this.options.documents.draftJson(draft)[Symbol.asyncIterator]();
    try {
      const opening = await openingOf(draftJson);
      const alreadyIssued = await this.isIssued(draft, actor);
      const stored = options.dryRun ? null : await this.store(draft, actor);
      return {
        draftId: stored?.id ?? null,
        json: closingWith(importedDraftJson(draft, opening, draftJson, stored, alreadyIssued), draftJson),
      };
    } catch (error) {
      await draftJson.return?.();
      throw error;
    }
  }

  private store(draft: PlanDraft | SerialisedPlanDraft, actor: Actor): Promise<Omit<StoredDraft, 'draft'>> {
    return this.options.drafts.insert(
      this.options.ids.newId(),
      draft,
      actor.personId,
      issuingAgencyOf(actor),
    );
  }

  async getDraft(draftId: string, actor: Actor): Promise<PlanDraftView> {
    requireIssuer(actor, 'read plan drafts');
    const stored = await this.findDraft(draftId, actor);
    return view(stored.draft, stored, await this.isIssued(stored.draft, actor));
  }

  async confirmDraft(draftId: string, corrections: DraftCorrections, actor: Actor): Promise<ConfirmResult> {
    requireIssuer(actor, 'issue a plan');
    const stored = await this.findDraft(draftId, actor);
    const planned = planConfirmation(stored.draft, corrections, this.options.directory, actor);
    const context = (key: string, body: unknown): CommandContext => ({
      actor,
      idempotencyKey: `plan-intake:${draftId}:${key}`,
      route: `POST /plans/drafts/${draftId}/confirm`,
      body,
      correlationId: draftId,
      occurredAt: planned.occurredAt,
    });
    try {
      const { commands } = this.options;
      const plan = await commands.handleCommand({
        name: 'IssuePlan',
        streamId: planStreamId(planned.issue.planId),
        model: planModel,
        decide: (state, now) =>
          planDecider.decide({ type: 'IssuePlan', data: planned.issue, metadata: { actor, now } }, state),
        context: context('plan', planned.issue),
      });
      const results: CommandResult[] = [plan];
      let tasksAssigned = 0;
      // The plan as recorded says which reporting cycles had begun: the others open by their timer.
      const later = tasksLeftToCycles(await this.recordedPlan(planned.issue.planId));
      for (const data of planned.assignments) {
        if (later.has(data.taskId)) continue;
        const result = await commands.handleCommand({
          name: 'AssignTask',
          streamId: taskStreamId(data.taskId),
          model: taskModel,
          decide: (state, now) => decide({ type: 'AssignTask', data, metadata: { actor, now } }, state),
          context: context(data.taskId, data),
        });
        results.push(result);
        if (result.events.length > 0) tasksAssigned++;
      }
      await this.options.drafts.markConfirmed(draftId);
      return {
        draftId,
        planId: planned.issue.planId,
        position: lastPosition(results),
        planIssued: plan.events.length > 0,
        tasksAssigned,
        tasksAlreadyPresent: planned.assignments.length - later.size - tasksAssigned,
        tasksExcluded: planned.excluded,
        tasksScheduled: later.size,
      };
    } catch (error) {
      if (error instanceof ApplicationError && error.code === 'idempotency-key-reused') {
        throw new ApplicationError(
          'draft.confirmed-differently',
          'You already confirmed this draft with other corrections, and that stands. Change a recorded task with its own commands (reassign, extension, cancel).',
        );
      }
      throw error;
    }
  }

  /** The recorded PlanIssued of a plan (just issued, or issued before). */
  private async recordedPlan(planId: string): Promise<Pick<PlanIssuedData, 'reporting'>> {
    const [issued] = await this.options.store.readStream(planStreamId(planId), 1);
    return issued?.type === 'PlanIssued' ? (issued.data as PlanIssuedData) : {};
  }

  /** A draft the caller may not read is answered as one that does not exist (access policy). */
  private async findDraft(draftId: string, actor: Actor): Promise<StoredDraft> {
    const stored = UUID.test(draftId) ? await this.options.drafts.find(draftId) : null;
    if (!stored || !mayReadDraft(actor, stored)) throw draftNotFound();
    return stored;
  }

  /** The document is already a plan the caller may read (of their committee): not who else issued it. */
  private async isIssued(draft: Pick<PlanDraft, 'planId' | 'contentHash'>, actor: Actor): Promise<boolean> {
    const events = await this.options.store.readStream(planStreamId(draft.planId), 1);
    return events.some((event) => {
      if (event.type !== 'PlanIssued') return false;
      const data = event.data as { contentHash?: unknown; issuerAgencyCode?: unknown };
      return (
        data.contentHash === draft.contentHash &&
        typeof data.issuerAgencyCode === 'string' &&
        issuesForCommittee(actor, data.issuerAgencyCode)
      );
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `forbidden` unless the caller holds the issuer role. */
export function requireIssuer(actor: Pick<Actor, 'roles'>, what: string): void {
  if (!actor.roles.includes('issuer')) throw new ApplicationError('forbidden', `Only an issuer may ${what}.`);
}

function view(
  draft: PlanDraft,
  stored: Omit<StoredDraft, 'draft'> | null,
  alreadyIssued: boolean,
): PlanDraftView {
  return { ...viewFields(stored, alreadyIssued), ...draft };
}

function viewFields(stored: Omit<StoredDraft, 'draft'> | null, alreadyIssued: boolean) {
  return {
    draftId: stored?.id ?? null,
    alreadyIssued,
    createdBy: stored?.createdBy ?? null,
    createdAt: stored?.createdAt ?? null,
    confirmedAt: stored?.confirmedAt ?? null,
  };
}

/**
 * The draft's JSON up to its first bytes after its opening "{": read before the answer is sent, so
 * that a JSON that is not an object (or that cannot be read) fails the import rather than its body.
 */
async function openingOf(draftJson: AsyncIterator<Uint8Array>): Promise<Uint8Array> {
  for (let next = await draftJson.next(); next.done !== true; next = await draftJson.next()) {
    if (next.value.length === 0) continue;
    if (next.value[0] !== 0x7b) break;
    return next.value.subarray(1);
  }
  throw new Error("The draft's JSON is not an object.");
}

/**
 * `answer`, whose return (a reply torn down) also ends `draftJson`, already read from: an answer's
 * generator never started would not end it itself.
 */
function closingWith(
  answer: AsyncGenerator<Uint8Array>,
  draftJson: AsyncIterator<Uint8Array>,
): AsyncIterableIterator<Uint8Array> {
  return {
    next: () => answer.next(),
    async return() {
      await draftJson.return?.();
      return answer.return(undefined);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * The UTF-8 of `JSON.stringify` of the ImportedDraftView: the view's fields, the draft's (its JSON
 * without the braces: `opening`, the bytes after its "{", then the rest of `draftJson`), then
 * `sourceTextLength`, in the order the object would list them.
 */
async function* importedDraftJson(
  draft: SerialisedPlanDraft,
  opening: Uint8Array,
  draftJson: AsyncIterator<Uint8Array>,
  stored: Omit<StoredDraft, 'draft'> | null,
  alreadyIssued: boolean,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const fields = JSON.stringify(viewFields(stored, alreadyIssued));
  yield encoder.encode(fields.slice(0, -1));
  // The draft's members go between the view's own and sourceTextLength: its closing "}" (the last
  // byte, held back a chunk) is left out, and a "," put before them if it has any.
  let separated = false;
  let held: Uint8Array | null = opening.length > 0 ? opening : null;
  function* inner(piece: Uint8Array): Generator<Uint8Array> {
    if (piece.length === 0) return;
    if (!separated) {
      separated = true;
      yield encoder.encode(',');
    }
    yield piece;
  }
  const rest = { [Symbol.asyncIterator]: () => draftJson };
  for await (const bytes of rest) {
    if (bytes.length === 0) continue;
    if (held) yield* inner(held);
    held = bytes;
  }
  if (!held || held[held.length - 1] !== 0x7d) throw new Error("The draft's JSON is not an object.");
  yield* inner(held.subarray(0, held.length - 1));
  yield encoder.encode(`,"sourceTextLength":${draft.sourceTextLength}}`);
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
