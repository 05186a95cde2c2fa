import {
  ConcurrencyError,
  compareLogPositions,
  START_OF_LOG,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type LogPosition,
  type NewEvent,
  type ReadAllBatch,
  type RecordedEvent,
} from '#libs/event-store';

/**
 * An event store in memory for unit tests: one transaction per append, positions in commit
 * order. Counts stream reads, so tests can see when the fan-out's cache missed.
 */
export class InMemoryEventStore implements EventStore {
  readonly events: RecordedEvent[] = [];
  readonly streamReads: string[] = [];
  private transaction = 100n;
  private clock = Date.parse('2024-06-03T02:00:00.000Z');

  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion = { kind: 'any' },
  ): Promise<AppendResult> {
    const version = this.events.filter((e) => e.streamId === streamId).length;
    if (
      (expected.kind === 'exact' && expected.version !== version) ||
      (expected.kind === 'no-stream' && version !== 0)
    ) {
      return Promise.reject(new ConcurrencyError(streamId, expected, version));
    }
    this.transaction += 1n;
    const positions: bigint[] = [];
    events.forEach((event, i) => {
      const globalPosition = BigInt(this.events.length + 1);
      positions.push(globalPosition);
      this.clock += 1_000;
      this.events.push({
        id: event.id,
        streamId,
        streamVersion: version + i + 1,
        globalPosition,
        transactionId: this.transaction,
        type: event.type,
        schemaVersion: event.schemaVersion ?? 1,
        data: event.data,
        metadata: { ...event.metadata, recordedAt: new Date(this.clock).toISOString() },
      });
    });
    return Promise.resolve({
      nextVersion: version + events.length,
      positions,
      lastPosition: positions[positions.length - 1] ?? 0n,
      duplicate: false,
    });
  }

  readStream(streamId: string, options: { fromVersion?: number } = {}): Promise<RecordedEvent[]> {
    this.streamReads.push(streamId);
    return Promise.resolve(
      this.events.filter((e) => e.streamId === streamId && e.streamVersion >= (options.fromVersion ?? 1)),
    );
  }

  readAll(after: LogPosition, limit: number): Promise<ReadAllBatch> {
    const events = this.events.filter((e) => compareLogPositions(e, after) > 0).slice(0, limit);
    const last = events[events.length - 1];
    return Promise.resolve({
      events,
      next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
    });
  }

  logPositionOf(globalPosition: bigint): Promise<LogPosition | null> {
    const event = this.events.find((e) => e.globalPosition === globalPosition);
    return Promise.resolve(event ? { transactionId: event.transactionId, globalPosition } : null);
  }

  headPosition(): Promise<bigint> {
    return Promise.resolve(BigInt(this.events.length));
  }

  readableHead(): Promise<LogPosition> {
    const last = this.events[this.events.length - 1];
    return Promise.resolve(
      last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : START_OF_LOG,
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
