import { inspectDocxArchive } from './docx-archive.js';
import { extractDocxText } from './docx-text.js';
import { PlanDocumentError } from './errors.js';
import { canonicalLayout, canonicalPlanText } from './draft/plan-identity.js';
import { addTextCounts, assertLooksLikeText, assertTextCounts, textCounts } from './input-guard.js';

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04]; // "PK\x03\x04": .docx is a ZIP archive
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0]; // legacy Word .doc
const PDF_SIGNATURE = [0x25, 0x50, 0x44, 0x46]; // "%PDF"

/**
 * A plan is some 30,000 characters; a text upload may have 10 MB of them (annexes, padding). The
 * same bound holds for the text of a .docx, whose XML can be larger than its text.
 */
export const PLAN_TEXT_LIMIT_CHARACTERS = 10 * 1024 * 1024;

/**
 * Turns an uploaded plan into text for `parsePlanDocument`: a .docx (recognised by its ZIP
 * signature, not its name) is read with mammoth; anything else must be strict UTF-8 (a BOM is
 * dropped). Throws PlanDocumentError when the bytes cannot be a plan's text, or when the archive
 * or the text is over its limits (DOCX_LIMITS, PLAN_TEXT_LIMIT_CHARACTERS). The API and the CLI
 * call it through `draftPlanDocumentInWorker`, off their event loop.
 */
export async function readPlanDocument(bytes: Uint8Array, fileName?: string): Promise<string> {
  const source = fileName ? `"${fileName}"` : 'The document';
  if (bytes.length === 0) {
    throw new PlanDocumentError('empty-document', `${source} is empty: there is no text to read.`);
  }
  const text = startsWith(bytes, ZIP_SIGNATURE) ? await readDocx(bytes, source) : decodeUtf8(bytes, source);
  assertLength(text.length, source);
  assertLooksLikeText(text, fileName);
  return text;
}

function assertLength(length: number, source: string): void {
  if (length > PLAN_TEXT_LIMIT_CHARACTERS) {
    throw new PlanDocumentError(
      'document-too-long',
      `${source} has ${length} characters of text; a plan may have at most ${PLAN_TEXT_LIMIT_CHARACTERS}.`,
    );
  }
}

/** Bytes of a text upload made canonical at a time (cut after a line break). */
const CANONICAL_PIECE_BYTES = 256 * 1024;

/**
 * `canonicalPlanText(await readPlanDocument(bytes, fileName))`: the same text and the same refusals,
 * holding less. A text upload is made canonical in its own bytes, a piece of lines at a time
 * (canonicalLayout), then decoded once: the text as received (14 MB for a 9 MB plan in Vietnamese,
 * which mammoth's and most copies' blank lines make different from the canonical one) and its
 * canonical copy are never held together. The bytes are overwritten: give bytes no one else reads.
 */
export async function readCanonicalPlanText(
  bytes: Uint8Array,
  fileName?: string,
  options: {
    /**
     * Called once the canonical bytes are written and before they are decoded: the caller may
     * collect the garbage of their making (the intake thread does), so that it is not held with
     * the bytes and the whole text at the peak of a large import.
     */
    readonly beforeDecoding?: () => void;
  } = {},
): Promise<string> {
  if (bytes.length === 0 || startsWith(bytes, ZIP_SIGNATURE)) {
    return canonicalPlanText(await readPlanDocument(bytes, fileName));
  }
  const source = fileName ? `"${fileName}"` : 'The document';
  assertNotOtherFormat(bytes, source);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (piece?: Uint8Array) => {
    try {
      return piece ? decoder.decode(piece, { stream: true }) : decoder.decode();
    } catch (cause) {
      throw new PlanDocumentError('not-text', `${source} is neither a .docx nor valid UTF-8 text.`, {
        cause,
      });
    }
  };
  const encoder = new TextEncoder();
  // What readPlanDocument checks is counted on the text as received.
  const counts = textCounts('');
  let written = 0;
  for (let start = 0; start < bytes.length;) {
    const newline = bytes.indexOf(0x0a, Math.min(bytes.length, start + CANONICAL_PIECE_BYTES));
    const end = newline === -1 ? bytes.length : newline + 1;
    // A cut after a line break never splits a character; `stream` drops a BOM only at the start.
    const piece = decode(bytes.subarray(start, end));
    addTextCounts(counts, piece);
    const layout = canonicalLayout(piece);
    if (layout !== '') {
      if (written > 0) bytes[written++] = 0x0a;
      // Never past what was read: the layout only drops or shortens white space and line breaks.
      const encoded = encoder.encodeInto(layout, bytes.subarray(written, end));
      if (encoded.read !== layout.length) {
        throw new Error('The canonical text outgrew the bytes it was read from.');
      }
      written += encoded.written;
    }
    start = end;
  }
  // The end of the bytes must not cut a character.
  decode();
  assertLength(counts.length, source);
  assertTextCounts(counts, fileName);
  options.beforeDecoding?.();
  return canonicalPlanText(new TextDecoder().decode(bytes.subarray(0, written)));
}

async function readDocx(bytes: Uint8Array, source: string): Promise<string> {
  // Before the Word reader inflates anything: a zip bomb is refused by what it declares.
  await inspectDocxArchive(bytes, source);
  try {
    return await extractDocxText(bytes);
  } catch (cause) {
    throw new PlanDocumentError(
      'unreadable-docx',
      `${source} is a ZIP file but no Word text could be read from it (a damaged .docx, or another format).`,
      { cause },
    );
  }
}

function decodeUtf8(bytes: Uint8Array, source: string): string {
  assertNotOtherFormat(bytes, source);
  try {
    // fatal: invalid UTF-8 is an error rather than silently replaced; the BOM is stripped by default.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new PlanDocumentError('not-text', `${source} is neither a .docx nor valid UTF-8 text.`, { cause });
  }
}

function assertNotOtherFormat(bytes: Uint8Array, source: string): void {
  if (startsWith(bytes, OLE_SIGNATURE)) {
    throw new PlanDocumentError(
      'unsupported-format',
      `${source} is a legacy Word .doc file: save it as .docx.`,
    );
  }
  if (startsWith(bytes, PDF_SIGNATURE)) {
    throw new PlanDocumentError('unsupported-format', `${source} is a PDF: upload the .docx or the text.`);
  }
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, i) => bytes[i] === byte);
}
