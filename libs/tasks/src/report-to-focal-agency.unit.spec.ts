import { concernedAgencies } from './concerned-agencies.js';
import {
  HEALTH,
  LEAD,
  acceptCompletion,
  assignTask,
  completionAccepted,
  completionReturned,
  completionSubmitted,
  officerOf,
  returnCompletion,
  spec,
  taskAssigned,
  taskCompleted,
} from './testing/task.fixtures.js';
import { evolve, initialState } from './task.state.js';

/** Sở Y tế's yearly report, sent to Sở LĐTBXH, which consolidates the parties' reports. */
const report = {
  kind: 'report' as const,
  reportYear: 2025,
  assignees: [{ agencyCode: HEALTH, role: 'lead' as const }],
};
const reportAssigned = taskAssigned({ ...report, reportsTo: LEAD });

describe("a party's yearly report, sent to the focal agency", () => {
  it('records the focal agency it goes to', () => {
    spec
      .given([])
      .when(assignTask({ ...report, reportsTo: LEAD }))
      .then([reportAssigned]);
  });

  it('is refused for a duty, and to an agency that is itself an assignee', () => {
    spec
      .given([])
      .when(assignTask({ reportsTo: LEAD }))
      .thenThrows('validation');
    spec
      .given([])
      .when(assignTask({ ...report, reportsTo: HEALTH }))
      .thenThrows('validation');
  });

  it('lets the focal agency read it, accept or return it', () => {
    const state = evolve(initialState(), reportAssigned);
    expect(state.status !== 'none' && state.parties).toEqual([HEALTH, LEAD]);
    spec
      .given([reportAssigned, completionSubmitted(HEALTH, undefined, 'lead')])
      .when(acceptCompletion(HEALTH, officerOf(LEAD)))
      .then([
        completionAccepted(HEALTH, { role: 'lead', byAgency: LEAD, decidedAs: 'focal-agency' }),
        taskCompleted(HEALTH),
      ]);
    spec
      .given([reportAssigned, completionSubmitted(HEALTH, undefined, 'lead')])
      .when(returnCompletion(HEALTH, 'Thiếu số liệu', officerOf(LEAD)))
      .then([
        completionReturned(HEALTH, {
          role: 'lead',
          reason: 'Thiếu số liệu',
          byAgency: LEAD,
          decidedAs: 'focal-agency',
        }),
      ]);
  });

  it('is decided by nobody else but the issuer', () => {
    spec
      .given([taskAssigned(report), completionSubmitted(HEALTH, undefined, 'lead')])
      .when(acceptCompletion(HEALTH, officerOf(LEAD)))
      .thenThrows('task.forbidden');
  });

  it('reaches the focal agency when assigned, submitted and completed', () => {
    const assigned = evolve(initialState(), reportAssigned);
    expect(concernedAgencies(initialState(), reportAssigned)).toContain(LEAD);
    const submitted = completionSubmitted(HEALTH, undefined, 'lead');
    expect(concernedAgencies(assigned, submitted)).toEqual([HEALTH, LEAD, 'UBND-LC']);
    expect(concernedAgencies(evolve(assigned, submitted), taskCompleted(HEALTH))).toContain(LEAD);
    // A report with no focal agency goes to the committee only.
    const alone = evolve(initialState(), taskAssigned(report));
    expect(concernedAgencies(alone, submitted)).toEqual([HEALTH, 'UBND-LC']);
  });
});
