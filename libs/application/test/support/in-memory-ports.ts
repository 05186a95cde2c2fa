import { createHash } from 'node:crypto';
import {
  AppendConflict,
  type Appended,
  type CommandEventStore,
  type CommandResult,
  type EventToAppend,
  type IdempotencyRecord,
  type IdempotencyStore,
  type StoredCommand,
  type StoredRefusal,
  type StoredStreamEvent,
  type SystemPorts,
} from '../../src/index.js';

/**
 * The application layer's own event-store port, in memory. `conflictsBeforeAppend` makes the
 * next N appends fail as if another writer had got there first (and, with `competitor`, really
 * appends that writer's event, so the re-decision sees fresh state).
 */
export class InMemoryEventStore implements CommandEventStore {
  readonly streams = new Map<string, (StoredStreamEvent & { id: string })[]>();
  conflictsBeforeAppend = 0;
  competitor: { type: string; data: unknown } | null = null;
  reads = 0;
  appends = 0;
  private position = 0n;

  readStream(streamId: string, fromVersion: number): Promise<readonly StoredStreamEvent[]> {
    this.reads++;
    return Promise.resolve(
      (this.streams.get(streamId) ?? []).filter((event) => event.streamVersion >= fromVersion),
    );
  }

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedVersion: number,
  ): Promise<Appended> {
    this.appends++;
    // A round trip: the other commands of this tick get to decide meanwhile.
    await Promise.resolve();
    if (this.conflictsBeforeAppend > 0) {
      this.conflictsBeforeAppend--;
      if (this.competitor) this.write(streamId, [{ id: `competitor-${this.appends}`, ...this.competitor }]);
      throw new AppendConflict(streamId, expectedVersion);
    }
    const current = this.streams.get(streamId)?.length ?? 0;
    if (current !== expectedVersion) throw new AppendConflict(streamId, expectedVersion);
    return this.write(streamId, events);
  }

  /** Another process writes the stream (the cache of the processor under test does not know). */
  write(
    streamId: string,
    events: readonly { id: string; type: string; data: unknown; metadata?: { occurredAt: string } }[],
  ): Appended {
    const stream = this.streams.get(streamId) ?? [];
    const positions: bigint[] = [];
    for (const event of events) {
      this.position++;
      positions.push(this.position);
      stream.push({
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: { occurredAt: event.metadata?.occurredAt ?? '2025-01-01T00:00:00.000Z' },
        streamVersion: stream.length + 1,
        globalPosition: this.position,
      });
    }
    this.streams.set(streamId, stream);
    return { nextVersion: stream.length, lastPosition: this.position, positions };
  }
}

export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly stored = new Map<string, StoredCommand>();

  constructor(private readonly store: InMemoryEventStore) {}

  find(owner: string, key: string): Promise<StoredCommand | null> {
    return Promise.resolve(this.stored.get(`${owner}\n${key}`) ?? null);
  }

  saveRefusal(record: IdempotencyRecord, refusal: StoredRefusal): Promise<boolean> {
    return Promise.resolve(this.save(record, { requestHash: record.requestHash, answer: { refusal } }));
  }

  async appendAndRemember(
    append: { streamId: string; events: readonly EventToAppend[]; expectedVersion: number } | null,
    record: IdempotencyRecord,
    answerOf: (appended: Appended | null) => CommandResult,
  ): Promise<CommandResult | 'key-taken'> {
    if (this.stored.has(`${record.owner}\n${record.key}`)) return 'key-taken';
    const appended = append
      ? await this.store.append(append.streamId, append.events, append.expectedVersion)
      : null;
    const result = answerOf(appended);
    this.save(record, { requestHash: record.requestHash, answer: { result } });
    return result;
  }

  private save(record: IdempotencyRecord, command: StoredCommand): boolean {
    const key = `${record.owner}\n${record.key}`;
    if (this.stored.has(key)) return false;
    this.stored.set(key, command);
    return true;
  }
}

export function fixedSystem(now = '2025-06-03T02:00:00.000Z'): SystemPorts {
  let id = 0;
  return {
    clock: { now: () => now },
    ids: { newId: () => `event-${++id}` },
    hasher: { sha256Hex: (text) => createHash('sha256').update(text).digest('hex') },
  };
}
