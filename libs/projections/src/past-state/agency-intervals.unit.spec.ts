import fc from 'fast-check';
import type { TaskEvent } from '#libs/tasks';
import {
  acknowledged,
  completionAccepted,
  completionReturned,
  completionSubmitted,
  extensionRequested,
  handoffAccepted,
  handoffDeclined,
  handoffRequested,
  HEALTH,
  LEAD,
  POLICE,
  progressReported,
  REQUESTED,
  SUPPORT,
  TASK_ID,
  taskAssigned,
  taskCancelled,
  taskCompleted,
  taskReassigned,
} from '../../../tasks/src/testing/task.fixtures.js';
import { recorded } from '../../test/support/task-changes.js';
import { agencyIntervalsOf, rowsAt } from './agency-intervals.js';
import { foldTaskAt, outstandingRowsAt, responsibilityRowsAt, type PastInstant } from './past-state.js';

/** Events a task's stream may hold after its assignment, in any order a history may give them. */
const LATER: readonly TaskEvent[] = [
  acknowledged(LEAD),
  acknowledged(SUPPORT),
  progressReported(SUPPORT),
  handoffRequested('h-1', LEAD, HEALTH),
  handoffAccepted('h-1', LEAD, HEALTH),
  handoffDeclined('h-1', LEAD, HEALTH),
  taskReassigned(SUPPORT, POLICE),
  extensionRequested('e-1', REQUESTED, '2025-01-31'),
  completionSubmitted(SUPPORT),
  completionReturned(SUPPORT),
  completionSubmitted(LEAD),
  completionAccepted(LEAD),
  taskCompleted(),
  taskCancelled(),
];

const BASE = Date.parse('2025-03-01T00:00:00.000Z');
const HOUR = 3_600_000;
const iso = (hours: number) => new Date(BASE + hours * HOUR).toISOString();

/** A stream: assigned first, then events; each with its own occurred and recorded hour (ties too). */
const streams = fc
  .array(
    fc.record({
      event: fc.constantFrom(...LATER),
      occurred: fc.integer({ min: 0, max: 12 }),
      recorded: fc.integer({ min: 0, max: 12 }),
    }),
    { maxLength: 10 },
  )
  .chain((later) =>
    fc
      .record({ occurred: fc.integer({ min: 0, max: 12 }), recorded: fc.integer({ min: 0, max: 12 }) })
      .map((first) =>
        [{ event: taskAssigned(), ...first }, ...later].map((entry, index) =>
          recorded(entry.event, {
            position: index + 1,
            occurredAt: iso(entry.occurred),
            recordedAt: iso(entry.recorded),
          }),
        ),
      ),
  );

const instants = fc.record({
  axis: fc.constantFrom('knownAt' as const, 'validAt' as const),
  // Half hours fall between the events' times, whole hours on them.
  at: fc.integer({ min: -2, max: 28 }).map((half) => iso(half / 2)),
});

const byAgency = <Row extends { agencyCode: string }>(rows: readonly Row[]) =>
  [...rows].sort((a, b) => (a.agencyCode < b.agencyCode ? -1 : 1));

describe("an agency's rows of a task over intervals of both axes", () => {
  it('equal, at every instant, the rows of the fold of the stream up to that instant', () => {
    fc.assert(
      fc.property(streams, fc.array(instants, { minLength: 1, maxLength: 8 }), (stream, ats) => {
        const intervals = agencyIntervalsOf(TASK_ID, stream);
        for (const instant of ats) {
          const fold = foldTaskAt(stream, instant);
          const rows = rowsAt(intervals, instant);
          expect(byAgency(rows.responsibilities)).toEqual(byAgency(responsibilityRowsAt(fold)));
          expect(byAgency(rows.outstanding)).toEqual(byAgency(outstandingRowsAt(fold)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never overlap for one agency and axis, and merge what did not change', () => {
    fc.assert(
      fc.property(streams, (stream) => {
        const intervals = agencyIntervalsOf(TASK_ID, stream);
        const groups = new Map<string, typeof intervals>();
        for (const interval of intervals) {
          const key = `${interval.axis} ${interval.agencyCode}`;
          groups.set(key, [...(groups.get(key) ?? []), interval]);
        }
        for (const group of groups.values()) {
          const sorted = [...group].sort((a, b) => Date.parse(a.fromAt) - Date.parse(b.fromAt));
          sorted.forEach((interval, i) => {
            const next = sorted[i + 1];
            if (!next) return;
            expect(interval.untilAt).not.toBeNull();
            expect(Date.parse(interval.untilAt!)).toBeLessThanOrEqual(Date.parse(next.fromAt));
            if (interval.untilAt === next.fromAt) {
              expect([next.responsibilities, next.outstanding]).not.toEqual([
                interval.responsibilities,
                interval.outstanding,
              ]);
            }
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds a late completion on the business axis from when it happened, on the record axis from when it was entered', () => {
    const stream = [
      recorded(taskAssigned(), { position: 1, occurredAt: iso(0), recordedAt: iso(0) }),
      recorded(acknowledged(LEAD), { position: 2, occurredAt: iso(5), recordedAt: iso(5) }),
      recorded(completionSubmitted(SUPPORT), { position: 3, occurredAt: iso(2), recordedAt: iso(9) }),
    ];
    const intervals = agencyIntervalsOf(TASK_ID, stream);
    const supportAt = (instant: PastInstant) =>
      rowsAt(intervals, instant).outstanding.find((row) => row.agencyCode === SUPPORT)?.state;
    expect(supportAt({ axis: 'validAt', at: iso(3) })).toBe('completion-submitted');
    expect(supportAt({ axis: 'knownAt', at: iso(3) })).toBe('not-acknowledged');
    expect(supportAt({ axis: 'knownAt', at: iso(9) })).toBe('completion-submitted');
    expect(rowsAt(intervals, { axis: 'validAt', at: iso(-1) })).toEqual({
      responsibilities: [],
      outstanding: [],
    });
    // The lead's rows changed once on each axis (acknowledged), the support's once (completion).
    const lead = intervals.filter((i) => i.agencyCode === LEAD && i.axis === 'validAt');
    expect(lead.map((i) => [i.fromAt, i.untilAt])).toEqual([
      [iso(0), iso(5)],
      [iso(5), null],
    ]);
  });
});
