import { parentPort, workerData } from 'node:worker_threads';
import { AgencyDirectory, type AgencyDirectoryInput } from '#libs/agencies';
import { draftPlanText } from '../draft/draft-plan-text.js';
import { canonicalPlanText } from '../draft/plan-identity.js';
import { PlanDocumentError } from '../errors.js';
import { readPlanDocument } from '../read-plan-document.js';
import type { DraftJob, DraftOutcome } from './draft-in-worker.js';

/*
 * Runs one plan intake in a thread of its own (see draft-in-worker.ts): the archive checks, the
 * Word reader, the UTF-8 decoding and the parse, which can take seconds and hundreds of MB on a
 * hostile document. The thread ends after one job, giving all its memory back.
 */
const job = workerData as { bytes: Uint8Array | null } & Omit<DraftJob, 'bytes'> & {
    readonly directory: AgencyDirectoryInput;
  };

async function run(): Promise<DraftOutcome> {
  try {
    const directory = new AgencyDirectory(job.directory);
    const draft = draftPlanText(await readCanonicalText(), directory, {
      fileName: job.fileName,
      mediaType: job.mediaType,
    });
    const { sourceText, ...withoutText } = draft;
    return {
      ok: true,
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
 * The document's canonical text (canonicalPlanText, which draftPlanText then finds done). Neither
 * the bytes nor the text as received outlive this function: the parse has their memory.
 */
async function readCanonicalText(): Promise<string> {
  return canonicalPlanText(await readPlanDocument(takeBytes(), job.fileName ?? undefined));
}

/** The document's bytes, given up by the job: they can be collected as soon as they are read. */
function takeBytes(): Uint8Array {
  const bytes = job.bytes ?? new Uint8Array(0);
  job.bytes = null;
  return bytes;
}

void run().then((outcome) =>
  parentPort?.postMessage(outcome, outcome.ok ? [outcome.sourceText.buffer as ArrayBuffer] : []),
);
