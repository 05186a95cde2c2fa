import fc from 'fast-check';
import type { RecordedEvent } from '#libs/event-store';
import type { TaskEvent } from '#libs/tasks';
import {
  acknowledged,
  completionAccepted,
  completionReturned,
  completionSubmitted,
  extensionRequested,
  handoffAccepted,
  handoffDeclined,
  handoffRequested,
  HEALTH,
  LEAD,
  POLICE,
  progressReported,
  REQUESTED,
  SUPPORT,
  taskAssigned,
  taskCancelled,
  taskCompleted,
  taskReassigned,
} from '../../../tasks/src/testing/task.fixtures.js';
import { recorded } from './task-changes.js';

/** Events a task's stream may hold after its assignment, in any order a history may give them. */
export const LATER: readonly TaskEvent[] = [
  acknowledged(LEAD),
  acknowledged(SUPPORT),
  progressReported(SUPPORT),
  handoffRequested('h-1', LEAD, HEALTH),
  handoffAccepted('h-1', LEAD, HEALTH),
  handoffDeclined('h-1', LEAD, HEALTH),
  taskReassigned(SUPPORT, POLICE),
  extensionRequested('e-1', REQUESTED, '2025-01-31'),
  completionSubmitted(SUPPORT),
  completionReturned(SUPPORT),
  completionSubmitted(LEAD),
  completionAccepted(LEAD),
  taskCompleted(),
  taskCancelled(),
];

const BASE = Date.parse('2025-03-01T00:00:00.000Z');
const HOUR = 3_600_000;
/** An instant `hours` after 1 March 2025 (halves fall between the histories' times). */
export const iso = (hours: number): string => new Date(BASE + hours * HOUR).toISOString();

/** The event as it is for another task than the fixtures' one. */
const forTask = (event: TaskEvent, taskId: string | undefined): TaskEvent =>
  taskId === undefined ? event : ({ ...event, data: { ...event.data, taskId } } as TaskEvent);

const streamOf = (
  entries: readonly { event: TaskEvent; occurred: number; recorded: number }[],
  taskId: string | undefined,
): RecordedEvent[] =>
  entries.map((entry, index) =>
    recorded(forTask(entry.event, taskId), {
      position: index + 1,
      occurredAt: iso(entry.occurred),
      recordedAt: iso(entry.recorded),
    }),
  );

/** A stream: assigned first, then events, each with its own occurred and recorded hour (ties too). */
export const shuffledHistories = (taskId?: string): fc.Arbitrary<RecordedEvent[]> =>
  fc
    .array(
      fc.record({
        event: fc.constantFrom(...LATER),
        occurred: fc.integer({ min: 0, max: 12 }),
        recorded: fc.integer({ min: 0, max: 12 }),
      }),
      { maxLength: 10 },
    )
    .chain((later) =>
      fc
        .record({ occurred: fc.integer({ min: 0, max: 12 }), recorded: fc.integer({ min: 0, max: 12 }) })
        .map((first) => streamOf([{ event: taskAssigned(), ...first }, ...later], taskId)),
    );

/**
 * A stream mostly in time order, as commands give them: each event some hours after the last on
 * each axis, often at the same hour, now and then before (a late entry on that axis).
 */
export const orderedHistories = (taskId?: string): fc.Arbitrary<RecordedEvent[]> =>
  fc
    .array(
      fc.record({
        event: fc.constantFrom(...LATER),
        occurred: fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 20 },
          { arbitrary: fc.integer({ min: -3, max: -1 }), weight: 1 },
        ),
        recorded: fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 30 },
          { arbitrary: fc.integer({ min: -2, max: -1 }), weight: 1 },
        ),
      }),
      { maxLength: 14 },
    )
    .map((later) => {
      let occurred = 0;
      let recordedAt = 0;
      const times = later.map((entry) => {
        occurred += entry.occurred;
        recordedAt += entry.recorded;
        return { event: entry.event, occurred, recorded: recordedAt };
      });
      return streamOf([{ event: taskAssigned(), occurred: 0, recorded: 0 }, ...times], taskId);
    });

/** Either kind: mostly in order, a third shuffled. */
export const histories = (taskId?: string): fc.Arbitrary<RecordedEvent[]> =>
  fc.oneof(
    { arbitrary: orderedHistories(taskId), weight: 2 },
    { arbitrary: shuffledHistories(taskId), weight: 1 },
  );
