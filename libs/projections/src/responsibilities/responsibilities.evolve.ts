import { taskTitle } from '#libs/tasks';
import { toIsoInstant } from '../database/columns.js';
import type { TaskChange } from '../framework/projection.js';
import type { ResponsibilityRow } from './responsibility.entity.js';

/**
 * A task's responsibility rows after a change: one per current assignee, carrying over when each
 * agency took it on. An agency that handed the task off (or was reassigned) loses its row.
 */
export function evolveResponsibilities(
  rows: readonly ResponsibilityRow[],
  change: TaskChange,
): ResponsibilityRow[] {
  const task = change.after;
  if (task.status === 'none') return [...rows];
  const occurredAt = toIsoInstant(change.recorded.metadata.occurredAt);
  return task.assignees.map((assignee) => ({
    agencyCode: assignee.agencyCode,
    taskId: task.taskId,
    planId: task.planId,
    role: assignee.role,
    title: taskTitle(task).title,
    dueDate: task.dueDate,
    taskStatus: task.status,
    assignmentStatus: assignee.status,
    since: rows.find((row) => row.agencyCode === assignee.agencyCode)?.since ?? occurredAt,
  }));
}
