import { createHash } from 'node:crypto';
import { toNfc } from '#libs/shared-kernel';

/**
 * Identity of a plan document: its canonical text, the hash of that text, and the ids derived
 * from the hash. The same plan, as .txt or .docx, NFC or NFD, with CRLF or LF line ends and any
 * number of blank lines, has one canonical text, so one hash and one plan id; importing it again
 * proposes the same plan and the same task ids, and issuing it again records nothing.
 */

/**
 * NFC; every line trimmed, runs of spaces and tabs collapsed to one space; blank lines dropped;
 * lines joined with "\n". The parser reads non-blank lines only, so the canonical text parses as
 * the original does, and mammoth's blank line between .docx paragraphs disappears.
 */
export function canonicalPlanText(text: string): string {
  const nfc = toNfc(text);
  // Most texts are canonical already: the same string back, rather than a copy of a 9 MB plan.
  if (!NOT_CANONICAL.test(nfc)) return nfc;
  return canonicalLayout(nfc);
}

/**
 * canonicalPlanText without NFC: lines trimmed, spaces collapsed, blank lines dropped. Lines are
 * independent, so a text cut after a line break gives, piece by piece, what it gives whole; and it
 * touches only white space, which NFC never composes with, so it may come before NFC as after.
 */
export function canonicalLayout(text: string): string {
  return text
    .replace(/^\uFEFF/u, '')
    .split(/\r\n|\r|\n|\u2028|\u2029/u)
    .map((line) => line.replace(/[ \t\u00a0]+/gu, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * What canonicalPlanText would change: a line break other than "\n", a blank line or line that
 * starts or ends with white space (`\s` is what `trim` removes), a tab, a no-break space or two
 * spaces in a row, a leading byte order mark.
 */
const NOT_CANONICAL = /(?:^|\n)\s|\s(?:\n|$)|[\r\t\u00a0\u2028\u2029]| {2}|^\uFEFF/u;

/** "sha256:<hex>" of the text's UTF-8 bytes; give it the canonical text. */
export function planContentHash(canonicalText: string): string {
  const hash = createHash('sha256');
  // A slice at a time: given the whole string, the hash encodes all of it into one temporary buffer
  // (9 MB for a 9 MB plan, the intake thread's peak). Slices never split a surrogate pair, so the
  // bytes hashed are the same.
  for (const [start, end] of utf16Slices(canonicalText, HASH_SLICE_CHARACTERS)) {
    hash.update(canonicalText.slice(start, end), 'utf8');
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Characters encoded to UTF-8 at a time where a whole text would be encoded at once. */
const HASH_SLICE_CHARACTERS = 256 * 1024;

/**
 * [start, end) ranges of about `size` UTF-16 code units covering `text`, none ending between the two
 * halves of a surrogate pair (half of one would be encoded as U+FFFD).
 */
export function* utf16Slices(text: string, size: number): Generator<[number, number]> {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    // A slice of one code unit takes the pair whole rather than split it.
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - start > 1 ? -1 : 1;
    yield [start, end];
    start = end;
  }
}

/** Namespace of the name-based ids of plan intake (fixed forever: ids already recorded depend on it). */
export const PLAN_INTAKE_NAMESPACE = 'ca1ebe44-0c4c-4caf-8f6e-1fdf1a28a26e';

/** The plan id of a content hash: a UUID v5 (RFC 9562, name-based, SHA-1). */
export function planIdFor(contentHash: string): string {
  return uuidV5(PLAN_INTAKE_NAMESPACE, `plan:${contentHash}`);
}

/** A duty task: one per party of the implementation section ("V.1"). */
export function dutyTaskIdFor(planId: string, sectionRef: string): string {
  return uuidV5(planId, `duty:${sectionRef}`);
}

/** A report task: one per agency and year. */
export function reportTaskIdFor(planId: string, agencyCode: string, year: number): string {
  return uuidV5(planId, `report:${agencyCode}:${year}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 9562 UUID version 5: SHA-1 of the namespace's 16 bytes followed by the UTF-8 name. */
export function uuidV5(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new RangeError(`Not a UUID: "${namespace}"`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
