import { planDeadlinePolicyOf, planIndicatorsOf, type CycleReportTask } from '#libs/plans';
import { toIsoInstant } from '../database/columns.js';
import type { PlanChange } from '../framework/projection.js';
import type { PlanRow } from './plan.entity.js';

/** The plans row an event leaves: PlanIssued creates it (a plan is issued once); PlanRegistered numbers it. */
export function evolvePlan(row: PlanRow | undefined, change: PlanChange): PlanRow | undefined {
  switch (change.event.type) {
    case 'PlanIssued': {
      if (row) return row;
      const { data } = change.event;
      const { metadata } = change.recorded;
      return {
        planId: data.planId,
        number: data.number,
        documentType: data.documentType,
        title: data.title,
        issuerAgencyCode: data.issuerAgencyCode,
        jurisdiction: data.jurisdiction,
        issuedOn: data.issuedOn,
        periodFromYear: data.period.fromYear,
        periodToYear: data.period.toYear,
        contentHash: data.contentHash,
        sourceFileName: data.source.fileName,
        issuedByPersonId: metadata.actor.personId,
        issuedByAgencyCode: metadata.actor.agencyCode,
        occurredAt: toIsoInstant(metadata.occurredAt),
        recordedAt: toIsoInstant(metadata.recordedAt),
        indicators: planIndicatorsOf(data),
        deadlinePolicy: planDeadlinePolicyOf(data),
        reporting: data.reporting
          ? {
              focalAgencyCode: data.reporting.focalAgencyCode,
              consolidationLeadDays: data.reporting.consolidationLeadDays,
              cycles: data.reporting.cycles.map((cycle) => ({
                year: cycle.year,
                opensAt: cycle.opensAt,
                openedWithPlan: cycle.openedWithPlan,
                reportTasks: cycle.tasks.length,
                ...cycleDueDates(cycle.tasks),
              })),
            }
          : null,
        globalPosition: change.recorded.globalPosition.toString(),
      };
    }
    case 'PlanPassedToSuccessor':
      // The plan is carried on by the successor committee (ADR 0032); who issued it stays in issuedBy*.
      return row && { ...row, issuerAgencyCode: change.event.data.toIssuer };
    case 'PlanRegistered':
      // The signed copy's number and date; the row keeps its place (global_position of PlanIssued).
      return row && { ...row, number: change.event.data.number, issuedOn: change.event.data.issuedOn };
    case 'ReportingCycleReassigned':
      // The row counts a cycle's report tasks; a reorganisation moves who owes them, not how many.
      return row;
    default: {
      const _exhaustive: never = change.event;
      return row;
    }
  }
}

/**
 * A cycle's two dates: the parties' reports go to the focal agency (`reportsTo`), the consolidated
 * report, which has none, to the committee. The earliest of each, as 'YYYY-MM-DD'.
 */
export function cycleDueDates(tasks: readonly CycleReportTask[]): {
  reportsDueOn: string | null;
  consolidationDueOn: string | null;
} {
  const earliest = (dates: string[]) => (dates.length === 0 ? null : dates.sort()[0]!);
  const toFocal = (task: CycleReportTask) => task.reportsTo !== undefined && task.reportsTo !== null;
  return {
    reportsDueOn: earliest(tasks.filter(toFocal).map((task) => task.dueDate)),
    consolidationDueOn: earliest(tasks.filter((task) => !toFocal(task)).map((task) => task.dueDate)),
  };
}
