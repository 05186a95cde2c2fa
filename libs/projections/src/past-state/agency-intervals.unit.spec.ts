import fc from 'fast-check';
import {
  acknowledged,
  completionSubmitted,
  handoffDeclined,
  handoffRequested,
  HEALTH,
  LEAD,
  SUPPORT,
  TASK_ID,
  taskAssigned,
} from '../../../tasks/src/testing/task.fixtures.js';
import { recorded } from '../../test/support/task-changes.js';
import { histories, iso, shuffledHistories } from '../../test/support/task-histories.js';
import {
  agencyIntervalsOf,
  continueIntervals,
  foldTailOf,
  rowsAt,
  type AgencyInterval,
  type FoldTail,
} from './agency-intervals.js';
import { foldTaskAt, outstandingRowsAt, responsibilityRowsAt, type PastInstant } from './past-state.js';

const streams = shuffledHistories();

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

const keyOf = (interval: AgencyInterval) => `${interval.axis} ${interval.agencyCode} ${interval.fromAt}`;
const sorted = (intervals: readonly AgencyInterval[]) =>
  [...intervals].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));

/**
 * What the projection does batch by batch: continue from the tail where it can, given only the
 * intervals it reads then (the open ones, and those closed at the tail's time on an axis where an
 * added event comes at that time), else refold every event so far.
 */
function batchByBatch(stream: readonly RecordedEventOf[], cuts: readonly number[]) {
  let intervals: AgencyInterval[] = [];
  let tail: FoldTail | null = null;
  let continued = 0;
  let refolded = 0;
  let done = 0;
  for (const cut of [...cuts, stream.length]) {
    const added = stream.slice(done, Math.max(done, cut));
    if (added.length === 0) continue;
    done += added.length;
    const read = (interval: AgencyInterval, t: FoldTail) => {
      const until = interval.axis === 'knownAt' ? t.knownUntil : t.validUntil;
      const tie = added.some(
        (event) =>
          Date.parse(interval.axis === 'knownAt' ? event.metadata.recordedAt : event.metadata.occurredAt) ===
          Date.parse(until),
      );
      return interval.untilAt === null || (tie && interval.untilAt === until);
    };
    const next: ReturnType<typeof continueIntervals> = tail
      ? continueIntervals(
          TASK_ID,
          tail,
          intervals.filter((i) => read(i, tail!)),
          added,
        )
      : null;
    if (next) {
      intervals = [...intervals.filter((i) => !read(i, tail!)), ...next.intervals];
      tail = next.tail;
      continued += 1;
    } else {
      intervals = agencyIntervalsOf(TASK_ID, stream.slice(0, done));
      tail = foldTailOf(stream.slice(0, done));
      refolded += 1;
    }
  }
  return { intervals, tail, continued, refolded };
}

type RecordedEventOf = Parameters<typeof agencyIntervalsOf>[1][number];

describe('intervals continued batch by batch from where the fold stands', () => {
  it('equal those of a refold of the whole stream, late entries, handoffs and reassignments included', () => {
    let continued = 0;
    let refolded = 0;
    fc.assert(
      fc.property(
        histories(),
        // The sizes of the batches (what is left after them comes in one more).
        fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 8 }),
        (stream, sizes) => {
          const cuts = sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0));
          const incremental = batchByBatch(stream, cuts);
          continued += incremental.continued;
          refolded += incremental.refolded;
          expect(sorted(incremental.intervals)).toEqual(sorted(agencyIntervalsOf(TASK_ID, stream)));
          expect(incremental.tail).toEqual(foldTailOf(stream));
        },
      ),
      { numRuns: 1000 },
    );
    // Both paths ran, often.
    expect(continued).toBeGreaterThan(400);
    expect(refolded).toBeGreaterThan(400);
  });

  it("merges back what held before the tail's time when an event at that time undoes its change", () => {
    // Asked at hour 5 and declined at hour 5, in the next batch: the lead's rows are again those
    // of hours 0 to 5, so its interval from 0 goes on; the one the request opened at 5 is gone.
    const stream = [
      recorded(taskAssigned(), { position: 1, occurredAt: iso(0), recordedAt: iso(0) }),
      recorded(handoffRequested('h-1', LEAD, HEALTH), {
        position: 2,
        occurredAt: iso(5),
        recordedAt: iso(5),
      }),
      recorded(handoffDeclined('h-1', LEAD, HEALTH), { position: 3, occurredAt: iso(5), recordedAt: iso(5) }),
    ];
    const { intervals, continued } = batchByBatch(stream, [2]);
    expect(continued).toBe(1);
    expect(sorted(intervals)).toEqual(sorted(agencyIntervalsOf(TASK_ID, stream)));
    const lead = intervals.filter((i) => i.agencyCode === LEAD && i.axis === 'validAt');
    expect(lead.map((i) => [i.fromAt, i.untilAt])).toEqual([[iso(0), null]]);
  });

  it('refuses a late entry on either axis, and an event already folded', () => {
    const stream = [
      recorded(taskAssigned(), { position: 1, occurredAt: iso(0), recordedAt: iso(0) }),
      recorded(acknowledged(LEAD), { position: 2, occurredAt: iso(5), recordedAt: iso(5) }),
    ];
    const tail = foldTailOf(stream)!;
    const intervals = agencyIntervalsOf(TASK_ID, stream).filter((i) => i.untilAt === null);
    const next = (occurred: number, recordedAt: number, position = 3) =>
      continueIntervals(TASK_ID, tail, intervals, [
        recorded(completionSubmitted(SUPPORT), {
          position,
          occurredAt: iso(occurred),
          recordedAt: iso(recordedAt),
        }),
      ]);
    expect(next(2, 9)).toBeNull();
    expect(next(9, 4)).toBeNull();
    expect(next(9, 9, 2)).toBeNull();
    expect(next(5, 5)).not.toBeNull();
    expect(next(6, 9)?.tail).toMatchObject({ streamVersion: 3, validUntil: iso(6), knownUntil: iso(9) });
  });
});
