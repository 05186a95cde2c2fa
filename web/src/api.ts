/**
 * Every call the dashboard makes to the API, in one module, typed against the API's answers
 * (apps/api). When the generated client of the API contract exists, it replaces this module:
 * the pages only use the functions and types below (docs/adr/0026-dashboard-stack.md).
 */
import { createParser } from 'eventsource-parser';
import { readAllPages, withCursor, type Page } from './paging';
import { language } from './i18n';

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

export interface Handoff {
  readonly handoffId: string;
  readonly fromAgency: string;
  readonly toAgency: string;
  readonly role: string;
  readonly reason: string;
  readonly status: 'pending' | 'accepted' | 'declined' | 'withdrawn';
}

export interface Extension {
  readonly extensionId: string;
  readonly agencyCode: string;
  readonly requestedDueDate: string;
  readonly reason: string;
  readonly status: 'pending' | 'granted' | 'denied' | 'lapsed';
}

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
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

const MAX_PAGE = 500;

export class Api {
  constructor(private readonly token: string) {}

  static async config(): Promise<WebConfig> {
    return (await fetch('/web/config')).json() as Promise<WebConfig>;
  }

  private async call<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    // The page's language: trails and refusals come back in it (the API's default is Vietnamese).
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      'accept-language': language(),
    };
    let payload: BodyInit | undefined;
    if (body instanceof Blob || typeof body === 'string') {
      headers['content-type'] = contentType ?? 'application/octet-stream';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(path, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const problem = (json ?? {}) as { code?: string; detail?: string; title?: string };
      throw new ApiError(response.status, problem.code ?? 'error', problem.detail ?? problem.title ?? '');
    }
    return json as T;
  }

  /** Every outstanding task of an agency (all pages), read after `minPosition` if given. */
  outstanding(agencyCode: string, minPosition?: string | null): Promise<OutstandingTask[]> {
    const after = minPosition ? `&minPosition=${minPosition}` : '';
    const path = `/agencies/${encodeURIComponent(agencyCode)}/outstanding?limit=${MAX_PAGE}${after}`;
    return readAllPages((cursor) => this.call<Page<OutstandingTask>>('GET', withCursor(path, cursor)));
  }

  /** Every responsibility of an agency, open or closed (all pages). */
  responsibilities(agencyCode: string): Promise<Responsibility[]> {
    const path = `/agencies/${encodeURIComponent(agencyCode)}/responsibilities?status=all&limit=${MAX_PAGE}`;
    return readAllPages((cursor) => this.call<Page<Responsibility>>('GET', withCursor(path, cursor)));
  }

  task(taskId: string, minPosition?: string | null): Promise<Task> {
    return this.call('GET', `/tasks/${taskId}${minPosition ? `?minPosition=${minPosition}` : ''}`);
  }

  async trail(taskId: string): Promise<TrailEntry[]> {
    return (await this.call<{ entries: TrailEntry[] }>('GET', `/tasks/${taskId}/trail`)).entries;
  }

  /** The task and its trail as they stood at a past instant, on one time axis. */
  async taskAt(taskId: string, instant: PastInstant): Promise<{ task: Task; trail: TrailEntry[] }> {
    const query = `?${instant.axis}=${encodeURIComponent(instant.at)}`;
    const [task, trail] = await Promise.all([
      this.call<Task>('GET', `/tasks/${taskId}${query}`),
      this.call<{ entries: TrailEntry[] }>('GET', `/tasks/${taskId}/trail${query}`),
    ]);
    return { task, trail: trail.entries };
  }

  async agencies(): Promise<Agency[]> {
    return readAllPages((cursor) =>
      this.call<Page<Agency>>('GET', withCursor(`/agencies?limit=${MAX_PAGE}`, cursor)),
    );
  }

  async plans(): Promise<Plan[]> {
    return (await this.call<{ items: Plan[] }>('GET', '/plans')).items;
  }

  /** The plan's tasks the caller may read (all of them for its issuer, an auditor, an inspector). */
  async planTasks(planId: string): Promise<Task[]> {
    const path = `/plans/${planId}/tasks?limit=${MAX_PAGE}`;
    return readAllPages((cursor) => this.call<Page<Task>>('GET', withCursor(path, cursor)));
  }

  decideExtension(taskId: string, extensionId: string, decision: 'grant' | 'deny', reason: string) {
    return this.call<CommandResult>('POST', `/tasks/${taskId}/extensions/${extensionId}/${decision}`, {
      reason,
    });
  }

  decideCompletion(taskId: string, agencyCode: string, decision: 'accept' | 'return', reason: string) {
    return this.call<CommandResult>('POST', `/tasks/${taskId}/completion/${decision}`, {
      agencyCode,
      reason,
    });
  }

  progress(planId: string): Promise<PlanProgress> {
    return this.call('GET', `/plans/${planId}/progress`);
  }

  /** Per indicator and year: the target and the latest value reported by `validAt` (default now). */
  indicators(planId: string, validAt?: string): Promise<PlanIndicators> {
    const query = validAt ? `?validAt=${encodeURIComponent(validAt)}` : '';
    return this.call('GET', `/plans/${planId}/indicators${query}`);
  }

  /** The newest signed checkpoint (national auditors only: 403 for anyone else). */
  ledgerCheckpoint(): Promise<LedgerCheckpoint> {
    return this.call('GET', '/ledger/checkpoint');
  }

  /** The log's verifier keys (current first), to check a checkpoint's signature. */
  async ledgerKeys(): Promise<string[]> {
    const answer = await this.call<{ keys: { verifierKey: string }[] }>('GET', '/ledger/key');
    return answer.keys.map((key) => key.verifierKey);
  }

  /** One event as the ledger covers it, with its inclusion proof in the newest checkpoint. */
  ledgerEvent(eventId: string): Promise<LedgerEvent> {
    return this.call('GET', `/events/${encodeURIComponent(eventId)}`);
  }

  agencyAccountability(agencyCode: string, period: Period): Promise<AgencyAccountability> {
    return this.call('GET', accountabilityPath({ agencyCode }, period));
  }

  taskAccountability(taskId: string): Promise<TaskAccountability> {
    return this.call('GET', accountabilityPath({ taskId }, {}));
  }

  /**
   * Downloads a file the API answers (CSV, XLSX) and hands it to the browser as a download: a
   * plain link cannot carry the bearer token.
   */
  async download(path: string, fileName: string): Promise<void> {
    const response = await fetch(path, {
      headers: { authorization: `Bearer ${this.token}`, 'accept-language': language() },
    });
    if (!response.ok) throw new ApiError(response.status, 'download', response.statusText);
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

  acknowledge(taskId: string): Promise<CommandResult> {
    return this.call('POST', `/tasks/${taskId}/acknowledge`, {});
  }

  reportProgress(
    taskId: string,
    text: string,
    indicatorValues: { indicator: string; value: number }[],
  ): Promise<CommandResult> {
    return this.call('POST', `/tasks/${taskId}/progress`, {
      text,
      ...(indicatorValues.length ? { indicatorValues } : {}),
    });
  }

  handOff(taskId: string, toAgency: string, reason: string): Promise<CommandResult> {
    return this.call('POST', `/tasks/${taskId}/handoffs`, { toAgency, reason });
  }

  answerHandoff(taskId: string, handoffId: string, answer: 'accept' | 'decline', reason: string) {
    return this.call<CommandResult>('POST', `/tasks/${taskId}/handoffs/${handoffId}/${answer}`, { reason });
  }

  requestExtension(taskId: string, dueDate: string, reason: string): Promise<CommandResult> {
    return this.call('POST', `/tasks/${taskId}/extensions`, { dueDate, reason });
  }

  submitCompletion(taskId: string, report: string): Promise<CommandResult> {
    return this.call('POST', `/tasks/${taskId}/completion`, { report });
  }

  /**
   * Imports a plan document. The import's answer does not repeat the document, so the stored
   * draft (GET /plans/drafts/{id}, with its text) is read back for the side-by-side review.
   */
  async importPlan(file: File): Promise<PlanDraft> {
    const type = file.name.toLowerCase().endsWith('.docx')
      ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
      : 'text/plain; charset=utf-8';
    const imported = await this.call<{ readonly draftId: string | null }>(
      'POST',
      `/plans/import?fileName=${encodeURIComponent(file.name)}`,
      file,
      type,
    );
    if (!imported.draftId) throw new ApiError(500, 'draft.not-stored', 'The draft was not stored.');
    return this.call('GET', `/plans/drafts/${imported.draftId}`);
  }

  confirmDraft(draftId: string, tasks: TaskCorrection[]): Promise<{ planId: string }> {
    return this.call('POST', `/plans/drafts/${draftId}/confirm`, tasks.length ? { tasks } : {});
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
          if (!response.ok || !response.body) throw new ApiError(response.status, 'feed', '');
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
