import { parentPort } from 'node:worker_threads';
import { AgencyDirectory } from '#libs/agencies';
import type { PlanDraftStream } from '../draft/build-plan-draft.js';
import { draftPlanText, streamPlanText } from '../draft/draft-plan-text.js';
import { gzipDraftStreamJson, gzipPlanText } from '../draft/serialised-draft.js';
import { PlanDocumentError } from '../errors.js';
import { readCanonicalPlanText } from '../read-plan-document.js';
import { collectGarbage } from './collect-garbage.js';
import type { DraftOutcome, WorkerJob } from './draft-in-worker.js';

/*
 * Runs one plan intake in a thread of its own (see draft-in-worker.ts): the archive checks, the
 * Word reader, the UTF-8 decoding and the parse, which can take seconds and hundreds of MB on a
 * hostile document. The thread waits for its one job (it may be started ahead of it), and ends
 * after it, giving all its memory back.
 */
let job: { bytes: Uint8Array | null } & Omit<WorkerJob, 'bytes'>;

async function run(): Promise<DraftOutcome> {
  try {
    const directory = new AgencyDirectory(job.directory);
    const options = {
      fileName: job.fileName,
      mediaType: job.mediaType,
      afterParsing: () => collectGarbage('major'),
    };
    if (job.output !== 'draft') {
      const { sourceText, ...made } = await serialise(
        streamPlanText(await readCanonicalText(), directory, options),
      );
      // To be stored: compressed here, the caller's thread (where the embedded database runs) writes
      // and the database parses tens of times fewer bytes.
      const sourceTextGzip = job.output === 'serialised-with-text' ? await gzipPlanText(sourceText) : null;
      return { ...made, sourceTextGzip };
    }
    const draft = draftPlanText(await readCanonicalText(), directory, options);
    const { sourceText, ...withoutText } = draft;
    return {
      ok: true,
      output: 'draft',
      draft: withoutText,
      sourceText: new TextEncoder().encode(sourceText),
      sourceTextLength: sourceText.length,
    };
  } catch (error) {
    if (error instanceof PlanDocumentError) {
      return { ok: false, code: error.code, message: error.message, reasons: error.reasons };
    }
    return {
      ok: false,
      code: null,
      message: error instanceof Error ? error.message : String(error),
      reasons: [],
    };
  }
}

/**
 * The draft's JSON, made a task at a time as the tasks are built and compressed as it is made: the
 * draft's tasks, the parties they are built from and its JSON are never held whole. The text it was
 * read from is compressed after.
 */
async function serialise(draft: PlanDraftStream) {
  const { planId, contentHash } = draft.head;
  const { sourceText } = draft;
  return {
    ok: true,
    output: 'serialised',
    planId,
    contentHash,
    jsonGzip: await gzipDraftStreamJson(draft),
    sourceTextLength: sourceText.length,
    sourceText,
  } as const;
}

/**
 * The buffers of an outcome, moved to the caller rather than copied. Only a view that is its whole
 * buffer is moved: a small Buffer is a slice of Node's shared pool, which cannot be moved (newer
 * Node refuses the message) and is copied with the message instead; each buffer is listed once.
 */
function movedBuffers(outcome: DraftOutcome): ArrayBuffer[] {
  if (!outcome.ok) return [];
  const views: Uint8Array[] =
    outcome.output === 'draft'
      ? [outcome.sourceText]
      : [outcome.jsonGzip, ...(outcome.sourceTextGzip === null ? [] : [outcome.sourceTextGzip])];
  const whole = views
    .filter((view) => view.byteOffset === 0 && view.byteLength === view.buffer.byteLength)
    .map((view) => view.buffer as ArrayBuffer);
  return [...new Set(whole)];
}

/**
 * The document's canonical text (canonicalPlanText, which draftPlanText then finds done), made in
 * the upload's own bytes (readCanonicalPlanText). The bytes do not outlive this function.
 */
async function readCanonicalText(): Promise<string> {
  const text = await readCanonicalPlanText(takeBytes(), job.fileName ?? undefined, {
    // The pieces of text made canonical are garbage by then: not held with the bytes and the text.
    beforeDecoding: () => collectGarbage('major'),
  });
  // The upload's memory goes when its buffer is collected, which a buffer moved here from another
  // thread may wait for until a full collection: 9 MB held through the whole parse.
  collectGarbage('major');
  return text;
}

/** The document's bytes, given up by the job: they can be collected as soon as they are read. */
function takeBytes(): Uint8Array {
  const bytes = job.bytes ?? new Uint8Array(0);
  job.bytes = null;
  return bytes;
}

parentPort?.once('message', (posted: WorkerJob) => {
  job = posted;
  void run().then((outcome) => parentPort?.postMessage(outcome, movedBuffers(outcome)));
});
