import type { EventStore, RecordedEvent } from '#libs/event-store';
import {
  concernedAgencies,
  decodeDeadlineEvent,
  decodeTaskEvent,
  evolve,
  foldStoredTaskEvents,
  initialState,
  type TaskEvent,
  type TaskState,
} from '#libs/tasks';

/**
 * Which agencies an event concerns, for the per-agency fan-out.
 *
 * - Task events: `concernedAgencies(stateBefore, event)` of libs/tasks, which needs the task as it
 *   was just before the event. The states are kept in an LRU per stream; on a miss (or when the
 *   cached state is not the one right before the event, e.g. after a retry from a checkpoint) the
 *   stream is read from the store and folded up to `streamVersion - 1`.
 * - PlanIssued, PlanRegistered: the issuer agency. PlanPassedToSuccessor: the old issuer and its successor.
 *   ReportingCycleReassigned: the body that no longer owes (or receives) the report, its
 *   successor, and the committee that opens the cycle.
 * - Deadline events (reminders, lapses, escalations): the agencies they name in `notify`.
 * - Anything else: unknown here (`undefined`); the caller logs it and skips it.
 */

/** An event whose data does not allow routing it (a bug upstream); it is logged and skipped. */
export class UnroutableEventError extends Error {
  override readonly name = 'UnroutableEventError';
  constructor(
    readonly event: Pick<RecordedEvent, 'id' | 'type' | 'streamId' | 'globalPosition'>,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `Event ${event.id} (${event.type} at ${event.globalPosition} in ${event.streamId}) cannot be routed: ${reason}`,
      options,
    );
  }
}

interface CachedTaskState {
  /** The stream version this state includes (0 = nothing). */
  readonly version: number;
  readonly state: TaskState;
}

/** Least-recently-used cache of folded task states, keyed by stream id. */
export class TaskStateCache {
  private readonly entries = new Map<string, CachedTaskState>();

  constructor(readonly maxEntries = 10_000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(streamId: string): CachedTaskState | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, version: number, state: TaskState): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, { version, state });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface ConcernedAgenciesContext {
  /** Reads a task stream on a cache miss. */
  readonly store: Pick<EventStore, 'readStream'>;
  readonly cache: TaskStateCache;
}

export function isTaskEvent(event: Pick<RecordedEvent, 'type'>): boolean {
  return decodeTaskEvent({ type: event.type, data: null }) !== null;
}

/**
 * The agencies an event concerns, deduplicated, in libs/tasks order; `undefined` for an event
 * type the fan-out does not know. Events must be passed in stream order per stream (the log order
 * does that); the cache then advances one event at a time without reading the store.
 * Store errors propagate (the caller retries); malformed data throws UnroutableEventError.
 */
export async function concernedAgenciesOf(
  event: RecordedEvent,
  context: ConcernedAgenciesContext,
): Promise<readonly string[] | undefined> {
  if (isTaskEvent(event)) return taskEventAgencies(event, context);
  if (event.type === 'PlanIssued' || event.type === 'PlanRegistered') return [planIssuer(event)];
  if (event.type === 'PlanPassedToSuccessor') return planIssuers(event);
  if (event.type === 'ReportingCycleReassigned') return cycleReassigned(event);
  const deadline = decodeDeadlineEvent(event);
  if (deadline) return deadlineNotified(event, deadline.data.notify);
  return undefined;
}

async function taskEventAgencies(event: RecordedEvent, context: ConcernedAgenciesContext): Promise<string[]> {
  const { cache } = context;
  const cached = cache.get(event.streamId);
  let before: TaskState;
  if (cached && cached.version === event.streamVersion - 1) {
    before = cached.state;
  } else if (event.streamVersion === 1) {
    before = initialState();
  } else {
    before = await foldUpTo(context.store, event.streamId, event.streamVersion - 1);
  }
  const taskEvent = decodeTaskEvent(event) as TaskEvent;
  let agencies: string[];
  let after: TaskState;
  try {
    agencies = concernedAgencies(before, taskEvent);
    after = evolve(before, taskEvent);
  } catch (error) {
    throw new UnroutableEventError(event, `its data does not fit ${event.type}`, { cause: error });
  }
  cache.set(event.streamId, event.streamVersion, after);
  return agencies;
}

async function foldUpTo(
  store: Pick<EventStore, 'readStream'>,
  streamId: string,
  version: number,
): Promise<TaskState> {
  const events = await store.readStream(streamId);
  return foldStoredTaskEvents(events.filter((stored) => stored.streamVersion <= version));
}

/** Reminders, lapses and escalations name whom they notify (libs/tasks deadlineEventFor). */
function deadlineNotified(event: RecordedEvent, notify: unknown): string[] {
  if (!Array.isArray(notify) || !notify.every((code) => typeof code === 'string' && code !== '')) {
    throw new UnroutableEventError(event, `${event.type} without the agencies it notifies`);
  }
  return [...new Set(notify as string[])];
}

function planIssuer(event: RecordedEvent): string {
  const data = event.data as { issuerAgencyCode?: unknown } | null;
  const issuer = data?.issuerAgencyCode;
  if (typeof issuer !== 'string' || issuer === '') {
    throw new UnroutableEventError(event, 'PlanIssued without issuerAgencyCode');
  }
  return issuer;
}

/** A plan passed on by a reorganisation concerns both committees (ADR 0032). */
function planIssuers(event: RecordedEvent): string[] {
  const data = event.data as { fromIssuer?: unknown; toIssuer?: unknown } | null;
  const codes = [data?.fromIssuer, data?.toIssuer];
  if (!codes.every((code): code is string => typeof code === 'string' && code !== '')) {
    throw new UnroutableEventError(event, 'PlanPassedToSuccessor without fromIssuer and toIssuer');
  }
  return codes;
}

/** A cycle's report moved by a reorganisation concerns both bodies and the committee (ADR 0032). */
function cycleReassigned(event: RecordedEvent): string[] {
  const data = event.data as { fromAgency?: unknown; toAgency?: unknown; issuerAgencyCode?: unknown } | null;
  const codes = [data?.fromAgency, data?.toAgency, data?.issuerAgencyCode];
  if (!codes.every((code): code is string => typeof code === 'string' && code !== '')) {
    throw new UnroutableEventError(
      event,
      'ReportingCycleReassigned without fromAgency, toAgency and issuerAgencyCode',
    );
  }
  return [...new Set(codes)];
}
