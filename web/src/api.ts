/**
 * Every call the dashboard makes to the API, in one module. The JSON calls go through the typed
 * client generated from the API contract (libs/api-client): paths, parameters and bodies are
 * checked against it, and each answer's type is checked against the type the pages use below
 * (docs/adr/0026-dashboard-stack.md). File downloads, the plan upload and the SSE feed use fetch.
 */
import { createParser } from 'eventsource-parser';
import {
  createCoordClient,
  ok,
  ProblemError,
  type components,
  type CoordClient,
  type Problem,
} from '#libs/api-client';
import { readAllPages } from './paging';
import { language } from './i18n';

type Schemas = components['schemas'];

export type Role = 'officer' | 'issuer' | 'auditor' | 'inspector';

export interface DemoUser {
  readonly token: string;
  readonly role: Role;
  readonly agencyCode: string;
  readonly agencyName: string;
  readonly national?: boolean;
}

export interface WebConfig {
  readonly auth: 'demo' | 'oidc';
  readonly demoUsers: readonly DemoUser[];
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly scope: string };
}

export const OUTSTANDING_STATES = [
  'handoff-offered',
  'not-acknowledged',
  'in-progress',
  'handoff-pending',
  'extension-pending',
  'completion-submitted',
  'completion-returned',
] as const;
export type OutstandingState = (typeof OUTSTANDING_STATES)[number];

export interface OutstandingTask {
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  readonly role: 'lead' | 'support' | 'requested';
  readonly dueDate: string;
  readonly state: OutstandingState;
  readonly overdue: boolean;
  readonly dueWithin7Days: boolean;
}

export type { Page } from './paging';

/** A handoff of a task, as the contract describes it (HandoffState). */
export type Handoff = Schemas['HandoffState'];

/** A request for more time, as the contract describes it (ExtensionState). */
export type Extension = Schemas['ExtensionState'];

export interface Task {
  readonly taskId: string;
  readonly planId: string;
  /** A duty read from a plan: its own first words; its clause and party heading beside it. */
  readonly title: string;
  readonly clause: string;
  readonly partyHeading: string | null;
  readonly duty: string;
  readonly sourceClause: { readonly section: string; readonly start: number; readonly end: number };
  readonly kind: 'duty' | 'report';
  readonly dueDate: string;
  readonly status: string;
  readonly issuerAgencyCode: string;
  readonly responsibleAgency: string | null;
  readonly assignees: readonly {
    readonly agencyCode: string;
    readonly role: string;
    readonly status: string;
  }[];
  readonly handoffs: readonly Handoff[];
  readonly extensions: readonly Extension[];
  readonly completion?: { readonly status?: string } | null;
}

export interface TrailEntry {
  readonly globalPosition: string;
  readonly eventId: string;
  readonly type: string;
  readonly actorPersonId: string;
  readonly actorAgencyCode: string;
  readonly agencyCode: string | null;
  readonly toAgencyCode: string | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly reason: string | null;
  readonly summary: string;
}

export interface Agency {
  readonly code: string;
  readonly name: string;
  readonly shortName: string | null;
  readonly level: string;
  readonly jurisdiction: string;
}

export interface Plan {
  readonly planId: string;
  readonly number: string | null;
  readonly title: string;
  readonly issuerAgencyCode: string;
  readonly periodFromYear: number | null;
  readonly periodToYear: number | null;
}

export interface AgencyProgress {
  readonly agencyCode: string;
  readonly total: number;
  readonly byState: Readonly<Record<string, number>>;
  readonly overdue: number;
  readonly dueWithin7Days: number;
}

export interface PlanProgress {
  readonly planId: string;
  readonly asOf: string;
  readonly agencies: readonly AgencyProgress[];
}

export interface Responsibility {
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  readonly role: string;
  readonly dueDate: string;
  readonly taskStatus: string;
  readonly assignmentStatus: string;
}

export interface ReportedValue {
  readonly value: number;
  readonly agencyCode: string;
  readonly taskId: string;
  readonly reportedAt: string;
}

export interface IndicatorYear {
  readonly year: number;
  readonly target: number | null;
  readonly comparator: 'below' | 'above' | 'at-least' | 'at-most' | null;
  readonly latest: ReportedValue | null;
  readonly byAgency: readonly ReportedValue[];
}

export interface IndicatorStanding {
  readonly indicatorId: string;
  readonly name: string;
  readonly unit: 'percent' | 'count' | 'number';
  readonly baseline: number | null;
  readonly years: readonly IndicatorYear[];
}

export interface PlanIndicators {
  readonly planId: string;
  readonly validAt: string;
  readonly indicators: readonly IndicatorStanding[];
}

/** A past instant on one of the two time axes (docs/adr/0020-two-time-axes.md). */
export interface PastInstant {
  readonly axis: 'knownAt' | 'validAt';
  readonly at: string;
}

/** A signed checkpoint of the ledger (C2SP tlog-checkpoint as a signed note). */
export interface LedgerCheckpoint {
  readonly treeSize: string;
  /** The tree's root, base64. */
  readonly root: string;
  readonly note: string;
  readonly witnesses: readonly unknown[];
  readonly createdAt: string;
}

export interface InclusionProof {
  readonly leafIndex: string;
  readonly treeSize: string;
  readonly root: string;
  readonly proof: readonly string[];
}

/** One event of the log as the ledger covers it (GET /events/{id}). */
export interface LedgerEvent {
  readonly position: string;
  readonly leafIndex: string | null;
  readonly event: {
    readonly eventId: string;
    readonly streamId: string;
    readonly streamVersion: number;
    readonly type: string;
    readonly data: unknown;
    readonly metadata: unknown;
    readonly recordedAt: string;
  };
  readonly inclusion: InclusionProof | null;
  readonly checkpoint: LedgerCheckpoint | null;
}

export interface HeadTerm {
  readonly personName: string;
  readonly title: string;
}

export interface Lapse {
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  readonly clause: string;
  readonly dueDate: string;
  readonly lapseDate: string;
  readonly doneAt: string | null;
  readonly status: 'open' | 'completed' | 'cancelled';
  readonly daysLate: number;
  readonly responsibleAgency: string | null;
  readonly headOnLapseDate: HeadTerm | null;
  readonly remindersSent: readonly { readonly daysBefore: number; readonly at: string }[];
  readonly escalations: readonly { readonly level: number; readonly toAgency: string; readonly at: string }[];
}

export const SCORECARD_STATES = ['doneOnTime', 'doneLate', 'openWithinDeadline', 'openOverdue'] as const;
export type ScorecardState = (typeof SCORECARD_STATES)[number];

export type ScorecardRow = Record<ScorecardState, number> & {
  readonly agencyCode: string;
  readonly year: number;
};

export interface AgencyAccountability {
  readonly agencyCode: string;
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly lapses: readonly Lapse[];
  readonly scorecard: readonly ScorecardRow[];
}

export interface TaskAccountability {
  readonly taskId: string;
  readonly asOf: string;
  readonly lapses: readonly Lapse[];
}

/** A period of lapse dates, 'YYYY-MM-DD', either end open. */
export interface Period {
  readonly from?: string;
  readonly to?: string;
}

export interface DraftTask {
  readonly taskId: string;
  readonly kind: 'duty' | 'report';
  readonly title: string;
  readonly duty: string;
  readonly sourceClause: { readonly section: string; readonly start: number; readonly end: number };
  readonly dueDate: string | null;
  readonly assignees: readonly {
    readonly agencyCode: string;
    readonly role: string;
    readonly agencyName: string;
  }[];
  readonly issues: readonly string[];
}

export interface PlanDraft {
  readonly draftId: string | null;
  readonly planId: string;
  readonly plan: {
    readonly title: string | null;
    readonly number: string | null;
    readonly issuedOn: string | null;
  };
  readonly tasks: readonly DraftTask[];
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
  readonly summary: {
    readonly dutyTasks: number;
    readonly reportTasks: number;
    readonly agencies: number;
    readonly tasksNeedingReview: number;
  };
  readonly sourceText: string;
}

export interface CommandResult {
  /** Null only when a command recorded nothing on a stream never written. */
  readonly position: string | null;
  readonly taskId?: string;
  readonly handoffId?: string;
  readonly extensionId?: string;
}

export interface TaskCorrection {
  readonly taskId: string;
  readonly dueDate?: string;
  readonly title?: string;
  readonly exclude?: true;
}

/**
 * The path of an agency's or a task's accountability, in JSON or as a file (CSV of one table,
 * XLSX with a sheet for each) with headers in `lang`.
 */
export function accountabilityPath(
  scope: { readonly agencyCode: string } | { readonly taskId: string },
  period: Period,
  file?: {
    readonly format: 'csv' | 'xlsx';
    readonly lang: 'vi' | 'en';
    readonly table?: 'lapses' | 'scorecard';
  },
): string {
  const base =
    'agencyCode' in scope
      ? `/agencies/${encodeURIComponent(scope.agencyCode)}/accountability`
      : `/tasks/${encodeURIComponent(scope.taskId)}/accountability`;
  const query = new URLSearchParams();
  if (period.from) query.set('from', period.from);
  if (period.to) query.set('to', period.to);
  if (file) {
    query.set('format', file.format);
    query.set('lang', file.lang);
    if (file.table) query.set('table', file.table);
  }
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

/** A refused request: its status and the problem+json `code` (RFC 9457). */
export { ProblemError as ApiError };

function refusal(status: number, code: string, detail: string): ProblemError {
  const problem: Problem = { type: `/problems/${code}`, title: detail, status, code, detail };
  return new ProblemError(status, problem);
}

const MAX_PAGE = 500;

export class Api {
  private readonly client: CoordClient;

  constructor(private readonly token: string) {
    // The page's language, read at each call: trails and refusals come back in it.
    this.client = createCoordClient({ baseUrl: '', token, language });
  }

  static async config(): Promise<WebConfig> {
    return ok(await createCoordClient({ baseUrl: '' }).GET('/web/config'));
  }

  /** Every outstanding task of an agency (all pages), read after `minPosition` if given. */
  outstanding(agencyCode: string, minPosition?: string | null): Promise<OutstandingTask[]> {
    return readAllPages(async (cursor) =>
      ok(
        await this.client.GET('/agencies/{code}/outstanding', {
          params: {
            path: { code: agencyCode },
            query: { limit: MAX_PAGE, ...(minPosition ? { minPosition } : {}), ...page(cursor) },
          },
        }),
      ),
    );
  }

  /** Every responsibility of an agency, open or closed (all pages). */
  responsibilities(agencyCode: string): Promise<Responsibility[]> {
    return readAllPages(async (cursor) =>
      ok(
        await this.client.GET('/agencies/{code}/responsibilities', {
          params: { path: { code: agencyCode }, query: { status: 'all', limit: MAX_PAGE, ...page(cursor) } },
        }),
      ),
    );
  }

  async task(taskId: string, minPosition?: string | null): Promise<Task> {
    return ok(
      await this.client.GET('/tasks/{taskId}', {
        params: { path: { taskId }, query: minPosition ? { minPosition } : {} },
      }),
    );
  }

  async trail(taskId: string): Promise<TrailEntry[]> {
    return ok(await this.client.GET('/tasks/{taskId}/trail', { params: { path: { taskId } } })).entries;
  }

  /** The task and its trail as they stood at a past instant, on one time axis. */
  async taskAt(taskId: string, instant: PastInstant): Promise<{ task: Task; trail: TrailEntry[] }> {
    const params = { path: { taskId }, query: { [instant.axis]: instant.at } };
    const [task, trail] = await Promise.all([
      this.client.GET('/tasks/{taskId}', { params }),
      this.client.GET('/tasks/{taskId}/trail', { params }),
    ]);
    return { task: ok(task), trail: ok(trail).entries };
  }

  async agencies(): Promise<Agency[]> {
    return readAllPages(async (cursor) =>
      ok(await this.client.GET('/agencies', { params: { query: { limit: MAX_PAGE, ...page(cursor) } } })),
    );
  }

  async plans(): Promise<Plan[]> {
    return ok(await this.client.GET('/plans')).items;
  }

  /** The plan's tasks the caller may read (all of them for its issuer, an auditor, an inspector). */
  async planTasks(planId: string): Promise<Task[]> {
    return readAllPages(async (cursor) =>
      ok(
        await this.client.GET('/plans/{planId}/tasks', {
          params: { path: { planId }, query: { limit: MAX_PAGE, ...page(cursor) } },
        }),
      ),
    );
  }

  async decideExtension(
    taskId: string,
    extensionId: string,
    decision: 'grant' | 'deny',
    reason: string,
  ): Promise<CommandResult> {
    const params = { path: { taskId, extensionId } };
    return ok(
      decision === 'grant'
        ? await this.client.POST('/tasks/{taskId}/extensions/{extensionId}/grant', {
            params,
            body: { reason },
          })
        : await this.client.POST('/tasks/{taskId}/extensions/{extensionId}/deny', {
            params,
            body: { reason },
          }),
    );
  }

  async decideCompletion(
    taskId: string,
    agencyCode: string,
    decision: 'accept' | 'return',
    reason: string,
  ): Promise<CommandResult> {
    const options = { params: { path: { taskId } }, body: { agencyCode, reason } };
    return ok(
      decision === 'accept'
        ? await this.client.POST('/tasks/{taskId}/completion/accept', options)
        : await this.client.POST('/tasks/{taskId}/completion/return', options),
    );
  }

  async progress(planId: string): Promise<PlanProgress> {
    return ok(await this.client.GET('/plans/{planId}/progress', { params: { path: { planId } } }));
  }

  /** Per indicator and year: the target and the latest value reported by `validAt` (default now). */
  async indicators(planId: string, validAt?: string): Promise<PlanIndicators> {
    return ok(
      await this.client.GET('/plans/{planId}/indicators', {
        params: { path: { planId }, query: validAt ? { validAt } : {} },
      }),
    );
  }

  /** The newest signed checkpoint (national auditors only: 403 for anyone else). */
  async ledgerCheckpoint(): Promise<LedgerCheckpoint> {
    return ok(await this.client.GET('/ledger/checkpoint'));
  }

  /** The log's verifier keys (current first), to check a checkpoint's signature. */
  async ledgerKeys(): Promise<string[]> {
    return ok(await this.client.GET('/ledger/key')).keys.map((key) => key.verifierKey);
  }

  /** One event as the ledger covers it, with its inclusion proof in the newest checkpoint. */
  async ledgerEvent(eventId: string): Promise<LedgerEvent> {
    return ok(await this.client.GET('/events/{id}', { params: { path: { id: eventId } } }));
  }

  /** An agency's scorecard and every lapse of the period (all pages). */
  async agencyAccountability(agencyCode: string, period: Period): Promise<AgencyAccountability> {
    const { first, lapses } = await readLapsePages(async (query) =>
      ok(
        await this.client.GET('/agencies/{code}/accountability', {
          params: { path: { code: agencyCode }, query: { ...period, ...query } },
        }),
      ),
    );
    const { from, to, asOf, scorecard } = first;
    return { agencyCode, from, to, asOf, scorecard, lapses };
  }

  /** One task's lapses (all pages). */
  async taskAccountability(taskId: string): Promise<TaskAccountability> {
    const { first, lapses } = await readLapsePages(async (query) =>
      ok(await this.client.GET('/tasks/{taskId}/accountability', { params: { path: { taskId }, query } })),
    );
    return { taskId, asOf: first.asOf, lapses };
  }

  /**
   * Downloads a file the API answers (CSV, XLSX) and hands it to the browser as a download: a
   * plain link cannot carry the bearer token.
   */
  async download(path: string, fileName: string): Promise<void> {
    const response = await fetch(path, {
      headers: { authorization: `Bearer ${this.token}`, 'accept-language': language() },
    });
    if (!response.ok) throw refusal(response.status, 'download', response.statusText);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    // After the browser took the file.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  async acknowledge(taskId: string): Promise<CommandResult> {
    return ok(
      await this.client.POST('/tasks/{taskId}/acknowledge', { params: { path: { taskId } }, body: {} }),
    );
  }

  async reportProgress(
    taskId: string,
    text: string,
    indicatorValues: { indicator: string; value: number }[],
  ): Promise<CommandResult> {
    return ok(
      await this.client.POST('/tasks/{taskId}/progress', {
        params: { path: { taskId } },
        body: { text, ...(indicatorValues.length ? { indicatorValues } : {}) },
      }),
    );
  }

  async handOff(taskId: string, toAgency: string, reason: string): Promise<CommandResult> {
    return ok(
      await this.client.POST('/tasks/{taskId}/handoffs', {
        params: { path: { taskId } },
        body: { toAgency, reason },
      }),
    );
  }

  async answerHandoff(
    taskId: string,
    handoffId: string,
    answer: 'accept' | 'decline',
    reason: string,
  ): Promise<CommandResult> {
    const options = { params: { path: { taskId, handoffId } }, body: { reason } };
    return ok(
      answer === 'accept'
        ? await this.client.POST('/tasks/{taskId}/handoffs/{handoffId}/accept', options)
        : await this.client.POST('/tasks/{taskId}/handoffs/{handoffId}/decline', options),
    );
  }

  async requestExtension(taskId: string, dueDate: string, reason: string): Promise<CommandResult> {
    return ok(
      await this.client.POST('/tasks/{taskId}/extensions', {
        params: { path: { taskId } },
        body: { dueDate, reason },
      }),
    );
  }

  async submitCompletion(taskId: string, report: string): Promise<CommandResult> {
    return ok(
      await this.client.POST('/tasks/{taskId}/completion', {
        params: { path: { taskId } },
        body: { report },
      }),
    );
  }

  /**
   * Imports a plan document. The document is sent as it is (the contract types a raw body as a
   * string, which a File is not: fetch sends it). The import's answer does not repeat the
   * document, so the stored draft (GET /plans/drafts/{id}, with its text) is read back for the
   * side-by-side review.
   */
  async importPlan(file: File): Promise<PlanDraft> {
    const type = file.name.toLowerCase().endsWith('.docx')
      ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
      : 'text/plain; charset=utf-8';
    const response = await fetch(`/plans/import?fileName=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'accept-language': language(), 'content-type': type },
      body: file,
    });
    const answer: unknown = await response.json().catch(() => null);
    const imported = ok(
      response.ok ? { response, data: answer as Schemas['ImportedDraft'] } : { response, error: answer },
    );
    if (!imported.draftId) throw refusal(500, 'draft.not-stored', 'The draft was not stored.');
    return ok(
      await this.client.GET('/plans/drafts/{draftId}', { params: { path: { draftId: imported.draftId } } }),
    );
  }

  async confirmDraft(draftId: string, tasks: TaskCorrection[]): Promise<{ planId: string }> {
    return ok(
      await this.client.POST('/plans/drafts/{draftId}/confirm', {
        params: { path: { draftId } },
        body: tasks.length ? { tasks } : {},
      }),
    );
  }

  /**
   * Follows the agency's Server-Sent Events feed (GET /agencies/{code}/feed). EventSource cannot
   * send the bearer token, so the stream is read with fetch; it reconnects with Last-Event-ID.
   * Returns a function that stops following.
   */
  follow(
    agencyCode: string,
    onEvent: (type: string, position: string | undefined) => void,
    onState?: (live: boolean) => void,
  ): () => void {
    const controller = new AbortController();
    let lastEventId: string | undefined;
    const run = async (): Promise<void> => {
      while (!controller.signal.aborted) {
        try {
          const response = await fetch(`/agencies/${encodeURIComponent(agencyCode)}/feed`, {
            headers: {
              authorization: `Bearer ${this.token}`,
              accept: 'text/event-stream',
              ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
            },
            signal: controller.signal,
          });
          if (!response.ok || !response.body) throw refusal(response.status, 'feed', '');
          onState?.(true);
          const parser = createParser({
            onEvent(message) {
              if (message.id) lastEventId = message.id;
              if (!message.data) return;
              const envelope = JSON.parse(message.data) as { type?: string };
              onEvent(envelope.type ?? '', message.id);
            },
          });
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.feed(value);
          }
        } catch {
          if (controller.signal.aborted) return;
        }
        onState?.(false);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    };
    void run();
    return () => controller.abort();
  }
}

/**
 * Every lapse of an accountability answer, page after page, and its first page. The pages after
 * the first ask for the first's `asOf`, so that every lapse's days late count to the same instant.
 */
async function readLapsePages<Answer extends { asOf: string; lapses: readonly Lapse[]; next: string | null }>(
  read: (query: { limit: number; asOf?: string; cursor?: string }) => Promise<Answer>,
): Promise<{ first: Answer; lapses: Lapse[] }> {
  let first: Answer | undefined;
  const lapses = await readAllPages(async (cursor) => {
    const answer = await read({ limit: MAX_PAGE, ...(first ? { asOf: first.asOf } : {}), ...page(cursor) });
    first ??= answer;
    return { items: answer.lapses, next: answer.next };
  });
  return { first: first!, lapses };
}

/** The query of a page after the first: its cursor. */
function page(cursor: string | null): { cursor?: string } {
  return cursor === null ? {} : { cursor };
}
