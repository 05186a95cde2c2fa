import { Worker } from 'node:worker_threads';
import {
  currentSystemThreadId,
  threadProcessorTimeMs,
  threadStatFields,
} from '../src/isolation/thread-processor-time.js';

/**
 * A thread that tells its system id, waits for `go`, then computes (`busy`) or sleeps for a second,
 * says so and stays until `go` is 2: its time is read while it is still there.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { go, busy } = workerData;
parentPort.postMessage(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()));
Atomics.wait(go, 0, 0);
const end = Date.now() + 1000;
if (busy) while (Date.now() < end);
else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
parentPort.postMessage('done');
Atomics.wait(go, 0, 1);
`;

/** The processor time (ms) a thread used over a second of computing or of sleeping. */
async function timeUsedBy(busy: boolean): Promise<number> {
  const go = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(THREAD, { eval: true, workerData: { go, busy } });
  const messages: unknown[] = [];
  let arrived = () => {};
  worker.on('message', (message) => {
    messages.push(message);
    arrived();
  });
  const next = async () => {
    while (messages.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    return messages.shift();
  };
  try {
    const threadId = (await next()) as number;
    const before = threadProcessorTimeMs(threadId);
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    expect(await next()).toBe('done');
    const after = threadProcessorTimeMs(threadId);
    if (before === null || after === null) throw new Error(`thread ${threadId}'s time was not read`);
    return after - before;
  } finally {
    Atomics.store(go, 0, 2);
    Atomics.notify(go, 0);
    await worker.terminate();
  }
}

describe("a thread's processor time (Linux)", () => {
  it('counts the time a thread computes, and not the time it waits', async () => {
    // Ticks of 10 ms, and a host that may be busy: a computing thread gets a tenth of its second at
    // least, even at a load of ten on two cores.
    expect(await timeUsedBy(true)).toBeGreaterThanOrEqual(100);
    expect(await timeUsedBy(false)).toBeLessThanOrEqual(30);
  });

  it("tells the calling thread's id, and nothing for a thread that is not this process's", () => {
    expect(currentSystemThreadId()).toBe(process.pid);
    expect(threadProcessorTimeMs(0)).toBeNull();
    expect(threadStatFields(0)).toBeNull();
  });

  it("reads a thread's stat fields in proc(5)'s order, whatever its name holds", async () => {
    // A thread may name itself anything of up to 15 bytes: spaces and parentheses included.
    const worker = new Worker(
      `const fs = require('node:fs');
       fs.writeFileSync('/proc/thread-self/comm', 'x) (y z');
       require('node:worker_threads').parentPort.postMessage(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()));
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    try {
      const threadId = await new Promise<number>((resolve) => worker.once('message', resolve));
      const fields = threadStatFields(threadId);
      expect(fields?.slice(0, 2)).toEqual([String(threadId), 'x) (y z']);
      // The 4th field is the parent's process id: this process's parent, for each of its threads.
      expect(fields?.[3]).toBe(String(process.ppid));
    } finally {
      await worker.terminate();
    }
  });
});
