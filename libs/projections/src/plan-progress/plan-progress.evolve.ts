import type { AssignmentState, Task } from '#libs/tasks';
import type { TaskChange } from '../framework/projection.js';
import type { PlanProgressRow } from './plan-progress.entity.js';
import type { ProgressState } from './progress-states.js';

/** A closed task counts as completed or cancelled for every agency; an open one by assignee status. */
export function progressState(task: Task, assignee: AssignmentState): ProgressState {
  if (task.status === 'cancelled') return 'cancelled';
  if (task.status === 'completed') return 'completed';
  return assignee.status === 'assigned' ? 'not-acknowledged' : assignee.status;
}

/** A task's progress rows after a change: one per current assignee. */
export function evolvePlanProgress(rows: readonly PlanProgressRow[], change: TaskChange): PlanProgressRow[] {
  const task = change.after;
  if (task.status === 'none') return [...rows];
  return task.assignees.map((assignee) => ({
    planId: task.planId,
    agencyCode: assignee.agencyCode,
    taskId: task.taskId,
    role: assignee.role,
    dueDate: task.dueDate,
    taskStatus: task.status,
    state: progressState(task, assignee),
  }));
}
