/**
 * Checks, in the browser, that one event is in the ledger (docs/adr/0018-tamper-evident-ledger.md):
 * its leaf hash is computed here from the event as the API gives it, and the inclusion proof
 * (RFC 9162 section 2.1.3.2) must lead from it to the root that the signed checkpoint names.
 * The same algorithm as libs/ledger-verifier (checkInclusion), with Web Crypto's SHA-256.
 */
import canonicalize from 'canonicalize';

/** What a leaf covers: exactly these fields of the event (libs/ledger-verifier entry.ts). */
export interface LedgerEntryFields {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly recordedAt: string;
}

/** The entry's text: RFC 8785 canonical JSON of exactly the ledger's fields. */
export function entryText(entry: LedgerEntryFields): string {
  const text = canonicalize({
    eventId: entry.eventId,
    streamId: entry.streamId,
    streamVersion: entry.streamVersion,
    type: entry.type,
    data: entry.data,
    metadata: entry.metadata,
    recordedAt: entry.recordedAt,
  });
  if (text === undefined) throw new Error('the event has no canonical JSON');
  return text;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const bytes = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

/** SHA-256(0x00 || canonical JSON in UTF-8). */
export function leafHash(entry: LedgerEntryFields): Promise<Uint8Array> {
  return sha256(LEAF, new TextEncoder().encode(entryText(entry)));
}

const nodeHash = (left: Uint8Array, right: Uint8Array) => sha256(NODE, left, right);

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** Why the proof fails (a key of `ledger.fail.*`), or null when the leaf is in the tree. */
export type InclusionFailure = 'index' | 'hash-size' | 'too-long' | 'too-short' | 'root';

/**
 * RFC 9162 section 2.1.3.2: the leaf with hash `leaf` sits at `index` in the tree of `size`
 * leaves whose root is `root`.
 */
export async function checkInclusion(
  index: bigint,
  size: bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<InclusionFailure | null> {
  if (index >= size) return 'index';
  if (![leaf, root, ...proof].every((hash) => hash.length === 32)) return 'hash-size';
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return 'too-long';
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return 'too-short';
  return equal(r, root) ? null : 'root';
}

/** The tree size and root a signed checkpoint note states (C2SP tlog-checkpoint: origin, size, root). */
export function checkpointBody(note: string): { size: bigint; root: Uint8Array } | null {
  const [, size, root] = note.split('\n');
  if (!size || !root || !/^\d{1,20}$/.test(size)) return null;
  try {
    return { size: BigInt(size), root: fromBase64(root) };
  } catch {
    return null;
  }
}

export type EventVerdict =
  | { readonly verified: true; readonly leafIndex: string; readonly treeSize: string }
  | { readonly verified: false; readonly reason: InclusionFailure | 'not-yet' | 'checkpoint' };

/**
 * One event against the newest signed checkpoint: the proof the API gives must be for that
 * checkpoint's size and lead from the leaf hashed here to the root its note states.
 */
export async function verifyEvent(answer: {
  readonly event: LedgerEntryFields;
  readonly inclusion: {
    readonly leafIndex: string;
    readonly treeSize: string;
    readonly proof: readonly string[];
  } | null;
  readonly checkpoint: { readonly note: string } | null;
}): Promise<EventVerdict> {
  if (!answer.inclusion || !answer.checkpoint) return { verified: false, reason: 'not-yet' };
  const signed = checkpointBody(answer.checkpoint.note);
  if (!signed || signed.size !== BigInt(answer.inclusion.treeSize))
    return { verified: false, reason: 'checkpoint' };
  const failure = await checkInclusion(
    BigInt(answer.inclusion.leafIndex),
    signed.size,
    await leafHash(answer.event),
    answer.inclusion.proof.map(fromBase64),
    signed.root,
  );
  return failure
    ? { verified: false, reason: failure }
    : { verified: true, leafIndex: answer.inclusion.leafIndex, treeSize: answer.inclusion.treeSize };
}

/**
 * Whether the checkpoint note carries a valid Ed25519 signature by one of the log's verifier
 * keys (`name+keyid+base64(0x01 || key)`, GET /ledger/key): C2SP signed-note, checked with Web
 * Crypto. 'absent' when no signature line names one of these keys.
 */
export async function checkNoteSignature(
  note: string,
  verifierKeys: readonly string[],
): Promise<'valid' | 'invalid' | 'absent'> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return 'absent';
  const text = new TextEncoder().encode(note.slice(0, split + 1));
  const lines = note.slice(split + 2).split('\n');
  for (const verifier of verifierKeys) {
    const [name, hexId] = verifier.split('+', 2);
    const encoded = verifier.slice(`${name}+${hexId}+`.length);
    const key = fromBase64(encoded);
    if (!name || !hexId || key.length !== 33 || key[0] !== 0x01) continue;
    for (const line of lines) {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
      if (!match || match[1] !== name) continue;
      const bytes = fromBase64(match[2]!);
      const keyId = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
      if (keyId !== hexId) continue;
      const publicKey = await crypto.subtle.importKey('raw', key.subarray(1), { name: 'Ed25519' }, false, [
        'verify',
      ]);
      const ok = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, bytes.subarray(4), text);
      return ok ? 'valid' : 'invalid';
    }
  }
  return 'absent';
}
