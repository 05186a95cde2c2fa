import type { EntityManager } from 'typeorm';
import type { AssigneeRole } from '#libs/tasks';
import {
  deadlineFlags,
  deadlineWindow,
  InvalidProjectionQueryError,
  type DeadlineFlags,
} from '../framework/deadlines.js';
import { pageOf, type Page } from '../framework/paging.js';
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

export interface ListOutstandingOptions {
  /** The instant the flags are computed for (the caller's "now"); required, never the wall clock. */
  readonly asOf: Date | string;
  /** 'dueDate' (default): earliest first; '-dueDate': latest first; 'state': by state, then due date. */
  readonly sort?: OutstandingSort;
  readonly limit?: number;
  readonly offset?: number;
  /** Only tasks in this state (or these states). */
  readonly state?: OutstandingState | readonly OutstandingState[];
  /** true: only overdue tasks as of `asOf`; false: only tasks not overdue. */
  readonly overdue?: boolean;
}

/** What an agency owes as of an instant, with overdue and due-within-7-days flags. */
export async function listOutstanding(
  manager: EntityManager,
  agencyCode: string,
  options: ListOutstandingOptions,
): Promise<Page<OutstandingItem>> {
  const window = deadlineWindow(options.asOf);
  const { limit, offset } = pageOf(options);
  const sort = options.sort ?? 'dueDate';
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

  const query = manager
    .createQueryBuilder(OutstandingTaskRow, 'o')
    .where('o.agencyCode = :agencyCode', { agencyCode });
  if (states) query.andWhere('o.state IN (:...states)', { states: states.length > 0 ? states : [''] });
  if (options.overdue === true) query.andWhere('o.dueDate < :today', { today: window.today });
  if (options.overdue === false) query.andWhere('o.dueDate >= :today', { today: window.today });
  switch (sort) {
    case 'dueDate':
      query.orderBy('o.dueDate', 'ASC');
      break;
    case '-dueDate':
      query.orderBy('o.dueDate', 'DESC');
      break;
    case 'state':
      query.orderBy('o.stateRank', 'ASC').addOrderBy('o.dueDate', 'ASC');
      break;
    default: {
      const _exhaustive: never = sort;
      throw new InvalidProjectionQueryError('sort', "must be 'dueDate', '-dueDate' or 'state'");
    }
  }
  const [rows, total] = await query
    .addOrderBy('o.taskId', 'ASC')
    .limit(limit)
    .offset(offset)
    .getManyAndCount();
  return {
    items: rows.map((row) => ({
      taskId: row.taskId,
      planId: row.planId,
      title: row.title,
      role: row.role,
      dueDate: row.dueDate,
      state: row.state,
      ...deadlineFlags(row.dueDate, window),
    })),
    total,
  };
}
