import { In, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#libs/event-store';
import { evolve, initialState, type TaskState } from '#libs/tasks';
import { writeRows } from '../database/json-rows.js';
import { asTaskEvent, type TaskChange } from './projection.js';
import { ProjectionTaskStateRow } from './task-state.entity.js';

/** Bump when TaskState (libs/tasks) changes shape or meaning: the stored states are refolded. */
export const TASK_STATE_VERSION = 2;

interface Folded {
  streamVersion: number;
  state: TaskState;
}

/**
 * Folds task events into the stored task states, in memory, for one batch: load the touched tasks
 * in one query, fold, write the changed ones in one statement per 500 tasks.
 */
export class TaskStateFold {
  private readonly states = new Map<string, Folded>();
  private readonly changed = new Set<string>();

  private constructor(private readonly manager: EntityManager) {}

  static async load(manager: EntityManager, events: readonly RecordedEvent[]): Promise<TaskStateFold> {
    const fold = new TaskStateFold(manager);
    const taskIds = [...new Set(events.flatMap((event) => asTaskEvent(event)?.data.taskId ?? []))];
    if (taskIds.length > 0) {
      const rows = await manager.find(ProjectionTaskStateRow, { where: { taskId: In(taskIds) } });
      for (const row of rows)
        fold.states.set(row.taskId, { streamVersion: row.streamVersion, state: row.state });
    }
    return fold;
  }

  /** Folds one task event; returns the change, or null for an event that is not a task event. */
  apply(recorded: RecordedEvent): TaskChange | null {
    const event = asTaskEvent(recorded);
    if (!event) return null;
    const taskId = event.data.taskId;
    const current = this.states.get(taskId) ?? { streamVersion: 0, state: initialState() };
    if (recorded.streamVersion <= current.streamVersion) {
      // Folding it now would corrupt the state; stop loudly rather than skip an event.
      throw new Error(
        `Task ${taskId}: event ${recorded.id} (stream version ${recorded.streamVersion}, position ` +
          `${recorded.globalPosition}) arrived after stream version ${current.streamVersion}; ` +
          'the global log delivered this stream out of order',
      );
    }
    const after = evolve(current.state, event);
    this.states.set(taskId, { streamVersion: recorded.streamVersion, state: after });
    this.changed.add(taskId);
    return { kind: 'task', recorded, event, before: current.state, after };
  }

  async save(): Promise<void> {
    const rows = [...this.changed].map((taskId) => {
      const folded = this.states.get(taskId)!;
      return { taskId, streamVersion: folded.streamVersion, state: folded.state };
    });
    await writeRows(this.manager, ProjectionTaskStateRow, rows, {
      conflict: ['taskId'],
      onConflict: 'update',
    });
    this.changed.clear();
  }

  static async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(ProjectionTaskStateRow).execute();
  }
}
