import type { EntityManager } from 'typeorm';
import type { AssigneeRole } from '#libs/tasks';
import { InvalidProjectionQueryError } from '../framework/deadlines.js';
import {
  decodeCursor,
  keysetPage,
  pageOf,
  type KeyValues,
  type Page,
  type PageRequest,
} from '../framework/paging.js';
import { ResponsibilityRow } from './responsibility.entity.js';

export type ResponsibilityView = ResponsibilityRow;

export interface ListResponsibilitiesOptions extends PageRequest {
  /** 'open' (default): tasks still open; 'closed': completed or cancelled; 'all'. */
  readonly status?: 'open' | 'closed' | 'all';
  readonly role?: AssigneeRole;
}

/** A responsibility's place in the list: due date, then task id; the cursor's name and types. */
export const RESPONSIBILITY_KEY = {
  kind: 'responsibilities',
  types: ['date', 'text'],
  keyOf: (row: Pick<ResponsibilityRow, 'dueDate' | 'taskId'>): KeyValues => [row.dueDate, row.taskId],
} as const;

export function responsibilityStatus(options: ListResponsibilitiesOptions): 'open' | 'closed' | 'all' {
  const status = options.status ?? 'open';
  if (!['open', 'closed', 'all'].includes(status)) {
    throw new InvalidProjectionQueryError('status', "must be 'open', 'closed' or 'all'");
  }
  return status;
}

/**
 * An agency's responsibilities by due date (then task id), a keyset page at a time along the index
 * (agency_code, due_date, task_id) (projection migration 7).
 */
export async function listResponsibilities(
  manager: EntityManager,
  agencyCode: string,
  options: ListResponsibilitiesOptions = {},
): Promise<Page<ResponsibilityView>> {
  const { limit, offset } = pageOf(options);
  const status = responsibilityStatus(options);
  const after =
    options.cursor === undefined
      ? undefined
      : decodeCursor(options.cursor, RESPONSIBILITY_KEY.kind, RESPONSIBILITY_KEY.types);
  const query = manager
    .createQueryBuilder(ResponsibilityRow, 'r')
    .where('r.agencyCode = :agencyCode', { agencyCode });
  if (status === 'open') query.andWhere("r.taskStatus = 'open'");
  if (status === 'closed') query.andWhere("r.taskStatus <> 'open'");
  if (options.role) query.andWhere('r.role = :role', { role: options.role });
  const counted = options.count ? query.clone() : undefined;
  if (after) {
    query.andWhere('(r.dueDate, r.taskId) > (CAST(:due AS date), :taskId)', {
      due: after[0],
      taskId: after[1],
    });
  }
  const rows = await query
    .orderBy('r.dueDate', 'ASC')
    .addOrderBy('r.taskId', 'ASC')
    .limit(limit + 1)
    .offset(offset)
    .getMany();
  const page = keysetPage(rows, limit, RESPONSIBILITY_KEY.kind, RESPONSIBILITY_KEY.keyOf, (row) => ({
    ...row,
  }));
  return counted ? { ...page, total: await counted.getCount() } : page;
}
