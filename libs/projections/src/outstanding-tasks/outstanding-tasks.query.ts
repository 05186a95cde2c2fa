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
  type KeyValues,
  type Page,
  type PageRequest,
} from '../framework/paging.js';
import { OutstandingTaskRow } from './outstanding-task.entity.js';
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
  readonly types: readonly ('text' | 'date' | 'int')[];
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

  const query = manager
    .createQueryBuilder(OutstandingTaskRow, 'o')
    .where('o.agencyCode = :agencyCode', { agencyCode });
  if (states) query.andWhere('o.state IN (:...states)', { states: states.length > 0 ? states : [''] });
  if (options.overdue === true) query.andWhere('o.dueDate < :today', { today: window.today });
  if (options.overdue === false) query.andWhere('o.dueDate >= :today', { today: window.today });
  const counted = options.count ? query.clone() : undefined;

  const direction = key.descending ? 'DESC' : 'ASC';
  if (sort === 'state') {
    if (after) {
      query.andWhere(
        '(o.stateRank, o.dueDate, o.taskId) > (CAST(:rank AS bigint), CAST(:due AS date), :taskId)',
        {
          rank: after[0],
          due: after[1],
          taskId: after[2],
        },
      );
    }
    query.orderBy('o.stateRank', 'ASC');
  } else if (after) {
    // A row comparison: the index (agency_code, due_date, task_id) is read from the cursor on.
    query.andWhere(`(o.dueDate, o.taskId) ${key.descending ? '<' : '>'} (CAST(:due AS date), :taskId)`, {
      due: after[0],
      taskId: after[1],
    });
  }
  const rows = await query
    .addOrderBy('o.dueDate', direction)
    .addOrderBy('o.taskId', direction)
    .limit(limit + 1)
    .offset(offset)
    .getMany();
  const page = keysetPage(rows, limit, key.kind, key.keyOf, (row) => outstandingItem(row, window));
  return counted ? { ...page, total: await counted.getCount() } : page;
}

/** A row as the API shows it, flagged as of the window's day. */
export function outstandingItem(row: OutstandingTaskRow, window: DeadlineWindow): OutstandingItem {
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
