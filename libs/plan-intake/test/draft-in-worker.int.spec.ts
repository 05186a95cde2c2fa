import { createSeedDirectory } from '#libs/agencies';
import { until } from '../../../test/support/until.js';
import { docxWithBody, heavyDocx, wordParagraph } from '../../../test/support/zip-bombs.js';
import { channel } from 'node:diagnostics_channel';
import { readdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import {
  draftPlanDocumentInWorker,
  draftPlanText,
  draftJsonPieces,
  draftSerialisedPlanDocumentInWorker,
  gunzipChunks,
  INTAKE_WORKER_LIMITS,
  jsonPieces,
  keepIntakeThreadReady,
  PlanDocumentError,
  readCanonicalPlanText,
  readyIntakeThreadId,
} from '../src/index.js';
import { threadStatFields } from '../src/isolation/thread-processor-time.js';
import { largePlan } from './support/variants.js';
import { LAI_CHAU, readSeedPlan } from './seed-plans.js';

const directory = createSeedDirectory();
const utf8 = (text: string) => new TextEncoder().encode(text);

async function errorOf(promise: Promise<unknown>): Promise<PlanDocumentError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlanDocumentError) return error;
    throw error;
  }
  throw new Error('expected a PlanDocumentError');
}

describe('drafting a plan document in a worker thread', () => {
  it('drafts the Lai Châu plan as the same code does in the caller', async () => {
    const text = readSeedPlan(LAI_CHAU);
    const draft = await draftPlanDocumentInWorker(
      { bytes: utf8(text), fileName: 'laichau.txt', mediaType: 'text/plain' },
      directory,
    );
    expect(draft).toEqual(
      draftPlanText(text, directory, { fileName: 'laichau.txt', mediaType: 'text/plain' }),
    );
  });

  it('takes handed-over bytes instead of copying them, and copies bytes that share their memory', async () => {
    const text = readSeedPlan(LAI_CHAU);
    const expected = draftPlanText(text, directory, { fileName: null, mediaType: 'text/plain' });
    const own = utf8(text);
    const handed = await draftPlanDocumentInWorker(
      { bytes: own, fileName: null, mediaType: 'text/plain', handOver: true },
      directory,
    );
    expect(handed).toEqual(expected);
    expect(own.length).toBe(0);

    const encoded = utf8(text);
    const shared = new Uint8Array(encoded.length + 8);
    const slice = shared.subarray(4, 4 + encoded.length);
    slice.set(encoded);
    const copied = await draftPlanDocumentInWorker(
      { bytes: slice, fileName: null, mediaType: 'text/plain', handOver: true },
      directory,
    );
    expect(copied).toEqual(expected);
    expect(new TextDecoder().decode(slice)).toBe(text);

    const kept = utf8(text);
    await draftPlanDocumentInWorker({ bytes: kept, fileName: null, mediaType: 'text/plain' }, directory);
    expect(new TextDecoder().decode(kept)).toBe(text);
  });

  it('serialises the draft in the thread: the JSON.stringify of the draft without its text, and the text, gzipped', async () => {
    // Large enough for the JSON to be made and compressed in several pieces.
    const text = largePlan(1024 * 1024);
    const { sourceText, ...fields } = draftPlanText(text, directory, {
      fileName: null,
      mediaType: 'text/plain',
    });
    expect(draftJsonPieces({ ...fields, sourceText }).length).toBeGreaterThan(1);
    const serialised = await draftSerialisedPlanDocumentInWorker(
      { bytes: utf8(text), fileName: null, mediaType: 'text/plain', withText: true },
      directory,
    );
    expect(serialised).toMatchObject({
      planId: fields.planId,
      contentHash: fields.contentHash,
      sourceTextLength: sourceText.length,
    });
    expect(gunzipSync(serialised.sourceTextGzip ?? new Uint8Array(0)).toString('utf8')).toBe(sourceText);
    expect(gunzipSync(serialised.jsonGzip).toString('utf8')).toBe(JSON.stringify(fields));
    // Read back a chunk at a time, as an answer is written.
    const chunks: Uint8Array[] = [];
    for await (const chunk of gunzipChunks(serialised.jsonGzip)) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(JSON.stringify(fields));

    const withoutText = await draftSerialisedPlanDocumentInWorker(
      { bytes: utf8(text), fileName: null, mediaType: 'text/plain', withText: false },
      directory,
    );
    expect(withoutText.sourceTextGzip).toBeNull();
    expect(gunzipSync(withoutText.jsonGzip).toString('utf8')).toBe(JSON.stringify(fields));
  });

  it('makes the JSON of an object as JSON.stringify does, a field and an element at a time', () => {
    const object = {
      a: 'Sở Y tế "x"\n𝕏',
      skipped: 'text',
      gone: undefined,
      list: [1, undefined, { b: null, c: [] }, 'ĐỒNG'],
      empty: [],
      nested: { d: undefined, e: 2 },
      f: () => 0,
    };
    const { skipped: _skipped, ...rest } = object;
    expect(Buffer.concat(jsonPieces(object, 'skipped')).toString('utf8')).toBe(JSON.stringify(rest));
    expect(Buffer.concat(jsonPieces({})).toString('utf8')).toBe('{}');
  });

  it("passes the reader's refusals on with their codes", async () => {
    const error = await errorOf(
      draftPlanDocumentInWorker({ bytes: utf8('   \n'), fileName: null, mediaType: 'text/plain' }, directory),
    );
    expect(error.code).toBe('empty-document');
  });

  it('refuses a document that needs more memory than the thread has, and ends the thread', async () => {
    const docx = heavyDocx(4);
    const error = await errorOf(
      draftPlanDocumentInWorker({ bytes: docx, fileName: 'heavy.docx', mediaType: 'x' }, directory, {
        maxOldGenerationSizeMb: 16,
        maxYoungGenerationSizeMb: 4,
      }),
    );
    expect(error.code).toBe('document-too-complex');
    expect(error.message).toContain('more than 16 MB');
  });

  it.each([
    [
      'more processor time than the thread is given',
      { processorTimeMs: 50 },
      'took more than 0.05 s of processor time',
    ],
    [
      'longer on the clock than the thread is given, whatever its processor time',
      { timeoutMs: 5 },
      'took longer than 0.005 s',
    ],
  ])('refuses a document that takes %s', async (_, limits, refusal) => {
    const docx = docxWithBody(wordParagraph('Kế hoạch năm 2025').repeat(20_000));
    const error = await errorOf(
      draftPlanDocumentInWorker({ bytes: docx, fileName: 'slow.docx', mediaType: 'x' }, directory, limits),
    );
    expect(error.code).toBe('document-too-complex');
    expect(error.message).toContain(refusal);
  });
});

describe('an intake thread kept ready', () => {
  afterAll(() => keepIntakeThreadReady(false));

  /** The threads started in this process while `during` runs (node:diagnostics_channel). */
  interface Threads {
    readonly started: Worker[];
    readonly online: Map<Worker, Promise<void>>;
    /** The most threads started here that were alive at once. */
    most: number;
  }

  async function threadsStartedDuring(during: (threads: Threads) => Promise<void>): Promise<void> {
    const threads: Threads = { started: [], online: new Map(), most: 0 };
    let alive = 0;
    const onStart = (message: unknown) => {
      const { worker } = message as { worker: Worker };
      threads.started.push(worker);
      threads.online.set(worker, new Promise((resolve) => worker.once('online', () => resolve())));
      alive += 1;
      threads.most = Math.max(threads.most, alive);
      worker.once('exit', () => (alive -= 1));
    };
    // Held here: a channel nothing holds may be collected with its subscribers.
    const starts = channel('worker_threads');
    starts.subscribe(onStart);
    try {
      await during(threads);
    } finally {
      starts.unsubscribe(onStart);
    }
  }

  /** The thread kept ready, once it is online (no deadline of its own: the test's is Jest's). */
  async function nextReadyThread(threads: Threads): Promise<Worker> {
    let id = readyIntakeThreadId();
    while (id === null) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      id = readyIntakeThreadId();
    }
    const thread = threads.started.find((worker) => worker.threadId === id);
    if (!thread) throw new Error(`thread ${id} was not started during the test`);
    await threads.online.get(thread);
    return thread;
  }

  it('reads each document in a fresh thread started before it, and starts the next once it has ended', () =>
    threadsStartedDuring(async (threads) => {
      keepIntakeThreadReady(true);
      const first = await nextReadyThread(threads);
      const firstEnded = new Promise((resolve) => first.once('exit', resolve));
      const text = readSeedPlan(LAI_CHAU);
      const reading = draftPlanDocumentInWorker(
        { bytes: utf8(text), fileName: 'laichau.txt', mediaType: 'text/plain' },
        directory,
      );
      const startedBefore = threads.started.length;
      const draft = await reading;
      expect(draft).toEqual(
        draftPlanText(text, directory, { fileName: 'laichau.txt', mediaType: 'text/plain' }),
      );
      // The job took the ready thread, which has ended; none was started for the job: the only
      // thread started since is the next ready one.
      await firstEnded;
      const second = await nextReadyThread(threads);
      expect(threads.started.slice(startedBefore).map((thread) => thread.threadId)).toEqual([
        second.threadId,
      ]);

      // A job with limits of its own gets a thread started with them; the ready one waits.
      const error = await errorOf(
        draftPlanDocumentInWorker(
          { bytes: heavyDocx(4), fileName: 'heavy.docx', mediaType: 'x' },
          directory,
          {
            maxOldGenerationSizeMb: 16,
            maxYoungGenerationSizeMb: 4,
          },
        ),
      );
      expect(error.code).toBe('document-too-complex');
      expect(readyIntakeThreadId()).toBe(second.threadId);

      // A refused document ends its thread as any other job does.
      await errorOf(
        draftPlanDocumentInWorker(
          { bytes: utf8('   \n'), fileName: null, mediaType: 'text/plain' },
          directory,
        ),
      );
      expect((await nextReadyThread(threads)).threadId).toBeGreaterThan(second.threadId);

      keepIntakeThreadReady(false);
      expect(readyIntakeThreadId()).toBeNull();
    }));

  it('gives a queued job the thread made ready once one has ended: never more threads than jobs read at once, burst after burst', () =>
    threadsStartedDuring(async (threads) => {
      try {
        keepIntakeThreadReady(true);
        await nextReadyThread(threads);
        const text = utf8(readSeedPlan(LAI_CHAU));
        // Twice: a slot handed to a queued job must still be counted once that job has ended.
        for (const _burst of [1, 2]) {
          const jobs = Array.from({ length: 2 * INTAKE_WORKER_LIMITS.concurrency }, () =>
            draftPlanDocumentInWorker(
              { bytes: text, fileName: 'laichau.txt', mediaType: 'text/plain' },
              directory,
            ),
          );
          await Promise.all(jobs);
          await nextReadyThread(threads);
        }
      } finally {
        keepIntakeThreadReady(false);
      }
      expect(threads.most).toBe(INTAKE_WORKER_LIMITS.concurrency);
    }));

  it('runs at a lower CPU priority than the rest of the process, and only it (Linux)', async () => {
    /** Each live thread of this process's niceness, by its task id. */
    const niceness = () => {
      const found = new Map<number, number>();
      for (const task of readdirSync('/proc/self/task')) {
        const fields = threadStatFields(Number(task));
        // Null for a thread ended since the listing; niceness is the 19th field.
        if (fields) found.set(Number(task), Number(fields[18]));
      }
      return found;
    };
    // Ten steps nicer than this process's main thread (10 when CI runs it, at 0).
    const intakeNiceness = Math.min(19, niceness().get(process.pid)! + 10);
    /** The threads at the intake's niceness (read for `until`, which takes a promise). */
    const lowered = () =>
      Promise.resolve([...niceness()].filter(([, nice]) => nice === intakeNiceness).map(([task]) => task));
    // The intake threads of the tests above may still be ending; no other thread stays lowered (the
    // thread pool's threads included, whichever thread started them).
    await until(lowered, (threads) => threads.length === 0, 5_000);
    keepIntakeThreadReady(true);
    try {
      await until(lowered, (threads) => threads.length === 1, 5_000);
    } finally {
      keepIntakeThreadReady(false);
    }
    expect(niceness().get(process.pid)).toBeLessThan(intakeNiceness);
    // The lowered thread was the intake thread: it ends when no thread is kept ready.
    await until(lowered, (threads) => threads.length === 0, 5_000);
  });
});

describe('reading a text upload made canonical in its own bytes', () => {
  it('lets the caller act once the canonical bytes are written, before they are decoded', async () => {
    const text = readSeedPlan(LAI_CHAU);
    const bytes = utf8(text);
    const seen: string[] = [];
    const read = await readCanonicalPlanText(bytes, undefined, {
      beforeDecoding: () => seen.push(new TextDecoder().decode(bytes.subarray(0, 40))),
    });
    expect(seen).toHaveLength(1);
    expect(read.startsWith(seen[0]?.slice(0, 20) ?? '?')).toBe(true);
    expect(read).toBe(await readCanonicalPlanText(utf8(text)));
  });
});
