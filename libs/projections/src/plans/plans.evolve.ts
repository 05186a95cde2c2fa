import { planDeadlinePolicyOf, planIndicatorsOf } from '#libs/plans';
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
