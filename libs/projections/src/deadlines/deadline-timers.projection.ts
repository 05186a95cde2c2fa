import type { EntityManager } from 'typeorm';
import {
  DEFAULT_DEADLINE_POLICY,
  deadlineTaskSnapshot,
  deadlineTimers,
  responsibleAgency,
  type DeadlineTimer,
} from '#libs/tasks';
import { toIsoInstant } from '../database/columns.js';
import { projectionSchema } from '../database/schema.js';
import type { Projection, ProjectionEvent } from '../framework/projection.js';

/**
 * The deadline timers of open tasks, what the deadlines did, and when each task was closed.
 *
 * - `deadline_timers`: one row per reminder, lapse and escalation of a task's current due date.
 *   An assignment adds them; a granted extension drops those still waiting that were due after it
 *   took effect and adds the new date's; a completion or cancellation drops those still waiting
 *   that were due after it. A timer due before such an event stays: it fires on catch-up (the
 *   deadline did pass while the task was open). The deadline worker (libs/platform) fires them
 *   and marks them fired in the transaction that records their event; this projection marks them
 *   fired too when it meets that event, so a rebuild from the log never fires one again.
 * - `deadline_notices`: every deadline event (reminder, lapse, escalation), for accountability.
 * - `task_outcomes`: per task, its due date, who answers for it, and when it was completed or
 *   cancelled, for the scorecards.
 */
export const deadlineTimersProjection: Projection = {
  name: 'deadline-timers',
  version: 1,
  entities: [],
  needsTaskState: true,

  async apply(events: readonly ProjectionEvent[], manager: EntityManager): Promise<void> {
    const s = projectionSchema(manager);
    const inserts: DeadlineTimerRow[] = [];
    const outcomes = new Map<string, TaskOutcomeRow>();
    const flush = async (): Promise<void> => {
      await insertTimers(manager, s, inserts.splice(0));
    };
    for (const change of events) {
      const occurredAt = toIsoInstant(change.recorded.metadata.occurredAt);
      if (change.kind === 'deadline') {
        await flush();
        const { data } = change.event;
        await manager.query(
          `update ${s}.deadline_timers set fired_at = coalesce(fired_at, $2), outcome = 'fired'
            where timer_id = $1`,
          [data.timerId, toIsoInstant(change.recorded.metadata.recordedAt)],
        );
        await manager.query(
          `insert into ${s}.deadline_notices
             (event_id, timer_id, task_id, plan_id, type, due_date, occurred_at, recorded_at, responsible_agency, data)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           on conflict (event_id) do nothing`,
          [
            change.recorded.id,
            data.timerId,
            data.taskId,
            data.planId,
            change.event.type,
            data.dueDate,
            occurredAt,
            toIsoInstant(change.recorded.metadata.recordedAt),
            data.responsibleAgency,
            JSON.stringify(data),
          ],
        );
        continue;
      }
      if (change.kind !== 'task') continue;
      const { event, after } = change;
      if (after.status === 'none') continue;
      const version = change.recorded.streamVersion;
      const outcome: TaskOutcomeRow = outcomes.get(after.taskId) ?? {
        task_id: after.taskId,
        plan_id: after.planId,
        kind: after.kind,
        report_year: after.reportYear,
        issuer_agency_code: after.issuerAgencyCode,
        assigned_at: occurredAt,
        closed_at: null,
      };
      outcomes.set(after.taskId, {
        ...outcome,
        due_date: after.dueDate,
        status: after.status,
        responsible_agency: responsibleAgency(after),
        closed_at:
          event.type === 'TaskCompleted' || event.type === 'TaskCancelled' ? occurredAt : outcome.closed_at,
      });
      switch (event.type) {
        case 'TaskAssigned':
          inserts.push(
            ...deadlineTimers(after, DEFAULT_DEADLINE_POLICY, occurredAt).map((t) =>
              timerRow(t, after, version),
            ),
          );
          break;
        case 'ExtensionGranted':
          await flush();
          await dropWaiting(manager, s, after.taskId, occurredAt);
          inserts.push(
            ...deadlineTimers(after, DEFAULT_DEADLINE_POLICY, occurredAt).map((t) =>
              timerRow(t, after, version),
            ),
          );
          break;
        case 'TaskCompleted':
        case 'TaskCancelled':
          await flush();
          await dropWaiting(manager, s, after.taskId, occurredAt);
          break;
        case 'HandoffAccepted':
        case 'TaskReassigned':
        case 'CompletionAccepted':
          // Who answers, and who still owes its part, when the timer fires.
          await flush();
          await manager.query(
            `update ${s}.deadline_timers set task = $2 where task_id = $1 and fired_at is null`,
            [after.taskId, JSON.stringify(deadlineTaskSnapshot(after))],
          );
          break;
        case 'TaskAcknowledged':
        case 'ProgressReported':
        case 'HandoffRequested':
        case 'HandoffDeclined':
        case 'HandoffWithdrawn':
        case 'HandoffSuperseded':
        case 'ExtensionRequested':
        case 'ExtensionDenied':
        case 'CompletionSubmitted':
        case 'CompletionReturned':
          // The timers stand as they are.
          break;
      }
    }
    await flush();
    if (outcomes.size > 0) {
      await manager.query(
        `insert into ${s}.task_outcomes
           select * from jsonb_populate_recordset(null::${s}.task_outcomes, $1::jsonb)
         on conflict (task_id) do update set
           due_date = excluded.due_date, status = excluded.status,
           responsible_agency = excluded.responsible_agency, closed_at = excluded.closed_at`,
        [JSON.stringify([...outcomes.values()])],
      );
    }
  },

  async reset(manager: EntityManager): Promise<void> {
    const s = projectionSchema(manager);
    await manager.query(`delete from ${s}.deadline_timers`);
    await manager.query(`delete from ${s}.deadline_notices`);
    await manager.query(`delete from ${s}.task_outcomes`);
  },
};

interface DeadlineTimerRow {
  readonly timer_id: string;
  readonly task_id: string;
  readonly plan_id: string;
  readonly kind: string;
  readonly due_date: string;
  readonly fire_at: string;
  readonly days: number;
  readonly level: number | null;
  readonly escalate_to: string | null;
  readonly task: unknown;
  readonly source_version: number;
}

interface TaskOutcomeRow {
  readonly task_id: string;
  readonly plan_id: string;
  readonly kind: string;
  readonly report_year: number | null;
  readonly issuer_agency_code: string;
  readonly assigned_at: string;
  readonly due_date?: string;
  readonly status?: string;
  readonly responsible_agency?: string | null;
  readonly closed_at: string | null;
}

function timerRow(
  timer: DeadlineTimer,
  task: Parameters<typeof deadlineTaskSnapshot>[0],
  sourceVersion: number,
): DeadlineTimerRow {
  return {
    timer_id: timer.timerId,
    task_id: timer.taskId,
    plan_id: timer.planId,
    kind: timer.kind,
    due_date: timer.dueDate,
    fire_at: timer.fireAt,
    days: timer.days,
    level: timer.level,
    escalate_to: timer.escalateTo,
    task: deadlineTaskSnapshot(task),
    source_version: sourceVersion,
  };
}

async function insertTimers(
  manager: EntityManager,
  s: string,
  rows: readonly DeadlineTimerRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    // A timer already there (an extension back to a date it had before) keeps its state.
    await manager.query(
      `insert into ${s}.deadline_timers
         (timer_id, task_id, plan_id, kind, due_date, fire_at, days, level, escalate_to, task, source_version)
       select timer_id, task_id, plan_id, kind, due_date, fire_at, days, level, escalate_to, task, source_version
         from jsonb_populate_recordset(null::${s}.deadline_timers, $1::jsonb)
       on conflict (timer_id) do nothing`,
      [JSON.stringify(rows.slice(i, i + 2000))],
    );
  }
}

/** Timers still waiting that were due after `since`: the event at `since` made them moot. */
async function dropWaiting(manager: EntityManager, s: string, taskId: string, since: string): Promise<void> {
  await manager.query(
    `delete from ${s}.deadline_timers where task_id = $1 and fired_at is null and fire_at > $2`,
    [taskId, since],
  );
}
