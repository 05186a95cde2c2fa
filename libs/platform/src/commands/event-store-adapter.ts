import { AppendOrderError, ConcurrencyError, ExpectedVersion, type EventStore } from '#libs/event-store';
import {
  AppendConflict,
  type Appended,
  type CommandEventStore,
  type EventToAppend,
  type StoredStreamEvent,
} from '#libs/application';

/** The expected version as the event store spells it: 0 means the stream must not exist yet. */
export function expectedVersionOf(version: number): ExpectedVersion {
  return version === 0 ? ExpectedVersion.noStream : ExpectedVersion.exact(version);
}

/**
 * The event store's refusals that deciding again may cure, as the application layer's port
 * declares them: another writer appended first, or a newer transaction did (AppendOrderError).
 */
export function asAppendConflict(error: unknown, streamId: string, expectedVersion: number): unknown {
  return error instanceof ConcurrencyError || error instanceof AppendOrderError
    ? new AppendConflict(streamId, expectedVersion, { cause: error })
    : error;
}

/** The application layer's event-store port over the PostgreSQL event store (or any EventStore). */
export class EventStoreCommandAdapter implements CommandEventStore {
  constructor(private readonly store: Pick<EventStore, 'append' | 'readStream'>) {}

  readStream(streamId: string, fromVersion: number): Promise<readonly StoredStreamEvent[]> {
    return this.store.readStream(streamId, { fromVersion });
  }

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedVersion: number,
  ): Promise<Appended> {
    try {
      return await this.store.append(streamId, events, expectedVersionOf(expectedVersion));
    } catch (error) {
      throw asAppendConflict(error, streamId, expectedVersion);
    }
  }
}
