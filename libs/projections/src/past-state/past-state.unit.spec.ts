import {
  acknowledged,
  completionSubmitted,
  LEAD,
  SUPPORT,
  taskAssigned,
} from '../../../tasks/src/testing/task.fixtures.js';
import { recorded } from '../../test/support/task-changes.js';
import {
  foldTaskAt,
  outstandingAt,
  pastInstantOf,
  planProgressAt,
  responsibilitiesAt,
  taskRowAt,
  trailAt,
} from './past-state.js';

/**
 * A late entry: assigned on 1 March (recorded then), acknowledged by the lead on 10 April, and a
 * completion of the supporter that happened on 15 March but was recorded on 20 May.
 */
const stream = [
  recorded(taskAssigned(), {
    position: 1,
    occurredAt: '2025-03-01T03:00:00Z',
    recordedAt: '2025-03-01T03:00:01Z',
  }),
  recorded(acknowledged(LEAD), {
    position: 2,
    occurredAt: '2025-04-10T03:00:00Z',
    recordedAt: '2025-04-10T03:00:01Z',
  }),
  recorded(completionSubmitted(SUPPORT), {
    position: 3,
    occurredAt: '2025-03-15T03:00:00Z',
    recordedAt: '2025-05-20T03:00:00Z',
  }),
];
const statusOf = (at: ReturnType<typeof foldTaskAt>, agency: string) =>
  at.state.status === 'none' ? undefined : at.state.assignees.find((a) => a.agencyCode === agency)?.status;

describe('a task at a past instant', () => {
  describe('on the record axis (knownAt)', () => {
    it('shows what the service had recorded: the acknowledgement, not the completion entered later', () => {
      const at = foldTaskAt(stream, { axis: 'knownAt', at: '2025-04-30T00:00:00.000Z' });
      expect(statusOf(at, LEAD)).toBe('acknowledged');
      expect(statusOf(at, SUPPORT)).toBe('assigned');
      expect(trailAt(at).map((entry) => entry.type)).toEqual(['TaskAssigned', 'TaskAcknowledged']);
    });
  });

  describe('on the business axis (validAt)', () => {
    it('shows what was true then as known now: the late completion, not the later acknowledgement', () => {
      const at = foldTaskAt(stream, { axis: 'validAt', at: '2025-03-20T00:00:00.000Z' });
      expect(statusOf(at, LEAD)).toBe('assigned');
      expect(statusOf(at, SUPPORT)).toBe('completion-submitted');
      const outstanding = outstandingAt([at], SUPPORT, { asOf: '2025-03-20T00:00:00.000Z' });
      expect(outstanding.items.map((item) => item.state)).toEqual(['completion-submitted']);
      const progress = planProgressAt([at], at.state.status === 'none' ? '' : at.state.planId, {
        asOf: '2025-03-20T00:00:00.000Z',
      });
      expect(progress.agencies.map((agency) => [agency.agencyCode, agency.total])).toEqual(
        expect.arrayContaining([
          [LEAD, 1],
          [SUPPORT, 1],
        ]),
      );
    });
  });

  it('does not exist before it was assigned, on either axis', () => {
    for (const axis of ['knownAt', 'validAt'] as const) {
      const at = foldTaskAt(stream, { axis, at: '2025-02-01T00:00:00.000Z' });
      expect(taskRowAt(at)).toBeNull();
      expect(responsibilitiesAt([at], LEAD, { status: 'all', count: true }).total).toBe(0);
    }
  });

  it('takes one axis at a time', () => {
    expect(() => pastInstantOf({ knownAt: '2025-01-01T00:00:00Z', validAt: '2025-01-01T00:00:00Z' })).toThrow(
      /validAt/,
    );
    expect(pastInstantOf({})).toBeNull();
    expect(pastInstantOf({ validAt: '2025-01-01T07:00:00+07:00' })).toEqual({
      axis: 'validAt',
      at: '2025-01-01T00:00:00.000Z',
    });
  });
});
