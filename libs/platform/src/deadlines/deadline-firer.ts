import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Clock } from '#libs/application';
import { assertSchemaName, ExpectedVersion, type NewEvent, type PostgresEventStore } from '#libs/event-store';
import type { CycleReportTask } from '#libs/plans';
import {
  decide as decideTask,
  deadlineEventFor,
  deadlineBatchStreamId,
  initialState as initialTaskState,
  type DeadlineEvent,
  type DeadlineTaskSnapshot,
  type DeadlineTimer,
  type TaskEvent,
  taskStreamId,
} from '#libs/tasks';

export interface DeadlineFirerOptions {
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly schema: string;
  readonly clock: Clock;
  /** Timers fired per transaction (default 500). */
  readonly batchSize?: number;
  /** How often to look for timers due when none were (default 1,000 ms). */
  readonly pollIntervalMs?: number;
  readonly logger?: { warn(details: object, message: string): void };
  /** Called after a batch committed, with the events it recorded (to wake the projections). */
  readonly onFired?: (events: readonly DeadlineEvent[]) => void;
}

/** The person deadline events are recorded by: the service itself, for the issuing committee. */
export const DEADLINE_ACTOR = 'coord-deadlines';

/** Task events that make a timer due after them moot (checked again as the timer fires). */
const MOOTING = ['TaskCompleted', 'TaskCancelled', 'ExtensionGranted'];

/** What a reporting cycle's timer holds (libs/projections deadline-timers: CycleTimerPayload). */
interface CyclePayload {
  planId: string;
  issuerAgencyCode: string;
  planIssuedOn: string | null;
  year: number;
  tasks: readonly CycleReportTask[];
}

interface TimerRow {
  timer_id: string;
  task_id: string;
  plan_id: string;
  kind: DeadlineTimer['kind'] | 'cycle';
  due_date: string;
  fire_at: Date;
  days: number;
  level: number | null;
  escalate_to: DeadlineTimer['escalateTo'];
  task: DeadlineTaskSnapshot;
  source_version: number;
  counting: DeadlineTimer['counting'];
}

/**
 * Fires deadline timers that are due by the clock (docs/adr/0022-deadline-timers.md). Each batch
 * is one transaction: take up to `batchSize` waiting timers due by now, `for update skip locked`
 * (another worker takes others meanwhile), record each one's event in the task's deadline stream
 * with `occurredAt` = the moment it was due, and mark them fired. Commit: the events and the
 * marks together, or neither. A timer whose task was completed, cancelled or extended before its
 * moment (the projection has not dropped it yet) is marked `moot` and records nothing.
 *
 * The event id is derived from the timer id: even a timer fired twice (a projection rebuilt while
 * a worker fires) is stored once.
 */
export class DeadlineFirer {
  private readonly schema: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: DeadlineFirerOptions) {
    this.schema = assertSchemaName(options.schema);
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.running;
    this.running = undefined;
  }

  /** Look now rather than at the next poll (the clock moved, a test wants it now). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Fires every timer due by now; answers how many events it recorded (tasks a cycle opened included). */
  async fireAllDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const batch = await this.fireBatch();
      fired += batch.fired + batch.opened;
      if (batch.taken < this.batchSize) return fired;
    }
  }

  /** One transaction: takes up to batchSize due timers and fires them. */
  async fireBatch(): Promise<{ taken: number; fired: number; opened: number }> {
    const now = this.options.clock.now();
    const s = this.schema;
    const client = await this.options.pool.connect();
    let recorded: DeadlineEvent[];
    let committed: number;
    let opened = 0;
    try {
      await client.query('begin');
      // One statement: take the due timers no other worker holds, check each against its task's
      // stream, mark them fired (or moot). The events follow in the same transaction.
      const { rows } = await client.query<TimerRow & { moot: boolean }>(
        `with due as (
           select timer_id from ${s}.deadline_timers
            where fired_at is null and fire_at <= $1
            order by fire_at, timer_id
            limit $2
            for update skip locked
         ), checked as (
           select t.timer_id,
                  exists (
                    select 1 from ${s}.events e
                     where e.stream_id = $4 || t.task_id and e.stream_version > t.source_version
                       and e.type = any($3::text[]) and e.occurred_at < t.fire_at) as moot
             from due join ${s}.deadline_timers t using (timer_id)
         )
         update ${s}.deadline_timers t
            set fired_at = $1, outcome = case when c.moot then 'moot' else 'fired' end
           from checked c
          where t.timer_id = c.timer_id
         returning t.timer_id, t.task_id, t.plan_id, t.kind, t.due_date::text as due_date, t.fire_at,
                   t.days, t.level, t.escalate_to, t.task, t.source_version, t.counting, c.moot`,
        [now, this.batchSize, MOOTING, taskStreamId('')],
      );
      const taken = rows.length;
      for (const row of rows) if (row.kind === 'cycle') opened += await this.openCycle(client, row);
      const firing = rows
        .filter((row) => !row.moot && row.kind !== 'cycle')
        .sort((a, b) => a.fire_at.getTime() - b.fire_at.getTime() || (a.timer_id < b.timer_id ? -1 : 1));
      recorded = firing.map((row) =>
        deadlineEventFor(timerOf(row as TimerRow & { kind: DeadlineTimer['kind'] }), row.task),
      );
      // The batch's events go to one new stream: one append, one insert, whatever the batch size
      // (a stream per task cost an append each and halved the rate). An event id already
      // stored (a timer fired again while a rebuilt projection replays) fails the batch, which is
      // taken again once the projection has marked that timer fired.
      if (firing.length > 0) {
        await this.options.store.appendWith(
          client,
          deadlineBatchStreamId(randomUUID()),
          firing.map((row, index) => eventToAppend(row, recorded[index]!)),
          ExpectedVersion.noStream,
        );
      }
      await client.query('commit');
      committed = taken;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    if (recorded.length > 0 || opened > 0) this.options.onFired?.(recorded);
    return { taken: committed, fired: recorded.length, opened };
  }

  /**
   * A reporting cycle begins: assign its report tasks, in this transaction, each in its own
   * stream as the issuing committee's decision, taking effect at the cycle's start. A task already
   * there (assigned by hand, or by a cycle fired before a projection rebuild) is left as it is;
   * the event ids derive from the timer and the task, so none is ever stored twice.
   */
  private async openCycle(client: pg.PoolClient, row: TimerRow): Promise<number> {
    const cycle = row.task as unknown as CyclePayload;
    const streams = cycle.tasks.map((task) => taskStreamId(task.taskId));
    const { rows: existing } = await client.query<{ stream_id: string }>(
      `select s.stream_id from unnest($1::text[]) as s(stream_id)
        where exists (select 1 from ${this.schema}.events e where e.stream_id = s.stream_id)`,
      [streams],
    );
    const present = new Set(existing.map((r) => r.stream_id));
    const actor = {
      personId: DEADLINE_ACTOR,
      agencyCode: cycle.issuerAgencyCode,
      roles: ['issuer' as const],
    };
    const openedAt = row.fire_at.toISOString();
    let opened = 0;
    for (const task of cycle.tasks) {
      if (present.has(taskStreamId(task.taskId))) continue;
      let events: TaskEvent[];
      try {
        events = decideTask(
          {
            type: 'AssignTask',
            data: {
              ...task,
              planId: cycle.planId,
              issuerAgencyCode: cycle.issuerAgencyCode,
              kind: 'report',
              reportYear: cycle.year,
            },
            metadata: { actor, now: openedAt },
          },
          initialTaskState(),
        );
      } catch (error) {
        // Checked before the plan was issued; a task refused now is left out, not the cycle.
        this.options.logger?.warn(
          { err: error, timerId: row.timer_id, taskId: task.taskId },
          'reporting cycle: a report task was refused',
        );
        continue;
      }
      await this.options.store.appendWith(
        client,
        taskStreamId(task.taskId),
        events.map((event, index) => ({
          id: timerEventId(`${row.timer_id}/${task.taskId}/${index}`),
          type: event.type,
          data: event.data,
          metadata: {
            actor: { personId: DEADLINE_ACTOR, agencyCode: cycle.issuerAgencyCode },
            occurredAt: openedAt,
            correlationId: row.timer_id,
          },
        })),
        ExpectedVersion.noStream,
      );
      opened += events.length;
    }
    return opened;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let full = false;
      let pause = this.pollIntervalMs;
      try {
        const batch = await this.fireBatch();
        full = batch.taken >= this.batchSize;
        failures = 0;
      } catch (error) {
        // The database is away (or the schema not migrated yet): back off, up to 30 s.
        failures++;
        pause = Math.min(30_000, this.pollIntervalMs * 2 ** Math.min(failures, 5));
        this.options.logger?.warn({ err: error }, 'deadline timers: a batch failed; will retry');
      }
      if (full || this.stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}

function timerOf(row: TimerRow & { kind: DeadlineTimer['kind'] }): DeadlineTimer {
  return {
    timerId: row.timer_id,
    taskId: row.task_id,
    planId: row.plan_id,
    kind: row.kind,
    counting: row.counting,
    dueDate: row.due_date,
    fireAt: row.fire_at.toISOString(),
    days: row.days,
    level: row.level,
    escalateTo: row.escalate_to,
  };
}

function eventToAppend(row: TimerRow, event: DeadlineEvent): NewEvent {
  return {
    id: timerEventId(row.timer_id),
    type: event.type,
    data: event.data,
    metadata: {
      actor: { personId: DEADLINE_ACTOR, agencyCode: row.task.issuerAgencyCode },
      // When the deadline acted, however late the worker records it (recordedAt: the database clock).
      occurredAt: row.fire_at.toISOString(),
      correlationId: row.timer_id,
    },
  };
}

/** A uuid (version 8, name-based) derived from the timer id: one event id per timer, ever. */
export function timerEventId(timerId: string): string {
  const hex = createHash('sha256').update(`coord-deadline-timer:${timerId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
