import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '#libs/event-store';
import { taskStreamId } from '#libs/tasks';
import { TaskRow } from '../tasks/task.entity.js';
import { tasksOfAgency } from './agency-tasks.projection.js';
import { foldTaskAt, type PastInstant, type TaskAt } from './past-state.js';

/** Reads whole streams from the event store (the PostgreSQL store reads many in one query). */
export interface StreamsReader {
  readStream(streamId: string): Promise<RecordedEvent[]>;
  readStreams?(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
}

async function foldTasksAt(
  reader: StreamsReader,
  taskIds: readonly string[],
  instant: PastInstant,
): Promise<TaskAt[]> {
  const ids = taskIds.map(taskStreamId);
  const streams = reader.readStreams
    ? await reader.readStreams(ids)
    : new Map(await Promise.all(ids.map(async (id) => [id, await reader.readStream(id)] as const)));
  return ids.map((id) => foldTaskAt(streams.get(id) ?? [], instant));
}

/** One task at an instant: its own stream, folded up to the instant on its axis. */
export async function taskAt(reader: StreamsReader, taskId: string, instant: PastInstant): Promise<TaskAt> {
  return foldTaskAt(await reader.readStream(taskStreamId(taskId)), instant);
}

/**
 * The tasks an agency is or was a party to, each at the instant: the agency-tasks index names
 * them, and only their streams are read, never the whole log.
 */
export async function agencyTasksAt(
  reader: StreamsReader,
  manager: EntityManager,
  agencyCode: string,
  instant: PastInstant,
): Promise<TaskAt[]> {
  return foldTasksAt(reader, await tasksOfAgency(manager, agencyCode), instant);
}

/** The tasks of a plan, each at the instant. */
export async function planTasksAt(
  reader: StreamsReader,
  manager: EntityManager,
  planId: string,
  instant: PastInstant,
): Promise<TaskAt[]> {
  const rows = await manager.find(TaskRow, { where: { planId }, select: { taskId: true } });
  return foldTasksAt(
    reader,
    rows.map((row) => row.taskId),
    instant,
  );
}
