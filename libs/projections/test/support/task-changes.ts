import type { RecordedEvent } from '#libs/event-store';
import type { PlanEvent } from '#libs/plans';
import { evolve, initialState, type TaskEvent, type TaskState } from '#libs/tasks';
import type { PlanChange, TaskChange } from '../../src/framework/projection.js';

export interface RecordedOptions {
  readonly position?: number;
  readonly streamVersion?: number;
  readonly occurredAt?: string;
  readonly recordedAt?: string;
  readonly actor?: { personId: string; agencyCode: string };
}

/** A recorded event as the store would hand it to a projection. */
export function recorded(event: TaskEvent | PlanEvent, options: RecordedOptions = {}): RecordedEvent {
  const position = options.position ?? 1;
  const occurredAt = options.occurredAt ?? '2024-06-03T09:00:00+07:00';
  return {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId: 'taskId' in event.data ? `task-${event.data.taskId}` : `plan-${event.data.planId}`,
    streamVersion: options.streamVersion ?? position,
    globalPosition: BigInt(position),
    transactionId: BigInt(1000 + position),
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: {
      actor: options.actor ?? { personId: 'p-issuer', agencyCode: 'UBND-LC' },
      occurredAt,
      recordedAt: options.recordedAt ?? new Date(Date.parse(occurredAt) + 1000).toISOString(),
    },
  };
}

/**
 * Folds task events as the runner does and returns one change per event (state before and after).
 * Event i happens at `start` + i hours, at global position i + 1.
 */
export function changesOf(
  events: readonly TaskEvent[],
  options: { start?: string; from?: TaskState; actor?: RecordedOptions['actor'] } = {},
): TaskChange[] {
  const start = Date.parse(options.start ?? '2024-06-03T02:00:00.000Z');
  let state = options.from ?? initialState();
  return events.map((event, index) => {
    const before = state;
    state = evolve(state, event);
    return {
      kind: 'task',
      recorded: recorded(event, {
        position: index + 1,
        occurredAt: new Date(start + index * 3_600_000).toISOString(),
        ...(options.actor ? { actor: options.actor } : {}),
      }),
      event,
      before,
      after: state,
    };
  });
}

export function planChangeOf(event: PlanEvent, options: RecordedOptions = {}): PlanChange {
  return { kind: 'plan', recorded: recorded(event, options), event };
}

/** Applies a pure row-set evolve over a sequence of changes, as the runner does per task. */
export function foldRows<Row>(
  evolveRows: (rows: readonly Row[], change: TaskChange) => Row[],
  changes: readonly TaskChange[],
): Row[] {
  return changes.reduce<Row[]>((rows, change) => evolveRows(rows, change), []);
}
