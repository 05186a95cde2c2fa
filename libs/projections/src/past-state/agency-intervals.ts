import { In, IsNull, type EntityManager } from 'typeorm';
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
  AgencyIntervalTaskRow,
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
  return AXES.flatMap((axis) =>
    mergeIntervals(taskId, axis, new Map(), foldsAtEachTime(stream, axis, START)),
  );
}

/** Where the fold of a task stands after its first events: what the next ones continue from. */
export interface FoldTail {
  /** Stream version of the last event folded. */
  readonly streamVersion: number;
  /** The latest time of the events folded on each axis (ISO). */
  readonly knownUntil: string;
  readonly validUntil: string;
  /** The task and its responsibility rows after all of them (every time on both axes takes them all). */
  readonly state: TaskState;
  readonly responsibilities: readonly ResponsibilityRow[];
}

interface FoldStart {
  readonly state: TaskState;
  readonly responsibilities: readonly ResponsibilityRow[];
}

const START: FoldStart = { state: initialState(), responsibilities: [] };

const untilOn = (axis: TimeAxis, tail: FoldTail): string =>
  axis === 'knownAt' ? tail.knownUntil : tail.validUntil;

/**
 * The tail of a whole stream (what a refold ends on), or null when it cannot be continued: an
 * empty stream, or an event without a valid time on an axis (no fold takes it, so the fold at
 * the latest time is not the fold of every event).
 */
export function foldTailOf(stream: readonly RecordedEvent[]): FoldTail | null {
  return continueTail(null, stream);
}

function continueTail(tail: FoldTail | null, added: readonly RecordedEvent[]): FoldTail | null {
  const last = added[added.length - 1];
  if (!last) return tail;
  let known = tail ? Date.parse(tail.knownUntil) : -Infinity;
  let valid = tail ? Date.parse(tail.validUntil) : -Infinity;
  let { state, responsibilities } = tail ?? START;
  for (const recorded of added) {
    const knownAt = timeOn('knownAt', recorded);
    const validAt = timeOn('validAt', recorded);
    if (Number.isNaN(knownAt) || Number.isNaN(validAt)) return null;
    known = Math.max(known, knownAt);
    valid = Math.max(valid, validAt);
    const event = decodeTaskEvent(recorded);
    if (!event) continue;
    const after = evolve(state, event, recorded.metadata.occurredAt);
    responsibilities = evolveResponsibilities(responsibilities, {
      kind: 'task',
      recorded,
      event,
      before: state,
      after,
    });
    state = after;
  }
  return {
    streamVersion: last.streamVersion,
    knownUntil: new Date(known).toISOString(),
    validUntil: new Date(valid).toISOString(),
    state,
    responsibilities,
  };
}

/**
 * The intervals of a task after `added` (its next events, in stream order), from its tail and
 * those of its intervals that may change: the open ones, and on an axis where an added event
 * comes at the tail's latest time, those closed at that time (the fold at that time changes, and
 * may again equal what held just before). Returns what replaces `current` and the new tail, or
 * null when the events cannot continue the fold: one that is not after the tail in the stream,
 * or earlier than the tail on an axis (a late entry), which refolds the task.
 *
 * Why this equals a refold: every added event is at or after every stored one on both axes, so
 * the folds at the times before the tail's latest are unchanged, and the fold at any time t from
 * it on is the fold of every stored event (the tail) followed by the added ones whose time is
 * <= t, in stream order. `mergeIntervals` scans the folds in time order; it resumes from the
 * intervals that hold just before the first added time, as if it had scanned the whole stream.
 */
export function continueIntervals(
  taskId: string,
  tail: FoldTail,
  current: readonly AgencyInterval[],
  added: readonly RecordedEvent[],
): { intervals: AgencyInterval[]; tail: FoldTail } | null {
  let version = tail.streamVersion;
  for (const recorded of added) {
    if (recorded.streamVersion <= version) return null;
    version = recorded.streamVersion;
  }
  const intervals: AgencyInterval[] = [];
  for (const axis of AXES) {
    const until = Date.parse(untilOn(axis, tail));
    const times = added.map((recorded) => timeOn(axis, recorded));
    if (times.some((time) => Number.isNaN(time) || time < until)) return null;
    const onAxis = current.filter((interval) => interval.axis === axis);
    if (times.length === 0) {
      intervals.push(...onAxis);
      continue;
    }
    const first = Math.min(...times);
    const open = new Map<string, AgencyInterval>();
    for (const interval of onAxis) {
      const from = Date.parse(interval.fromAt);
      const to = interval.untilAt === null ? Infinity : Date.parse(interval.untilAt);
      // Ends before the first added time: kept. Starts at it or later: folded again below.
      if (to < first) intervals.push(interval);
      else if (from < first) {
        // Holds just before the first added time: the scan resumes with it open.
        if (open.has(interval.agencyCode)) return null;
        open.set(interval.agencyCode, { ...interval, untilAt: null });
      }
    }
    intervals.push(...mergeIntervals(taskId, axis, open, foldsAtEachTime(added, axis, tail)));
  }
  const next = continueTail(tail, added);
  return next ? { intervals, tail: next } : null;
}

interface FoldAtTime {
  readonly at: string;
  readonly responsibilities: readonly ResponsibilityRow[];
  readonly outstanding: readonly OutstandingTaskRow[];
}

/**
 * Scans the folds at each time in order: an agency's interval stays open while its rows stay the
 * same, closes at the time they change, and the next opens there. `open`: the intervals holding
 * just before the first fold (none for a whole stream). Returns the closed and the open ones.
 */
function mergeIntervals(
  taskId: string,
  axis: TimeAxis,
  open: Map<string, AgencyInterval>,
  folds: readonly FoldAtTime[],
): AgencyInterval[] {
  const intervals: AgencyInterval[] = [];
  for (const { at, responsibilities, outstanding } of folds) {
    const rows = new Map<string, RowsOfAgency>();
    const rowsOf = (agencyCode: string) => rows.get(agencyCode) ?? { responsibilities: [], outstanding: [] };
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
  return intervals;
}

/**
 * `responsibilityRowsAt(foldTaskAt(stream, { axis, at }))` and `outstandingRowsAt(...)` at each
 * distinct time of the stream on the axis, in time order, without folding the stream once per
 * time: the fold of the first k events of the stream (those of them the instant takes) is kept
 * for every k, and only refolded from the first event that joins at the next time. Events
 * recorded in stream order join at the end, so a stream is folded about once; a late entry
 * refolds what follows it. `start`: the fold before the stream's first event (of the events
 * before them, all at or before each of these times, when continuing a task).
 */
function foldsAtEachTime(stream: readonly RecordedEvent[], axis: TimeAxis, start: FoldStart): FoldAtTime[] {
  const times = stream.map((event) => timeOn(axis, event));
  const decoded = stream.map((event) => decodeTaskEvent(event));
  // After the first k events: the state, the responsibility rows, the last change.
  const states: TaskState[] = [start.state];
  const responsibilities: (readonly ResponsibilityRow[])[] = [start.responsibilities];
  const lastChanges: (TaskChange | null)[] = [null];
  const folds: FoldAtTime[] = [];
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
    // Outstanding rows follow from the last change alone. Continuing a task, every time here is
    // one of the added events', so the fold at it takes at least that event: the last change is
    // an added one, as in a refold.
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
 * Whether a task's added events continue its fold (see `continueIntervals`) rather than refold it.
 * `storedUpTo` is the last version of the task's stored events before this batch: a tail behind it
 * was left by code that kept the events and intervals but not the tail (an older worker of a fleet
 * being upgraded), so the fold refolds rather than trust it.
 */
function continues(
  tail: FoldTail | undefined,
  storedUpTo: number | undefined,
  added: readonly RecordedEvent[],
): tail is FoldTail {
  if (!tail || tail.streamVersion !== storedUpTo) return false;
  let version = tail.streamVersion;
  for (const recorded of added) {
    if (recorded.streamVersion <= version) return false;
    version = recorded.streamVersion;
  }
  return AXES.every((axis) => {
    const until = Date.parse(untilOn(axis, tail));
    return added.every((recorded) => timeOn(axis, recorded) >= until);
  });
}

/** The last version of the task events stored for each of these tasks (one index probe each). */
async function storedVersions(
  manager: EntityManager,
  taskIds: readonly string[],
): Promise<Map<string, number>> {
  const eventsTable = manager.connection.getMetadata(AgencyIntervalEventRow).tablePath;
  const rows = await manager.query<{ task_id: string; version: number | string | null }[]>(
    `select t.task_id,
            (select e.stream_version from ${eventsTable} e
              where e.task_id = t.task_id order by e.stream_version desc limit 1) as version
       from unnest($1::text[]) as t(task_id)`,
    [taskIds],
  );
  return new Map(
    rows.flatMap((row) => (row.version === null ? [] : [[row.task_id, Number(row.version)] as const])),
  );
}

/** The task events the projection stored for these tasks, each task's in stream order. */
async function storedStreams(
  manager: EntityManager,
  taskIds: readonly string[],
): Promise<Map<string, RecordedEvent[]>> {
  const streams = new Map<string, RecordedEvent[]>();
  if (taskIds.length === 0) return streams;
  const eventsTable = manager.connection.getMetadata(AgencyIntervalEventRow).tablePath;
  const stored = await manager.query<{ task_id: string; event: StoredRecordedEvent }[]>(
    `select task_id, event from ${eventsTable} where task_id = any($1::text[]) order by task_id, stream_version`,
    [taskIds],
  );
  for (const row of stored) {
    const stream = streams.get(row.task_id);
    if (stream) stream.push(fromStored(row.event));
    else streams.set(row.task_id, [fromStored(row.event)]);
  }
  return streams;
}

/**
 * For each agency and task, its rows over intervals of both axes: an agency's past state reads
 * the rows whose interval holds the instant, one indexed query, instead of folding the streams of
 * every task it ever held. A batch continues each task from where its fold stands (its tail and
 * open intervals) when its new events come at or after every stored one on both axes; otherwise
 * (a late entry: an event that occurred, or was recorded, before events already stored) it refolds
 * the task from the task events it keeps.
 */
export const agencyIntervalsProjection: Projection = {
  name: 'agency-intervals',
  version: 1,
  entities: [AgencyIntervalEventRow, AgencyIntervalRow, AgencyIntervalTaskRow],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    const changes = taskChanges(events);
    if (changes.length === 0) return;
    const added = new Map<string, RecordedEvent[]>();
    for (const change of changes) {
      const taskId = change.event.data.taskId;
      added.set(taskId, [...(added.get(taskId) ?? []), change.recorded]);
    }
    const taskIds = [...added.keys()];
    const storedUpTo = await storedVersions(manager, taskIds);
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
    const tails = new Map(
      (await manager.find(AgencyIntervalTaskRow, { where: { taskId: In(taskIds) } })).map((row) => [
        row.taskId,
        row as FoldTail,
      ]),
    );

    // The intervals that may change: for a task that continues, its open ones and, on an axis
    // where an added event comes at the tail's time, those closed at that time; all of a task
    // that refolds.
    const refolds = taskIds.filter(
      (taskId) => !continues(tails.get(taskId), storedUpTo.get(taskId), added.get(taskId)!),
    );
    const refolding = new Set(refolds);
    const continuing = taskIds.filter((taskId) => !refolding.has(taskId));
    const closedAtTail = continuing.flatMap((taskId) => {
      const tail = tails.get(taskId)!;
      return AXES.filter((axis) =>
        added.get(taskId)!.some((event) => timeOn(axis, event) === Date.parse(untilOn(axis, tail))),
      ).map((axis) => ({ taskId, axis, untilAt: untilOn(axis, tail) }));
    });
    const current = [
      ...(refolds.length > 0
        ? await manager.find(AgencyIntervalRow, { where: { taskId: In(refolds) } })
        : []),
      ...(continuing.length > 0
        ? await manager.find(AgencyIntervalRow, {
            where: [{ taskId: In(continuing), untilAt: IsNull() }, ...closedAtTail],
          })
        : []),
    ];
    const before = new Map(current.map((row) => [intervalKey(row), row]));
    const currentOf = new Map<string, AgencyInterval[]>();
    for (const row of current) currentOf.set(row.taskId, [...(currentOf.get(row.taskId) ?? []), row]);

    const after: AgencyInterval[] = [];
    const newTails = new Map<string, FoldTail | null>();
    // A task with no events stored before this batch (new to the projection, as every task is in
    // a rebuild) has exactly this batch's events: no need to read back what was just written.
    const streams = await storedStreams(
      manager,
      refolds.filter((taskId) => storedUpTo.has(taskId)),
    );
    for (const taskId of refolds) if (!storedUpTo.has(taskId)) streams.set(taskId, added.get(taskId)!);
    for (const taskId of taskIds) {
      const tail = tails.get(taskId);
      const continued =
        tail && !refolding.has(taskId)
          ? continueIntervals(taskId, tail, currentOf.get(taskId) ?? [], added.get(taskId)!)
          : null;
      if (continued) {
        after.push(...continued.intervals);
        newTails.set(taskId, continued.tail);
        continue;
      }
      if (!refolding.has(taskId)) {
        // Open intervals that overlap (never written by this fold): refold the task after all.
        for (const row of await manager.find(AgencyIntervalRow, { where: { taskId } })) {
          before.set(intervalKey(row), row);
        }
        streams.set(taskId, (await storedStreams(manager, [taskId])).get(taskId) ?? []);
      }
      const stream = streams.get(taskId) ?? [];
      after.push(...agencyIntervalsOf(taskId, stream));
      newTails.set(taskId, foldTailOf(stream));
    }

    const kept = new Set(after.map(intervalKey));
    const removed = [...before.values()].filter((row) => !kept.has(intervalKey(row)));
    const intervalsTable = manager.connection.getMetadata(AgencyIntervalRow).tablePath;
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
    await writeRows(
      manager,
      AgencyIntervalTaskRow,
      [...newTails].flatMap(([taskId, tail]) => (tail ? [{ taskId, ...tail }] : [])),
      { conflict: ['taskId'], onConflict: 'update' },
    );
    // A task whose events do not all have times on both axes is refolded on every batch.
    const untailed = [...newTails].flatMap(([taskId, tail]) => (tail ? [] : [taskId]));
    if (untailed.length > 0) await manager.delete(AgencyIntervalTaskRow, { taskId: In(untailed) });
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(AgencyIntervalRow).execute();
    await manager.createQueryBuilder().delete().from(AgencyIntervalEventRow).execute();
    await manager.createQueryBuilder().delete().from(AgencyIntervalTaskRow).execute();
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
