import { taskTitle, type AssignmentState, type Task } from '#libs/tasks';
import type { TaskChange } from '../framework/projection.js';
import type { OutstandingTaskRow } from './outstanding-task.entity.js';
import { OUTSTANDING_STATES, type OutstandingState } from './outstanding-states.js';

/**
 * An assignee's outstanding state. A completion awaiting a decision comes first (the agency has
 * done its part), then a pending handoff it asked for, then a pending extension it asked for;
 * otherwise its own status: not acknowledged, in progress (acknowledged or reporting), returned.
 */
export function outstandingState(task: Task, assignee: AssignmentState): OutstandingState {
  if (assignee.status === 'completion-submitted') return 'completion-submitted';
  if (task.handoffs.some((h) => h.status === 'pending' && h.fromAgency === assignee.agencyCode)) {
    return 'handoff-pending';
  }
  if (task.extensions.some((e) => e.status === 'pending' && e.agencyCode === assignee.agencyCode)) {
    return 'extension-pending';
  }
  switch (assignee.status) {
    case 'assigned':
      return 'not-acknowledged';
    case 'acknowledged':
    case 'in-progress':
      return 'in-progress';
    case 'completion-returned':
      return 'completion-returned';
    case 'completed':
      // Not outstanding; callers filter completed assignees out first.
      return 'completion-submitted';
    default: {
      const _exhaustive: never = assignee.status;
      return 'in-progress';
    }
  }
}

/**
 * A task's outstanding rows after a change: one per assignee that still owes an open task, and
 * one per agency offered a pending handoff ('handoff-offered'): it owes an answer, accept or
 * decline, though it is not responsible yet. A handoff never targets a current assignee, and at
 * most one pending handoff targets an agency, so an agency has at most one row per task.
 */
export function evolveOutstandingTasks(
  rows: readonly OutstandingTaskRow[],
  change: TaskChange,
): OutstandingTaskRow[] {
  const task = change.after;
  if (task.status === 'none') return [...rows];
  if (task.status !== 'open') return [];
  const row = (agencyCode: string, role: OutstandingTaskRow['role'], state: OutstandingState) => ({
    agencyCode,
    taskId: task.taskId,
    planId: task.planId,
    // The title people read (a duty's own words, not its party's name: libs/tasks taskTitle).
    title: taskTitle(task).title,
    role,
    dueDate: task.dueDate,
    state,
    stateRank: OUTSTANDING_STATES.indexOf(state),
  });
  const owed = task.assignees
    .filter((assignee) => assignee.status !== 'completed')
    .map((assignee) => row(assignee.agencyCode, assignee.role, outstandingState(task, assignee)));
  const offered = task.handoffs
    .filter((handoff) => handoff.status === 'pending')
    .map((handoff) => row(handoff.toAgency, handoff.role, 'handoff-offered'));
  return [...owed, ...offered];
}
