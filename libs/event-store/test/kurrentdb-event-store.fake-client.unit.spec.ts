import { randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  ExpectedVersion,
  InvalidAppendError,
  KurrentDbEventStore,
  START_OF_LOG,
  upcasterFrom,
  type NewEvent,
} from '../src/index.js';
import { FakeKurrentDbClient } from './fake-kurrentdb-client.js';

const actor = { personId: 'officer-1', agencyCode: 'lc-so-ldtbxh' };

function newEvent(type = 'TaskAcknowledged', data: unknown = { note: 'ok' }): NewEvent {
  return { id: randomUUID(), type, data, metadata: { actor, occurredAt: '2025-01-02T03:00:00.000Z' } };
}

describe('KurrentDbEventStore over a FAKE in-memory KurrentDB client (not a server)', () => {
  let client: FakeKurrentDbClient;
  let store: KurrentDbEventStore;

  beforeEach(() => {
    client = new FakeKurrentDbClient();
    store = new KurrentDbEventStore(client, { streamPrefix: 'coord-' });
  });

  it('writes to the prefixed stream and answers each event’s own position, read back after the append', async () => {
    const result = await store.append('task-1', [newEvent('A'), newEvent('B')], ExpectedVersion.noStream);
    const events = await store.readStream('task-1');

    expect(events.map((e) => [e.streamId, e.streamVersion, e.type])).toEqual([
      ['task-1', 1, 'A'],
      ['task-1', 2, 'B'],
    ]);
    expect(result).toEqual({
      nextVersion: 2,
      positions: events.map((e) => e.globalPosition),
      lastPosition: events[1]!.globalPosition,
      duplicate: false,
    });
    // One commit for both events, each with its own prepare position.
    expect(events[0]!.transactionId).toBe(events[1]!.transactionId);
    expect(events[0]!.globalPosition).toBeLessThan(events[1]!.globalPosition);
  });

  it('answers a retried append with the first positions, marked duplicate, and stores one copy', async () => {
    const events = [newEvent(), newEvent()];
    const first = await store.append('task-2', events, ExpectedVersion.noStream);
    const retry = await store.append('task-2', events, ExpectedVersion.noStream);
    const retryAny = await store.append('task-2', events);

    expect(retry).toEqual({ ...first, duplicate: true });
    expect(retryAny).toEqual({ ...first, duplicate: true });
    expect(await store.readStream('task-2')).toHaveLength(2);
  });

  it('refuses a stale expected version with the port’s ConcurrencyError, naming the actual version', async () => {
    await store.append('task-3', [newEvent(), newEvent()]);
    const refusal = store.append('task-3', [newEvent()], ExpectedVersion.exact(1));
    await expect(refusal).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(refusal).rejects.toMatchObject({
      actualVersion: 2,
      expected: { kind: 'exact', version: 1 },
    });
    await expect(store.append('task-new', [newEvent()], ExpectedVersion.exact(3))).rejects.toMatchObject({
      actualVersion: 0,
    });
  });

  it('refuses text no projection could store before sending anything', async () => {
    await expect(store.append('task-4', [newEvent('Broken', { t: 'a\u0000b' })])).rejects.toBeInstanceOf(
      InvalidAppendError,
    );
    expect(client.appends).toBe(0);
  });

  it('reads $all after a position, in order, only this service’s streams, at most the limit', async () => {
    await store.append('task-5', [newEvent('one'), newEvent('two')]);
    await client.appendToStream('billing-invoice-1', [
      { id: randomUUID(), contentType: 'application/json', type: 'Other', data: {}, metadata: {} },
    ]);
    await store.append('plan-5', [newEvent('three')]);

    const all = await store.readAll(START_OF_LOG, 10);
    expect(all.events.map((e) => e.type)).toEqual(['one', 'two', 'three']);
    expect(all.next).toEqual({
      transactionId: all.events[2]!.transactionId,
      globalPosition: all.events[2]!.globalPosition,
    });

    const first = await store.readAll(START_OF_LOG, 1);
    const rest = await store.readAll(first.next, 10);
    expect([...first.events, ...rest.events].map((e) => e.type)).toEqual(['one', 'two', 'three']);
    const none = await store.readAll(all.next, 10);
    expect(none).toEqual({ events: [], next: all.next });
  });

  it('answers the log position of a global position, and its head', async () => {
    expect(await store.readableHead()).toEqual(START_OF_LOG);
    expect(await store.headPosition()).toBe(0n);
    const result = await store.append('task-6', [newEvent(), newEvent()]);

    const position = await store.logPositionOf(result.positions[0]!);
    expect(position?.globalPosition).toBe(result.positions[0]);
    expect(position!.transactionId).toBeGreaterThan(position!.globalPosition);
    expect(await store.logPositionOf(result.lastPosition + 1_000_000n)).toBeNull();
    expect(await store.headPosition()).toBe(result.lastPosition);
    expect((await store.readAll(await store.readableHead(), 10)).events).toEqual([]);
  });

  it('reads an unknown stream as empty and upcasts old schema versions', async () => {
    expect(await store.readStream('task-none')).toEqual([]);
    await store.append('task-7', [
      { ...newEvent('TaskAssigned', { agency: 'lc-so-yte' }), schemaVersion: 1 },
    ]);
    const upcasting = store.withUpcaster(
      upcasterFrom([
        {
          type: 'TaskAssigned',
          fromVersion: 1,
          upcast: (d) => ({ agencyCode: (d as { agency: string }).agency }),
        },
      ]),
    );
    expect((await upcasting.readStream('task-7'))[0]).toMatchObject({
      schemaVersion: 2,
      data: { agencyCode: 'lc-so-yte' },
    });
  });

  it('applies appends to one stream in the order they were made, even when calls arrive out of order', async () => {
    const late = new KurrentDbEventStore(new FakeKurrentDbClient(1_000n, 5), { streamPrefix: 'coord-' });
    const outcomes = await Promise.allSettled([
      late.append('task-8', [newEvent('first')], ExpectedVersion.noStream),
      late.append('task-8', [newEvent('second')], ExpectedVersion.exact(1)),
      late.append('task-8', [newEvent('third')], ExpectedVersion.exact(2)),
      ...Array.from({ length: 20 }, (_, i) => late.append('task-9', [newEvent(`step-${i}`)])),
    ]);

    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect((await late.readStream('task-8')).map((e) => e.type)).toEqual(['first', 'second', 'third']);
    expect((await late.readStream('task-9')).map((e) => e.type)).toEqual(
      Array.from({ length: 20 }, (_, i) => `step-${i}`),
    );
  });

  it('closes the client', async () => {
    await store.close();
    expect(client.disposed).toBe(true);
  });
});
