import { parentPort } from 'node:worker_threads';
import { hashLines, type LeafHashJob } from './leaf-hash-lines.js';

/*
 * A thread of the verifier's pool (leaf-hashes.ts): parses the event lines of a piece of an export, writes their
 * canonical entries and hashes them, batch after batch, and hands back the hashes and recorded
 * leaf indexes in a few transferred arrays. Every check stays on the thread that reads the export.
 */
parentPort?.on('message', (job: LeafHashJob) => {
  const answer = hashLines(job);
  parentPort!.postMessage(answer, [
    answer.bounds.buffer,
    answer.hashed.buffer,
    answer.leafIndexes.buffer,
    answer.hashes.buffer,
  ]);
});
