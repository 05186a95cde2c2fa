import { DecisionError } from '#libs/shared-kernel';
import {
  ApplicationError,
  CommandProcessor,
  RefusedBefore,
  type CommandObserver,
  type RetryPolicy,
  type StreamCommand,
  type StreamModel,
} from '../index.js';
import {
  fixedSystem,
  InMemoryEventStore,
  InMemoryIdempotencyStore,
} from '../../test/support/in-memory-ports.js';

/** A counter stream: each 'Counted' event adds one; the command refuses past a limit. */
interface Counter {
  readonly count: number;
}
const counterModel: StreamModel<Counter> = {
  name: 'counter',
  initialState: () => ({ count: 0 }),
  evolve: (state, event) => (event.type === 'Counted' ? { count: state.count + 1 } : state),
};

class CounterRefusal extends DecisionError<'counter.full'> {
  constructor() {
    super({ 'counter.full': 'conflict' }, 'counter.full', 'The counter is full');
  }
}

function count(options: { limit?: number; key?: string; body?: unknown } = {}): StreamCommand<Counter> {
  return {
    name: 'Count',
    streamId: 'counter-1',
    model: counterModel,
    decide: (state) => {
      if (options.limit !== undefined && state.count >= options.limit) throw new CounterRefusal();
      return [{ type: 'Counted', data: { after: state.count } }];
    },
    context: {
      actor: { personId: 'p1', agencyCode: 'a1' },
      idempotencyKey: options.key,
      route: 'POST /counters/1',
      body: options.body ?? {},
    },
  };
}

function setUp(retry: Partial<RetryPolicy> = {}) {
  const store = new InMemoryEventStore();
  const idempotency = new InMemoryIdempotencyStore(store);
  const waits: number[] = [];
  const handled: Parameters<CommandObserver['commandHandled']>[0][] = [];
  const processor = new CommandProcessor({
    store,
    idempotency,
    system: fixedSystem(),
    retry: {
      maxAttempts: 4,
      baseDelayMs: 10,
      maxDelayMs: 25,
      random: () => 0.999,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...retry,
    },
    observer: { commandHandled: (info) => handled.push(info) },
  });
  return { store, idempotency, processor, waits, handled };
}

describe('CommandProcessor.handleCommand', () => {
  it('decides on fresh state after each conflict, waiting a full-jitter exponential back-off', async () => {
    const { store, processor, waits, handled } = setUp();
    await processor.handleCommand(count()); // the stream is now cached at version 1
    store.conflictsBeforeAppend = 3;
    store.competitor = { type: 'Counted', data: { by: 'another process' } };

    const result = await processor.handleCommand(count());

    // The cached try's conflict is not contention: no wait. Then two conflicts on stored state.
    expect(waits).toEqual([9, 19]);
    // Decided again on the stored state each time: the competitors' three events came first.
    expect(store.streams.get('counter-1')?.map((event) => event.data)).toEqual([
      { after: 0 },
      { by: 'another process' },
      { by: 'another process' },
      { by: 'another process' },
      { after: 4 },
    ]);
    expect(result).toMatchObject({ streamId: 'counter-1', streamVersion: 5, position: '5' });
    // Three decisions met the store (the cached try that was simply redone is not one).
    expect(handled.at(-1)).toMatchObject({ command: 'Count', outcome: 'ok', attempts: 3 });
  });

  it('gives up after maxAttempts decisions on stored state with concurrency-conflict, writing nothing', async () => {
    const { store, processor, waits, handled } = setUp({ random: () => 0.5 });
    store.conflictsBeforeAppend = 100;

    const refused = processor.handleCommand(count());

    await expect(refused).rejects.toBeInstanceOf(ApplicationError);
    await expect(refused).rejects.toMatchObject({
      code: 'concurrency-conflict',
      kind: 'conflict',
      retryAfterSeconds: 1,
      details: { streamId: 'counter-1', attempts: 4 },
    });
    // 1 try on the (empty) cache, then 4 on stored state: 3 waits, capped at maxDelayMs.
    expect(store.appends).toBe(5);
    expect(waits).toEqual([5, 10, 12]);
    expect(store.streams.get('counter-1')).toBeUndefined();
    expect(handled).toEqual([expect.objectContaining({ outcome: 'conflict', attempts: 4 })]);
  });

  it('answers from the cached state in one append when nobody else wrote the stream', async () => {
    const { store, processor } = setUp();
    await processor.handleCommand(count());
    const reads = store.reads;

    await processor.handleCommand(count());
    await processor.handleCommand(count());

    expect(store.reads).toBe(reads);
    expect(store.streams.get('counter-1')).toHaveLength(3);
  });

  it('checks a refusal decided on the cached state against the stored state before answering it', async () => {
    const { store, processor, handled } = setUp();
    await processor.handleCommand(count({ limit: 1 })); // cached: count 1
    // Another process cannot lower the count, so the refusal stands, but only after a read.
    const reads = store.reads;
    await expect(processor.handleCommand(count({ limit: 1 }))).rejects.toBeInstanceOf(CounterRefusal);
    expect(store.reads).toBe(reads + 1);
    expect(handled.at(-1)).toMatchObject({ outcome: 'refused' });
  });

  it('under one Idempotency-Key answers the first answer again, and refuses the key with another request', async () => {
    const { store, processor } = setUp();
    const first = await processor.handleCommand(count({ key: 'k1', body: { n: 1 } }));
    const again = await processor.handleCommand(count({ key: 'k1', body: { n: 1 } }));
    expect(again).toEqual(first);
    expect(store.streams.get('counter-1')).toHaveLength(1);

    await expect(processor.handleCommand(count({ key: 'k1', body: { n: 2 } }))).rejects.toMatchObject({
      code: 'idempotency-key-reused',
      kind: 'invalid',
    });
  });

  it('keeps a refusal under its key: a retry is refused the same way even once the command could pass', async () => {
    const { processor } = setUp();
    await processor.handleCommand(count());
    await expect(processor.handleCommand(count({ limit: 1, key: 'k2' }))).rejects.toBeInstanceOf(
      CounterRefusal,
    );

    const retried = processor.handleCommand(count({ limit: 10, key: 'k2' }));
    await expect(retried).rejects.toBeInstanceOf(RefusedBefore);
    await expect(retried).rejects.toMatchObject({ code: 'counter.full', kind: 'conflict' });
  });

  it('does not keep a conflict that survived the retries under the key: a retry may still succeed', async () => {
    const { store, processor } = setUp();
    store.conflictsBeforeAppend = 100;
    await expect(processor.handleCommand(count({ key: 'k3' }))).rejects.toMatchObject({
      code: 'concurrency-conflict',
    });
    store.conflictsBeforeAppend = 0;
    await expect(processor.handleCommand(count({ key: 'k3' }))).resolves.toMatchObject({ streamVersion: 1 });
  });

  it('queues commands on one stream in this process, so they never conflict with each other', async () => {
    const { store, processor, waits } = setUp();
    await Promise.all(Array.from({ length: 20 }, () => processor.handleCommand(count())));
    expect(store.streams.get('counter-1')?.map((event) => (event.data as { after: number }).after)).toEqual(
      Array.from({ length: 20 }, (_, n) => n),
    );
    expect(store.appends).toBe(20);
    expect(waits).toEqual([]);
  });

  it('answers a no-op on a stream never written with no position and tells the observer so', async () => {
    const { processor, handled } = setUp();
    const result = await processor.handleCommand({ ...count(), decide: () => [] });
    expect(result).toEqual({ streamId: 'counter-1', streamVersion: 0, position: null, events: [] });
    expect(handled).toEqual([expect.objectContaining({ outcome: 'no-op' })]);
  });

  it("answers a no-op with the position of the stream's last event, read with the stream", async () => {
    const { store, processor } = setUp();
    store.write('counter-0', [{ id: 'elsewhere', type: 'Counted', data: {} }]); // positions differ from versions
    const written = await processor.handleCommand(count());
    const reads = store.reads;
    const noOp = await processor.handleCommand({ ...count(), decide: () => [] });
    expect(noOp).toEqual({ streamId: 'counter-1', streamVersion: 1, position: written.position, events: [] });
    expect(written.position).toBe('2');
    expect(store.reads).toBe(reads + 1);

    // Another process wrote meanwhile: the same one read finds its event and its position.
    store.write('counter-1', [{ id: 'other-process', type: 'Counted', data: {} }]);
    const after = await processor.handleCommand({ ...count(), decide: () => [] });
    expect(after).toEqual({ streamId: 'counter-1', streamVersion: 2, position: '3', events: [] });
    expect(store.reads).toBe(reads + 2);
  });

  it("answers a no-op decided in a fresh process (nothing cached) with the stream's last position", async () => {
    const { store, processor } = setUp();
    store.write('counter-1', [
      { id: 'e1', type: 'Counted', data: {} },
      { id: 'e2', type: 'Counted', data: {} },
    ]);
    const noOp = await processor.handleCommand({ ...count(), decide: () => [] });
    expect(noOp).toMatchObject({ streamVersion: 2, position: '2', events: [] });
  });
});
