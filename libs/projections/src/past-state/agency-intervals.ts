import { In, type EntityManager } from 'typeorm';
import type { EventMetadata, RecordedEvent } from '#libs/event-store';
import { decodeTaskEvent, evolve, initialState, type TaskState } from '#libs/tasks';
import { writeRows } from '../database/json-rows.js';
import {
  taskChanges,
  type Projection,
  type ProjectionEvent,
  type TaskChange,
} from '../framework/projection.js';
import type { OutstandingTaskRow } from '../outstanding-tasks/outstanding-task.entity.js';
import { evolveOutstandingTasks } from '../outstanding-tasks/outstanding-tasks.evolve.js';
import { evolveResponsibilities } from '../responsibilities/responsibilities.evolve.js';
import type { ResponsibilityRow } from '../responsibilities/responsibility.entity.js';
import {
  AgencyIntervalEventRow,
  AgencyIntervalRow,
  type StoredRecordedEvent,
} from './agency-interval.entity.js';
import type { PastInstant, TimeAxis } from './past-state.js';

/** One agency's rows of one task, the same for every instant of [fromAt, untilAt) on an axis. */
export interface AgencyInterval {
  readonly taskId: string;
  readonly axis: TimeAxis;
  readonly agencyCode: string;
  readonly fromAt: string;
  readonly untilAt: string | null;
  /** As the fold lists them: one row at most in any history the domain's decisions allow. */
  readonly responsibilities: readonly ResponsibilityRow[];
  readonly outstanding: readonly OutstandingTaskRow[];
}

type RowsOfAgency = Pick<AgencyInterval, 'responsibilities' | 'outstanding'>;

const AXES: readonly TimeAxis[] = ['knownAt', 'validAt'];

const timeOn = (axis: TimeAxis, event: RecordedEvent): number =>
  Date.parse(axis === 'knownAt' ? event.metadata.recordedAt : event.metadata.occurredAt);

/**
 * The intervals of one task's stream on both axes. The fold up to an instant T takes the events
 * whose time on the axis is <= T, in stream order (past-state.ts `foldTaskAt`), so it only changes
 * at the events' own times: every instant between two of them consecutive in time has the same
 * fold. The agencies' rows at each of those times are read off the fold as the live projections'
 * evolves give them, and an agency's consecutive equal rows merge into one interval.
 */
export function agencyIntervalsOf(taskId: string, stream: readonly RecordedEvent[]): AgencyInterval[] {
  const intervals: AgencyInterval[] = [];
  for (const axis of AXES) {
    const open = new Map<string, AgencyInterval>();
    for (const { at, responsibilities, outstanding } of foldsAtEachTime(stream, axis)) {
      const rows = new Map<string, RowsOfAgency>();
      const rowsOf = (agencyCode: string) =>
        rows.get(agencyCode) ?? { responsibilities: [], outstanding: [] };
      for (const row of responsibilities) {
        const now = rowsOf(row.agencyCode);
        rows.set(row.agencyCode, { ...now, responsibilities: [...now.responsibilities, row] });
      }
      for (const row of outstanding) {
        const now = rowsOf(row.agencyCode);
        rows.set(row.agencyCode, { ...now, outstanding: [...now.outstanding, row] });
      }
      for (const [agencyCode, interval] of open) {
        const now = rows.get(agencyCode);
        if (now && sameRows(interval, now)) continue;
        intervals.push({ ...interval, untilAt: at });
        open.delete(agencyCode);
      }
      for (const [agencyCode, now] of rows) {
        if (!open.has(agencyCode)) {
          open.set(agencyCode, { taskId, axis, agencyCode, fromAt: at, untilAt: null, ...now });
        }
      }
    }
    intervals.push(...open.values());
  }
  return intervals;
}

/**
 * `responsibilityRowsAt(foldTaskAt(stream, { axis, at }))` and `outstandingRowsAt(...)` at each
 * distinct time of the stream on the axis, in time order, without folding the stream once per
 * time: the fold of the first k events of the stream (those of them the instant takes) is kept
 * for every k, and only refolded from the first event that joins at the next time. Events
 * recorded in stream order join at the end, so a stream is folded about once; a late entry
 * refolds what follows it.
 */
function foldsAtEachTime(
  stream: readonly RecordedEvent[],
  axis: TimeAxis,
): { at: string; responsibilities: ResponsibilityRow[]; outstanding: OutstandingTaskRow[] }[] {
  const times = stream.map((event) => timeOn(axis, event));
  const decoded = stream.map((event) => decodeTaskEvent(event));
  // After the first k events: the state, the responsibility rows, the last change.
  const states: TaskState[] = [initialState()];
  const responsibilities: ResponsibilityRow[][] = [[]];
  const lastChanges: (TaskChange | null)[] = [null];
  const folds = [];
  let foldedUpTo = 0;
  for (const time of [...new Set(times)].filter((t) => !Number.isNaN(t)).sort((a, b) => a - b)) {
    foldedUpTo = Math.min(foldedUpTo, times.indexOf(time));
    for (let k = foldedUpTo; k < stream.length; k++) {
      const recorded = stream[k]!;
      const event = decoded[k];
      const before = states[k]!;
      if (event && times[k]! <= time) {
        const after = evolve(before, event, recorded.metadata.occurredAt);
        const change: TaskChange = { kind: 'task', recorded, event, before, after };
        states[k + 1] = after;
        responsibilities[k + 1] = evolveResponsibilities(responsibilities[k]!, change);
        lastChanges[k + 1] = change;
      } else {
        states[k + 1] = before;
        responsibilities[k + 1] = responsibilities[k]!;
        lastChanges[k + 1] = lastChanges[k]!;
      }
    }
    foldedUpTo = stream.length;
    const last = lastChanges[stream.length];
    folds.push({
      at: new Date(time).toISOString(),
      responsibilities: responsibilities[stream.length]!,
      outstanding: last ? evolveOutstandingTasks([], last) : [],
    });
  }
  return folds;
}

/** Rows are flat objects of strings and numbers: equal when every property is. */
const sameList = (a: readonly object[], b: readonly object[]): boolean =>
  a.length === b.length &&
  a.every((row, i) => {
    const other = b[i] as Record<string, unknown>;
    const entries = Object.entries(row);
    return (
      entries.length === Object.keys(other).length && entries.every(([key, value]) => other[key] === value)
    );
  });

const sameRows = (a: RowsOfAgency, b: RowsOfAgency): boolean =>
  sameList(a.responsibilities, b.responsibilities) && sameList(a.outstanding, b.outstanding);

/** The rows of the intervals that hold the instant (what an agency's past state lists). */
export function rowsAt(
  intervals: readonly AgencyInterval[],
  instant: PastInstant,
): { responsibilities: ResponsibilityRow[]; outstanding: OutstandingTaskRow[] } {
  const at = Date.parse(instant.at);
  const holding = intervals.filter(
    (interval) =>
      interval.axis === instant.axis &&
      Date.parse(interval.fromAt) <= at &&
      (interval.untilAt === null || at < Date.parse(interval.untilAt)),
  );
  return {
    responsibilities: holding.flatMap((interval) => interval.responsibilities),
    outstanding: holding.flatMap((interval) => interval.outstanding),
  };
}

const intervalKey = (interval: Pick<AgencyInterval, 'taskId' | 'axis' | 'agencyCode' | 'fromAt'>) =>
  `${interval.taskId}\u0000${interval.axis}\u0000${interval.agencyCode}\u0000${interval.fromAt}`;

const toStored = (event: RecordedEvent): StoredRecordedEvent => ({
  ...event,
  globalPosition: event.globalPosition.toString(),
  transactionId: event.transactionId.toString(),
  metadata: { ...event.metadata },
});

const fromStored = (event: StoredRecordedEvent): RecordedEvent => ({
  ...event,
  globalPosition: BigInt(event.globalPosition),
  transactionId: BigInt(event.transactionId),
  metadata: event.metadata as unknown as EventMetadata,
});

/**
 * For each agency and task, its rows over intervals of both axes: an agency's past state reads
 * the rows whose interval holds the instant, one indexed query, instead of folding the streams of
 * every task it ever held. Keeps the task events it has seen, so a late entry (an event that
 * occurred before events already recorded) refolds its task here.
 */
export const agencyIntervalsProjection: Projection = {
  name: 'agency-intervals',
  version: 1,
  entities: [AgencyIntervalEventRow, AgencyIntervalRow],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    const changes = taskChanges(events);
    if (changes.length === 0) return;
    await writeRows(
      manager,
      AgencyIntervalEventRow,
      changes.map((change) => ({
        taskId: change.event.data.taskId,
        streamVersion: change.recorded.streamVersion,
        event: toStored(change.recorded),
      })),
      { conflict: ['taskId', 'streamVersion'], onConflict: 'ignore' },
    );
    const taskIds = [...new Set(changes.map((change) => change.event.data.taskId))];
    const eventsTable = manager.connection.getMetadata(AgencyIntervalEventRow).tablePath;
    const intervalsTable = manager.connection.getMetadata(AgencyIntervalRow).tablePath;
    const stored = await manager.query<{ task_id: string; event: StoredRecordedEvent }[]>(
      `select task_id, event from ${eventsTable} where task_id = any($1::text[]) order by task_id, stream_version`,
      [taskIds],
    );
    const streams = new Map<string, RecordedEvent[]>();
    for (const row of stored) {
      const stream = streams.get(row.task_id);
      if (stream) stream.push(fromStored(row.event));
      else streams.set(row.task_id, [fromStored(row.event)]);
    }
    // Most events only close an agency's open interval and open the next: write what changed.
    const before = new Map(
      (await manager.find(AgencyIntervalRow, { where: { taskId: In(taskIds) } })).map((row) => [
        intervalKey(row),
        row,
      ]),
    );
    const after = taskIds.flatMap((taskId) => agencyIntervalsOf(taskId, streams.get(taskId) ?? []));
    const kept = new Set(after.map(intervalKey));
    const removed = [...before.values()].filter((row) => !kept.has(intervalKey(row)));
    if (removed.length > 0) {
      await manager.query(
        `delete from ${intervalsTable} t
         using jsonb_to_recordset($1::jsonb) as r(task_id text, axis text, agency_code text, from_at timestamptz)
         where t.task_id = r.task_id and t.axis = r.axis and t.agency_code = r.agency_code and t.from_at = r.from_at`,
        [
          JSON.stringify(
            removed.map((row) => ({
              task_id: row.taskId,
              axis: row.axis,
              agency_code: row.agencyCode,
              from_at: row.fromAt,
            })),
          ),
        ],
      );
    }
    await writeRows(
      manager,
      AgencyIntervalRow,
      after.filter((interval) => {
        const old = before.get(intervalKey(interval));
        return !old || old.untilAt !== interval.untilAt || !sameRows(old, interval);
      }),
      { conflict: ['taskId', 'axis', 'agencyCode', 'fromAt'], onConflict: 'update' },
    );
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(AgencyIntervalRow).execute();
    await manager.createQueryBuilder().delete().from(AgencyIntervalEventRow).execute();
  },
};

/**
 * An agency's rows at a past instant: those of the intervals that hold it, on its axis (one range
 * of the `(agency_code, axis, from_at)` index). `column`: the rows the answer lists.
 */
export async function agencyRowsAt(
  manager: EntityManager,
  agencyCode: string,
  instant: PastInstant,
  column: 'responsibilities' | 'outstanding',
): Promise<{ responsibilities: ResponsibilityRow[]; outstanding: OutstandingTaskRow[] }> {
  const table = manager.connection.getMetadata(AgencyIntervalRow).tablePath;
  const found = await manager.query<{ rows: (ResponsibilityRow & OutstandingTaskRow)[] }[]>(
    `select ${column} as rows from ${table}
     where agency_code = $1 and axis = $2 and from_at <= $3 and (until_at is null or until_at > $3)
       and ${column} <> '[]'::jsonb`,
    [agencyCode, instant.axis, instant.at],
  );
  const rows = found.flatMap((row) => row.rows);
  return column === 'responsibilities'
    ? { responsibilities: rows, outstanding: [] }
    : { responsibilities: [], outstanding: rows };
}
