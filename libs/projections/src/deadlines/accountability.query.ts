import type { EntityManager } from 'typeorm';
import { daysLate, deadlineInstant, taskTitle, type DeadlineEvent, type TaskKind } from '#libs/tasks';
import { vietnamDateAt } from '#libs/shared-kernel';
import { projectionSchema } from '../database/schema.js';
import {
  decodeCursor,
  keysetPage,
  MAX_LIMIT,
  pageOf,
  type KeyValues,
  type ListKey,
  type Page,
} from '../framework/paging.js';

/** One lapsed deadline: what was due, whether and when it was done, who answered for it. */
export interface LapseRecord {
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  /** The section of the plan the duty comes from. */
  readonly clause: string;
  readonly dueDate: string;
  /** When it lapsed: the end of the due date in Asia/Ho_Chi_Minh. */
  readonly lapsedAt: string;
  /** The date it lapsed on (Asia/Ho_Chi_Minh): the date whose head answers for it. */
  readonly lapseDate: string;
  /** When the task was completed, or null (still open, or cancelled: see `status`). */
  readonly doneAt: string | null;
  readonly status: 'open' | 'completed' | 'cancelled';
  /** Days from the deadline to completion, or to `asOf` while open. */
  readonly daysLate: number;
  readonly responsibleAgency: string | null;
  readonly remindersSent: readonly { readonly daysBefore: number; readonly at: string }[];
  readonly escalations: readonly { readonly level: number; readonly toAgency: string; readonly at: string }[];
}

/** The four states government reports count tasks in. */
export const SCORECARD_STATES = ['doneOnTime', 'doneLate', 'openWithinDeadline', 'openOverdue'] as const;
export type ScorecardState = (typeof SCORECARD_STATES)[number];

/** Per agency and year (of the due date): tasks by state, as of an instant. */
export interface ScorecardRow extends Record<ScorecardState, number> {
  readonly agencyCode: string;
  readonly year: number;
}

export interface AccountabilityFilter {
  readonly agencyCode?: string;
  readonly taskId?: string;
  /** Lapse dates (and due dates, for the scorecard) from, inclusive, 'YYYY-MM-DD'. */
  readonly from: string;
  /** ... to, inclusive. */
  readonly to: string;
  readonly asOf: string;
}

interface LapseSqlRow {
  task_id: string;
  plan_id: string;
  due_date: string;
  occurred_at: Date;
  /** occurred_at in whole microseconds since 1970 (the cursor's first value: a Date keeps ms). */
  lapsed_us: string;
  event_id: string;
  responsible_agency: string | null;
  data: DeadlineEvent['data'];
  status: 'open' | 'completed' | 'cancelled' | null;
  closed_at: Date | null;
  /** The task's kind and duty, for its title (null if the task row is not there). */
  kind: TaskKind | null;
  duty: string | null;
  notices: { type: DeadlineEvent['type']; at: string; data: Record<string, unknown> }[];
}

/**
 * The lapses' order and their cursor's key: when each lapsed, then the task, then the lapse's own
 * event id, unique (docs/adr/0034-keyset-pages.md). Index: projection migration 9.
 */
const LAPSES_KEY: ListKey<LapseSqlRow> = {
  kind: 'lapses:lapsedAt',
  types: ['int', 'text', 'uuid'],
  keyOf: (row) => [Number(row.lapsed_us), row.task_id, row.event_id],
};

/** A page of lapses: up to `limit` (default 100) after `cursor`; `total` with `count`. */
export interface LapsesPageRequest {
  readonly limit?: number;
  readonly cursor?: string;
  readonly count?: boolean;
}

export const LAPSES_DEFAULT_LIMIT = 100;

/** A page of an agency's (or one task's) lapses in a period, oldest first. */
export async function lapsesPage(
  manager: EntityManager,
  filter: AccountabilityFilter,
  request: LapsesPageRequest,
): Promise<Page<LapseRecord>> {
  const { limit } = pageOf({ limit: request.limit ?? LAPSES_DEFAULT_LIMIT });
  const after =
    request.cursor === undefined
      ? undefined
      : decodeCursor(request.cursor, LAPSES_KEY.kind, LAPSES_KEY.types);
  const rows = await readLapses(manager, filter, after, limit + 1);
  const page = keysetPage(rows, limit, LAPSES_KEY.kind, LAPSES_KEY.keyOf, (row) =>
    lapseRecord(row, filter.asOf),
  );
  return request.count ? { ...page, total: await countLapses(manager, filter) } : page;
}

/**
 * Every lapse of an agency's (or one task's) deadlines in a period, oldest first (the CSV and XLSX
 * downloads): read a keyset batch at a time, so no one query holds them all.
 */
export async function listLapses(
  manager: EntityManager,
  filter: AccountabilityFilter,
  batch = MAX_LIMIT,
): Promise<LapseRecord[]> {
  const lapses: LapseRecord[] = [];
  for (let after: KeyValues | undefined; ;) {
    const rows = await readLapses(manager, filter, after, batch);
    lapses.push(...rows.map((row) => lapseRecord(row, filter.asOf)));
    const last = rows[rows.length - 1];
    if (rows.length < batch || !last) return lapses;
    after = LAPSES_KEY.keyOf(last);
  }
}

/** The filter of the lapses of a period: the lapse date is the day after the due date. */
function lapsesWhere(filter: AccountabilityFilter): { where: string; params: unknown[] } {
  return {
    where: `n.type = 'DeadlineLapsed'
        and ($1::text is null or n.responsible_agency = $1)
        and ($2::text is null or n.task_id = $2)
        and n.due_date >= ($3::date - 1) and n.due_date <= ($4::date - 1)`,
    params: [filter.agencyCode ?? null, filter.taskId ?? null, filter.from, filter.to],
  };
}

async function countLapses(manager: EntityManager, filter: AccountabilityFilter): Promise<number> {
  const { where, params } = lapsesWhere(filter);
  const [row] = await manager.query<{ total: number }[]>(
    `select count(*)::int as total from ${projectionSchema(manager)}.deadline_notices n where ${where}`,
    params,
  );
  return row?.total ?? 0;
}

/** Up to `take` lapses after a key, in the key's order (a row comparison along migration 9's index). */
async function readLapses(
  manager: EntityManager,
  filter: AccountabilityFilter,
  after: KeyValues | undefined,
  take: number,
): Promise<LapseSqlRow[]> {
  const s = projectionSchema(manager);
  const { where, params } = lapsesWhere(filter);
  const param = (value: unknown) => `$${params.push(value)}`;
  const afterKey = after
    ? `and (n.occurred_at, n.task_id, n.event_id) >
           (timestamptz 'epoch' + ${param(after[0])}::bigint * interval '1 microsecond', ${param(after[1])}::text, ${param(after[2])}::uuid)`
    : '';
  return manager.query<LapseSqlRow[]>(
    `select n.task_id, n.plan_id, n.due_date::text as due_date, n.occurred_at, n.event_id,
            (extract(epoch from n.occurred_at) * 1000000)::bigint::text as lapsed_us,
            n.responsible_agency, n.data, o.status, o.closed_at, t.kind, t.duty,
            (select coalesce(json_agg(json_build_object('type', r.type, 'at', r.occurred_at, 'data', r.data)
                                      order by r.occurred_at, r.type), '[]'::json)
               from ${s}.deadline_notices r
              where r.task_id = n.task_id and r.due_date = n.due_date and r.type <> 'DeadlineLapsed') as notices
       from ${s}.deadline_notices n
       left join ${s}.task_outcomes o on o.task_id = n.task_id
       left join ${s}.tasks t on t.task_id = n.task_id
      where ${where} ${afterKey}
      order by n.occurred_at, n.task_id, n.event_id
      limit ${param(take)}`,
    params,
  );
}

function lapseRecord(row: LapseSqlRow, asOf: string): LapseRecord {
  const status = row.status ?? 'open';
  const doneAt = status === 'completed' && row.closed_at ? row.closed_at.toISOString() : null;
  const lapsedAt = row.occurred_at.toISOString();
  return {
    taskId: row.task_id,
    planId: row.plan_id,
    // The lapse recorded the title of its day; people read the duty's own words (taskTitle).
    title: taskTitle({
      kind: row.kind ?? 'report',
      title: row.data.title,
      duty: row.duty ?? '',
      sourceClause: row.data.sourceClause,
    }).title,
    clause: row.data.sourceClause.section,
    dueDate: row.due_date,
    lapsedAt,
    lapseDate: vietnamDateAt(Date.parse(lapsedAt)),
    doneAt,
    status,
    daysLate: daysLate(
      row.due_date,
      doneAt ?? (status === 'cancelled' && row.closed_at ? row.closed_at.toISOString() : asOf),
    ),
    responsibleAgency: row.responsible_agency,
    remindersSent: row.notices
      .filter((notice) => notice.type === 'DeadlineReminderSent')
      .map((notice) => ({
        daysBefore: Number(notice.data.daysBefore),
        at: new Date(notice.at).toISOString(),
      })),
    escalations: row.notices
      .filter((notice) => notice.type === 'DeadlineEscalated')
      .map((notice) => ({
        level: Number(notice.data.level),
        toAgency: String(notice.data.escalatedToAgency),
        at: new Date(notice.at).toISOString(),
      })),
  };
}

/**
 * Tasks an agency answers for (as responsible agency: the lead, else the sole assignee), by year
 * of their due date, in the four states; cancelled tasks are left out.
 */
export async function agencyScorecard(
  manager: EntityManager,
  filter: AccountabilityFilter & { readonly agencyCode: string },
): Promise<ScorecardRow[]> {
  const s = projectionSchema(manager);
  const rows = await manager.query<{ due_date: string; status: string; closed_at: Date | null }[]>(
    `select due_date::text as due_date, status, closed_at from ${s}.task_outcomes
      where responsible_agency = $1 and status <> 'cancelled' and due_date >= $2::date and due_date <= $3::date`,
    [filter.agencyCode, filter.from, filter.to],
  );
  const byYear = new Map<number, ScorecardRow>();
  const asOf = Date.parse(filter.asOf);
  for (const row of rows) {
    const year = Number(row.due_date.slice(0, 4));
    const card = byYear.get(year) ?? {
      agencyCode: filter.agencyCode,
      year,
      doneOnTime: 0,
      doneLate: 0,
      openWithinDeadline: 0,
      openOverdue: 0,
    };
    const deadline = Date.parse(deadlineInstant(row.due_date));
    const state: ScorecardState =
      row.status === 'completed' && row.closed_at
        ? row.closed_at.getTime() < deadline
          ? 'doneOnTime'
          : 'doneLate'
        : asOf < deadline
          ? 'openWithinDeadline'
          : 'openOverdue';
    byYear.set(year, { ...card, [state]: card[state] + 1 });
  }
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}
