import {
  compareLogPositions,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
} from '../../src/index.js';

/** An event of stream "s" at a position of its own (transaction id, global position and version alike). */
export function eventAt(position: number): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId: 's',
    streamVersion: position,
    globalPosition: BigInt(position),
    transactionId: BigInt(position),
    type: 'Happened',
    schemaVersion: 1,
    data: {},
    metadata: {
      actor: { personId: 'p', agencyCode: 'a' },
      occurredAt: '2024-01-01T00:00:00.000Z',
      recordedAt: '2024-01-01T00:00:00.000Z',
    },
  };
}

/** What readAll answers over `events`: at most `limit` of them after `after`, and where to go on. */
export function pageOf(events: readonly RecordedEvent[], after: LogPosition, limit: number): ReadAllBatch {
  const page = events
    .filter(
      (e) =>
        compareLogPositions({ transactionId: e.transactionId, globalPosition: e.globalPosition }, after) > 0,
    )
    .slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page,
    next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
  };
}
