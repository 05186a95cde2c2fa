import type { EntityManager } from 'typeorm';
import type { AssigneeRole } from '#libs/tasks';
import {
  deadlineFlags,
  deadlineWindow,
  InvalidProjectionQueryError,
  type DeadlineFlags,
  type DeadlineWindow,
} from '../framework/deadlines.js';
import {
  decodeCursor,
  keysetPage,
  pageOf,
  type KeyType,
  type KeyValues,
  type Page,
  type PageRequest,
} from '../framework/paging.js';
import { projectionSchema } from '../database/schema.js';
import { preparedQuery } from '../database/prepared-query.js';
import type { OutstandingTaskRow } from './outstanding-task.entity.js';
import { OUTSTANDING_STATES, type OutstandingState } from './outstanding-states.js';

export interface OutstandingItem extends DeadlineFlags {
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  readonly role: AssigneeRole;
  readonly dueDate: string;
  readonly state: OutstandingState;
}

export type OutstandingSort = 'dueDate' | '-dueDate' | 'state';

export interface ListOutstandingOptions extends PageRequest {
  /** The instant the flags are computed for (the caller's "now"); required, never the wall clock. */
  readonly asOf: Date | string;
  /**
   * 'dueDate' (default): earliest first; '-dueDate': latest first (the exact reverse, ties by task
   * id descending); 'state': by state, then due date. Ties are broken by task id.
   */
  readonly sort?: OutstandingSort;
  /** Only tasks in this state (or these states). */
  readonly state?: OutstandingState | readonly OutstandingState[];
  /** true: only overdue tasks as of `asOf`; false: only tasks not overdue. */
  readonly overdue?: boolean;
}

/** The sort key of an outstanding row under a sort, and the cursor's name and value types. */
export function outstandingKey(sort: OutstandingSort): {
  readonly kind: string;
  readonly types: readonly KeyType[];
  readonly keyOf: (row: Pick<OutstandingTaskRow, 'dueDate' | 'taskId' | 'stateRank'>) => KeyValues;
  readonly descending: boolean;
} {
  if (sort === 'state') {
    return {
      kind: 'outstanding:state',
      types: ['int', 'date', 'text'],
      keyOf: (row) => [row.stateRank, row.dueDate, row.taskId],
      descending: false,
    };
  }
  return {
    kind: `outstanding:${sort}`,
    types: ['date', 'text'],
    keyOf: (row) => [row.dueDate, row.taskId],
    descending: sort === '-dueDate',
  };
}

/** The states asked for, each checked. */
export function outstandingStates(options: ListOutstandingOptions): readonly OutstandingState[] | undefined {
  const states =
    options.state === undefined
      ? undefined
      : typeof options.state === 'string'
        ? [options.state]
        : options.state;
  for (const state of states ?? []) {
    if (!(OUTSTANDING_STATES as readonly string[]).includes(state)) {
      throw new InvalidProjectionQueryError('state', `must be one of ${OUTSTANDING_STATES.join(', ')}`);
    }
  }
  return states;
}

/**
 * What an agency owes as of an instant, with overdue and due-within-7-days flags, a keyset page at
 * a time: each sort has an index that starts with the agency and holds the whole sort key
 * (projection migration 7), so a page reads its rows and no more, however many the agency owes.
 * Plain SQL rather than the query builder: this is the hottest read, and building the query and
 * hydrating entities cost more than the database's part (bench:outstanding).
 */
export async function listOutstanding(
  manager: EntityManager,
  agencyCode: string,
  options: ListOutstandingOptions,
): Promise<Page<OutstandingItem>> {
  const window = deadlineWindow(options.asOf);
  const { limit, offset } = pageOf(options);
  const sort = options.sort ?? 'dueDate';
  if (!['dueDate', '-dueDate', 'state'].includes(sort)) {
    throw new InvalidProjectionQueryError('sort', "must be 'dueDate', '-dueDate' or 'state'");
  }
  const states = outstandingStates(options);
  const key = outstandingKey(sort);
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, key.kind, key.types);

  const params: unknown[] = [agencyCode];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ['o.agency_code = $1'];
  if (states) where.push(`o.state = any(${param([...states])}::text[])`);
  if (options.overdue === true) where.push(`o.due_date < ${param(window.today)}::date`);
  if (options.overdue === false) where.push(`o.due_date >= ${param(window.today)}::date`);
  const table = `${projectionSchema(manager)}.outstanding_tasks o`;
  const counting = options.count
    ? { sql: `select count(*)::int as total from ${table} where ${where.join(' and ')}`, params: [...params] }
    : undefined;

  // A row comparison along the sort's index, from the cursor's key on.
  if (after && sort === 'state') {
    where.push(
      `(o.state_rank, o.due_date, o.task_id) > (${param(after[0])}::bigint, ${param(after[1])}::date, ${param(after[2])})`,
    );
  } else if (after) {
    const direction = key.descending ? '<' : '>';
    where.push(`(o.due_date, o.task_id) ${direction} (${param(after[0])}::date, ${param(after[1])})`);
  }
  const order =
    sort === 'state'
      ? 'o.state_rank, o.due_date, o.task_id'
      : key.descending
        ? 'o.due_date desc, o.task_id desc'
        : 'o.due_date, o.task_id';
  // A prepared statement: its text depends only on the schema and the options' shape.
  const rows = await preparedQuery<OutstandingRowFields>(
    manager,
    `select o.task_id, o.plan_id, o.title, o.role, to_char(o.due_date, 'YYYY-MM-DD') as due_date,
            o.state, o.state_rank
       from ${table} where ${where.join(' and ')}
      order by ${order} limit ${param(limit + 1)} offset ${param(offset)}`,
    params,
  );
  const page = keysetPage(rows.map(fromRow), limit, key.kind, key.keyOf, (row) =>
    outstandingItem(row, window),
  );
  if (!counting) return page;
  const [counted] = await manager.query<{ total: number }[]>(counting.sql, counting.params);
  return { ...page, total: counted?.total ?? 0 };
}

interface OutstandingRowFields {
  readonly task_id: string;
  readonly plan_id: string;
  readonly title: string;
  readonly role: AssigneeRole;
  readonly due_date: string;
  readonly state: OutstandingState;
  readonly state_rank: number;
}

type OutstandingFields = Pick<
  OutstandingTaskRow,
  'taskId' | 'planId' | 'title' | 'role' | 'dueDate' | 'state' | 'stateRank'
>;

function fromRow(row: OutstandingRowFields): OutstandingFields {
  return {
    taskId: row.task_id,
    planId: row.plan_id,
    title: row.title,
    role: row.role,
    dueDate: row.due_date,
    state: row.state,
    stateRank: Number(row.state_rank),
  };
}

/** A row as the API shows it, flagged as of the window's day. */
export function outstandingItem(row: OutstandingFields, window: DeadlineWindow): OutstandingItem {
  return {
    taskId: row.taskId,
    planId: row.planId,
    title: row.title,
    role: row.role,
    dueDate: row.dueDate,
    state: row.state,
    ...deadlineFlags(row.dueDate, window),
  };
}
