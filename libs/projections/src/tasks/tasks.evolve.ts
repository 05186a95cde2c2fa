import { responsibleAgency } from '#libs/tasks';
import { toIsoInstant } from '../database/columns.js';
import type { TaskChange } from '../framework/projection.js';
import type { TaskRow } from './task.entity.js';

/** The task's row after a change: the task state after the event, flattened. */
export function evolveTaskRows(rows: readonly TaskRow[], change: TaskChange): TaskRow[] {
  const task = change.after;
  if (task.status === 'none') return [...rows];
  const occurredAt = toIsoInstant(change.recorded.metadata.occurredAt);
  return [
    {
      taskId: task.taskId,
      planId: task.planId,
      title: task.title,
      duty: task.duty,
      sourceClause: task.sourceClause,
      kind: task.kind,
      reportYear: task.reportYear,
      dueDate: task.dueDate,
      status: task.status,
      issuerAgencyCode: task.issuerAgencyCode,
      responsibleAgency: responsibleAgency(task),
      assignees: [...task.assignees],
      handoffs: [...task.handoffs],
      extensions: [...task.extensions],
      assignedAt: rows[0]?.assignedAt ?? occurredAt,
      updatedAt: occurredAt,
      streamVersion: change.recorded.streamVersion,
    },
  ];
}
