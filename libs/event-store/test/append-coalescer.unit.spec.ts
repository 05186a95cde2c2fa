import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { ExpectedVersion, type AppendResult, type NewEvent } from '../src/index.js';
import { AppendCoalescer, type PendingAppend } from '../src/postgres/append-coalescer.js';

function events(count: number): NewEvent[] {
  return Array.from({ length: count }, () => ({
    id: randomUUID(),
    type: 'TaskAcknowledged',
    data: {},
    metadata: { actor: { personId: 'p', agencyCode: 'a' }, occurredAt: '2024-12-01T00:00:00.000Z' },
  }));
}

/** Lets the coalescer's promise callbacks run. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

const ok: AppendResult = { nextVersion: 1, lastPosition: 1n, positions: [1n], duplicate: false };

/** A writer whose batches the test finishes by hand, recording what each batch held. */
function controlledWriter() {
  const batches: string[][] = [];
  const finish: (() => void)[] = [];
  const write = (batch: readonly PendingAppend[]) => {
    batches.push(batch.map((append) => append.streamId));
    return new Promise<void>((resolve) => {
      finish.push(() => {
        for (const append of batch) append.resolve(ok);
        resolve();
      });
    });
  };
  return { batches, finish, write };
}

function submit(coalescer: AppendCoalescer, streamId: string, size = 1): Promise<AppendResult> {
  return new Promise((resolve, reject) =>
    coalescer.submit({
      streamId,
      events: events(size),
      expected: ExpectedVersion.any,
      attempts: 0,
      resolve,
      reject,
    }),
  );
}

describe('AppendCoalescer', () => {
  describe('when the store is idle', () => {
    it('writes an append at once, on its own', () => {
      const writer = controlledWriter();
      const coalescer = new AppendCoalescer({ maxConcurrentBatches: 2, maxBatchEvents: 100 }, writer.write);

      void submit(coalescer, 's1');

      expect(writer.batches).toEqual([['s1']]);
    });
  });

  describe('while a batch is being written and few events are queued', () => {
    it('starts another batch only once the queue holds minEventsForConcurrentBatch events', async () => {
      const writer = controlledWriter();
      const coalescer = new AppendCoalescer(
        {
          maxConcurrentBatches: 2,
          maxBatchEvents: 100,
          minEventsForConcurrentBatch: 4,
          concurrentBatchAfterMs: 60_000,
        },
        writer.write,
      );

      void submit(coalescer, 's1');
      void submit(coalescer, 's2');
      void submit(coalescer, 's3');
      // One batch in flight, two events queued: they wait to share the next commit.
      expect(writer.batches).toEqual([['s1']]);

      void submit(coalescer, 's4', 2);
      // Four events queued: a second batch overlaps the first.
      expect(writer.batches).toEqual([['s1'], ['s2', 's3', 's4']]);

      void submit(coalescer, 's5');
      writer.finish[0]!();
      await tick();
      // The second batch is still in flight: one event queued waits for it.
      expect(writer.batches).toEqual([['s1'], ['s2', 's3', 's4']]);
      writer.finish[1]!();
      await tick();
      // With no batch in flight, what is queued goes at once, however little.
      expect(writer.batches).toEqual([['s1'], ['s2', 's3', 's4'], ['s5']]);
    });
  });

  describe('while a batch is being written and appends are handed back', () => {
    it('counts them among the queued events that start another batch', async () => {
      const batches: string[][] = [];
      const ends: (() => void)[] = [];
      let handedBack = false;
      const coalescer: AppendCoalescer = new AppendCoalescer(
        {
          maxConcurrentBatches: 2,
          maxBatchEvents: 100,
          minEventsForConcurrentBatch: 3,
          concurrentBatchAfterMs: 60_000,
        },
        (batch) => {
          batches.push(batch.map((append) => append.streamId));
          return new Promise<void>((resolve) =>
            ends.push(() => {
              // The first batch's appends are refused as out of order: written again.
              if (!handedBack) {
                handedBack = true;
                coalescer.retry(batch);
              } else for (const append of batch) append.resolve(ok);
              resolve();
            }),
          );
        },
      );

      void submit(coalescer, 'a', 3);
      void submit(coalescer, 'b', 3);
      expect(batches).toEqual([['a'], ['b']]);
      ends[0]!();
      await tick();

      // The second batch is still in flight; the three events handed back start a batch at once.
      expect(batches).toEqual([['a'], ['b'], ['a']]);
    });
  });

  describe('while a batch in flight is held up', () => {
    it('starts another batch for the few queued appends once the first has waited concurrentBatchAfterMs', () => {
      const writer = controlledWriter();
      const coalescer = new AppendCoalescer(
        {
          maxConcurrentBatches: 2,
          maxBatchEvents: 100,
          minEventsForConcurrentBatch: 32,
          concurrentBatchAfterMs: 10,
        },
        writer.write,
      );

      jest.useFakeTimers();
      try {
        void submit(coalescer, 's1');
        void submit(coalescer, 's2');
        jest.advanceTimersByTime(9);
        expect(writer.batches).toEqual([['s1']]);

        jest.advanceTimersByTime(1);
        expect(writer.batches).toEqual([['s1'], ['s2']]);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('when every slot is writing', () => {
    it('queues new appends and writes them together in the next free slot, in arrival order', async () => {
      const writer = controlledWriter();
      const coalescer = new AppendCoalescer({ maxConcurrentBatches: 1, maxBatchEvents: 100 }, writer.write);

      const first = submit(coalescer, 's1');
      const queued = ['s2', 's3', 's4'].map((stream) => submit(coalescer, stream));
      expect(coalescer.queued).toBe(3);

      writer.finish[0]!();
      await first;
      await tick();
      expect(writer.batches).toEqual([['s1'], ['s2', 's3', 's4']]);
      writer.finish[1]!();
      await expect(Promise.all(queued)).resolves.toHaveLength(3);
    });

    it('closes a batch at the event limit, but never leaves a large append out', async () => {
      const writer = controlledWriter();
      const coalescer = new AppendCoalescer({ maxConcurrentBatches: 1, maxBatchEvents: 10 }, writer.write);

      void submit(coalescer, 'busy');
      void submit(coalescer, 'a', 4);
      void submit(coalescer, 'b', 5);
      void submit(coalescer, 'c', 2);
      void submit(coalescer, 'huge', 50);
      writer.finish[0]!();
      await tick();

      expect(writer.batches).toEqual([['busy'], ['a', 'b']]);
      writer.finish[1]!();
      await tick();
      expect(writer.batches.slice(2)).toEqual([['c']]);
      writer.finish[2]!();
      await tick();
      expect(writer.batches.slice(3)).toEqual([['huge']]);
    });
  });

  describe('with a batch observer', () => {
    it('reports each batch written, its appends and its events', async () => {
      const writer = controlledWriter();
      const seen: { appends: number; events: number }[] = [];
      const coalescer = new AppendCoalescer(
        { maxConcurrentBatches: 1, maxBatchEvents: 100, onBatch: (batch) => seen.push(batch) },
        writer.write,
      );

      void submit(coalescer, 's1', 2);
      void submit(coalescer, 's2', 3);
      void submit(coalescer, 's3', 1);
      writer.finish[0]!();
      await tick();

      expect(seen).toEqual([
        { appends: 1, events: 2 },
        { appends: 2, events: 4 },
      ]);
    });
  });

  describe('when appends must be written again', () => {
    it('puts them back together, in their order, ahead of the appends that came after them', async () => {
      const batches: string[][] = [];
      let later: Promise<AppendResult> | undefined;
      let release: () => void = () => undefined;
      const busy = new Promise<void>((resolve) => (release = resolve));
      const coalescer: AppendCoalescer = new AppendCoalescer(
        { maxConcurrentBatches: 1, maxBatchEvents: 100 },
        async (batch) => {
          batches.push(batch.map((append) => `${append.streamId}:${append.attempts}`));
          if (batches.length === 1) await busy;
          if (batches.length === 2) {
            later = submit(coalescer, 'later'); // arrives while this batch is being written
            // Both appends to s are refused (out of order) and handed back; x is written.
            batch[2]!.resolve(ok);
            for (const append of batch.slice(0, 2)) append.attempts++;
            coalescer.retry(batch.slice(0, 2));
            return;
          }
          for (const append of batch) append.resolve(ok);
        },
      );

      const all = Promise.all([
        submit(coalescer, 'busy'),
        submit(coalescer, 's'),
        submit(coalescer, 's'),
        submit(coalescer, 'x'),
      ]);
      release();
      await all;
      await later;

      expect(batches).toEqual([['busy:0'], ['s:0', 's:0', 'x:0'], ['s:1', 's:1', 'later:0']]);
    });
  });

  describe('when an earlier append to the same stream is being written', () => {
    it('holds back every later append to that stream, and writes other streams meanwhile', async () => {
      const writer = controlledWriter();
      const coalescer = new AppendCoalescer({ maxConcurrentBatches: 2, maxBatchEvents: 100 }, writer.write);

      void submit(coalescer, 's');
      void submit(coalescer, 'busy');
      void submit(coalescer, 's');
      void submit(coalescer, 'other');
      void submit(coalescer, 's');
      expect(writer.batches).toEqual([['s'], ['busy']]);

      writer.finish[1]!(); // 'busy' ends first: s is still being written
      await tick();
      expect(writer.batches[2]).toEqual(['other']);

      writer.finish[0]!();
      await tick();
      expect(writer.batches[3]).toEqual(['s', 's']);
    });
  });

  describe('when writing a batch fails', () => {
    it('rejects the appends the writer left unsettled, and keeps going', async () => {
      let release: () => void = () => undefined;
      const busy = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      const coalescer = new AppendCoalescer({ maxConcurrentBatches: 1, maxBatchEvents: 100 }, (batch) => {
        calls++;
        if (calls === 1) return busy.then(() => batch[0]!.resolve(ok));
        if (calls === 2) {
          batch[0]!.resolve(ok); // the writer settled the first append, then lost its connection
          return Promise.reject(new Error('connection lost'));
        }
        for (const append of batch) append.resolve(ok);
        return Promise.resolve();
      });

      const first = submit(coalescer, 'busy');
      const outcomes = Promise.allSettled([submit(coalescer, 'a'), submit(coalescer, 'b')]);
      release();
      await first;

      const [a, b] = await outcomes;
      expect(a).toEqual({ status: 'fulfilled', value: ok });
      expect(b).toEqual({ status: 'rejected', reason: new Error('connection lost') });
      await expect(submit(coalescer, 'c')).resolves.toBe(ok);
    });
  });

  it('refuses a configuration that could never write', () => {
    expect(
      () => new AppendCoalescer({ maxConcurrentBatches: 0, maxBatchEvents: 10 }, async () => {}),
    ).toThrow(RangeError);
  });
});
