import type { EntityManager } from 'typeorm';
import type { AssigneeRole } from '#libs/tasks';
import { InvalidProjectionQueryError } from '../framework/deadlines.js';
import { pageOf, type Page } from '../framework/paging.js';
import { ResponsibilityRow } from './responsibility.entity.js';

export type ResponsibilityView = ResponsibilityRow;

export interface ListResponsibilitiesOptions {
  /** 'open' (default): tasks still open; 'closed': completed or cancelled; 'all'. */
  readonly status?: 'open' | 'closed' | 'all';
  readonly role?: AssigneeRole;
  readonly limit?: number;
  readonly offset?: number;
}

/** An agency's responsibilities by due date (then task id), a page at a time. */
export async function listResponsibilities(
  manager: EntityManager,
  agencyCode: string,
  options: ListResponsibilitiesOptions = {},
): Promise<Page<ResponsibilityView>> {
  const { limit, offset } = pageOf(options);
  const status = options.status ?? 'open';
  if (!['open', 'closed', 'all'].includes(status)) {
    throw new InvalidProjectionQueryError('status', "must be 'open', 'closed' or 'all'");
  }
  const query = manager
    .createQueryBuilder(ResponsibilityRow, 'r')
    .where('r.agencyCode = :agencyCode', { agencyCode });
  if (status === 'open') query.andWhere("r.taskStatus = 'open'");
  if (status === 'closed') query.andWhere("r.taskStatus <> 'open'");
  if (options.role) query.andWhere('r.role = :role', { role: options.role });
  const [rows, total] = await query
    .orderBy('r.dueDate', 'ASC')
    .addOrderBy('r.taskId', 'ASC')
    .limit(limit)
    .offset(offset)
    .getManyAndCount();
  return { items: rows.map((row) => ({ ...row })), total };
}
