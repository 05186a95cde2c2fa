import type { EntityManager } from 'typeorm';
import { deadlineInstant } from '#libs/tasks';
import { projectionSchema } from '../database/schema.js';

/** One report of a yearly reporting cycle: a party's to the focal agency, or the consolidation. */
export interface CycleReport {
  readonly taskId: string;
  readonly agencyCode: string | null;
  readonly dueDate: string;
  readonly status: 'open' | 'completed' | 'cancelled';
  /** When the agency first submitted its report (null: not yet). */
  readonly submittedAt: string | null;
  /** When it was accepted and the task completed (null: not yet). */
  readonly doneAt: string | null;
  /** Submitted: the agency has reported (its report may still be accepted or returned). */
  readonly reported: boolean;
  /** Not submitted by the deadline (submitted after it, or still not at `asOf`). */
  readonly late: boolean;
}

/** A plan's reporting cycle for one year: who has and has not reported, and the consolidation. */
export interface ReportingCycleStatus {
  readonly planId: string;
  readonly year: number;
  readonly asOf: string;
  /** Whether the cycle's report tasks have been assigned yet (false: it has not begun). */
  readonly opened: boolean;
  readonly focalAgencyCode: string | null;
  /** The parties' reports to the focal agency. */
  readonly parties: readonly CycleReport[];
  readonly reported: readonly string[];
  readonly notReported: readonly string[];
  /** The focal agency's consolidated report to the committee (null: none in this cycle). */
  readonly consolidation: CycleReport | null;
}

interface Row {
  task_id: string;
  responsible_agency: string | null;
  reports_to: string | null;
  due_date: string;
  status: CycleReport['status'];
  closed_at: Date | null;
  submitted_at: Date | null;
}

/**
 * The reports of a plan's cycle as of an instant, from `task_outcomes` (kind 'report') and the
 * first `CompletionSubmitted` of each in the trail. A party's report names its focal agency
 * (`reports_to`); the consolidation is the report that names none, when the parties do.
 */
export async function reportingCycleStatus(
  manager: EntityManager,
  query: { readonly planId: string; readonly year: number; readonly asOf: string },
): Promise<ReportingCycleStatus> {
  const s = projectionSchema(manager);
  const rows = await manager.query<Row[]>(
    `select o.task_id, o.responsible_agency, o.reports_to, o.due_date::text as due_date, o.status, o.closed_at,
            (select min(t.occurred_at) from ${s}.task_trail t
              where t.task_id = o.task_id and t.type = 'CompletionSubmitted') as submitted_at
       from ${s}.task_outcomes o
      where o.plan_id = $1 and o.kind = 'report' and o.report_year = $2
      order by o.responsible_agency, o.task_id`,
    [query.planId, query.year],
  );
  const asOf = Date.parse(query.asOf);
  const report = (row: Row): CycleReport => {
    const at = row.submitted_at === null ? null : new Date(row.submitted_at).getTime();
    // A report submitted after `asOf` had not been made then.
    const submitted = at !== null && at <= asOf ? at : null;
    const reported = submitted !== null;
    const deadline = Date.parse(deadlineInstant(row.due_date));
    return {
      taskId: row.task_id,
      agencyCode: row.responsible_agency,
      dueDate: row.due_date,
      status: row.status,
      submittedAt: submitted === null ? null : new Date(submitted).toISOString(),
      doneAt: row.closed_at && row.status === 'completed' ? new Date(row.closed_at).toISOString() : null,
      reported,
      late: submitted !== null ? submitted >= deadline : asOf >= deadline,
    };
  };
  const focal = rows.find((row) => row.reports_to !== null)?.reports_to ?? null;
  const parties = rows.filter((row) => row.reports_to !== null && row.status !== 'cancelled').map(report);
  const consolidationRow =
    focal === null
      ? undefined
      : rows.find((row) => row.reports_to === null && row.responsible_agency === focal);
  return {
    planId: query.planId,
    year: query.year,
    asOf: new Date(asOf).toISOString(),
    opened: rows.length > 0,
    focalAgencyCode: focal,
    parties,
    reported: parties.filter((p) => p.reported).map((p) => p.agencyCode ?? p.taskId),
    notReported: parties.filter((p) => !p.reported).map((p) => p.agencyCode ?? p.taskId),
    consolidation: consolidationRow ? report(consolidationRow) : null,
  };
}
