import { createPublicKey, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { sha256 } from './merkle.js';

/**
 * C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and Ed25519
 * cosignatures (c2sp.org/tlog-cosignature), with node:crypto's Ed25519.
 */

export const ED25519_TYPE = 0x01;
export const COSIGNATURE_TYPE = 0x04;

export interface Checkpoint {
  readonly origin: string;
  readonly size: bigint;
  readonly root: Buffer;
  /** Lines after the root, if any (the note text keeps them; nothing here depends on them). */
  readonly extensions: readonly string[];
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the key id. */
  readonly signature: Buffer;
}

export interface SignedNote {
  /** The signed text, ending in a newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A verifier key: name, key id and Ed25519 public key (`name+hexid+base64(type || key)`). */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Buffer;
}

export function keyIdOf(name: string, type: number, publicKey: Uint8Array): number {
  return sha256(Buffer.from(`${name}\n`, 'utf8'), Uint8Array.of(type), publicKey).readUInt32BE(0);
}

const KEY_NAME = /^[^\s+]+$/u;

export function verifierKey(name: string, publicKey: Uint8Array, type = ED25519_TYPE): VerifierKey {
  if (!KEY_NAME.test(name)) throw new Error(`"${name}" is not a key name (no spaces, no "+")`);
  if (publicKey.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
  return { name, keyId: keyIdOf(name, type, publicKey), type, publicKey: Buffer.from(publicKey) };
}

export function formatVerifierKey(key: VerifierKey): string {
  const id = key.keyId.toString(16).padStart(8, '0');
  return `${key.name}+${id}+${Buffer.concat([Uint8Array.of(key.type), key.publicKey]).toString('base64')}`;
}

export function parseVerifierKey(text: string): VerifierKey {
  // The base64 key may itself hold "+": only the first two separate fields.
  const [name, hexId, encoded] = splitFields(text.trim(), 3);
  if (name === undefined || hexId === undefined || encoded === undefined)
    throw new Error('a verifier key is name+keyid+base64key');
  const bytes = Buffer.from(encoded, 'base64');
  if (!/^[0-9a-f]{8}$/.test(hexId) || bytes.length !== 33)
    throw new Error('a verifier key is name+keyid+base64key');
  const type = bytes[0]!;
  if (type !== ED25519_TYPE && type !== COSIGNATURE_TYPE) throw new Error(`key type ${type} is not Ed25519`);
  const key = verifierKey(name, bytes.subarray(1), type);
  if (key.keyId !== Number.parseInt(hexId, 16))
    throw new Error(`the key id of ${name} does not match its key`);
  return key;
}

/** Splits at the first `count - 1` plus signs (the last field keeps any others). */
export function splitFields(text: string, count: number): Array<string | undefined> {
  const fields: string[] = [];
  let rest = text;
  for (let i = 0; i < count - 1; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return [...fields, rest];
    fields.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...fields, rest];
}

/** The raw 32-byte Ed25519 public key of a node:crypto key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  return [
    checkpoint.origin,
    checkpoint.size.toString(),
    checkpoint.root.toString('base64'),
    ...checkpoint.extensions,
  ]
    .map((line) => `${line}\n`)
    .join('');
}

export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new Error('a checkpoint ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, size, root, ...extensions] = lines;
  if (!origin || size === undefined || root === undefined)
    throw new Error('a checkpoint has an origin, a size and a root');
  if (!/^(0|[1-9][0-9]{0,19})$/.test(size)) throw new Error(`"${size}" is not a tree size`);
  const rootBytes = Buffer.from(root, 'base64');
  if (rootBytes.length !== 32 || rootBytes.toString('base64') !== root)
    throw new Error('the root is not 32 bytes of base64');
  if (extensions.some((line) => line === '')) throw new Error('a checkpoint has no empty lines');
  return { origin, size: BigInt(size), root: rootBytes, extensions };
}

export function parseSignedNote(note: string): SignedNote {
  for (const char of note) {
    if (char < ' ' && char !== '\n') throw new Error('a signed note has no control characters');
  }
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw new Error('a signed note is text, a blank line and signature lines');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
      if (!match) throw new Error(`"${line}" is not a signature line`);
      const bytes = Buffer.from(match[2]!, 'base64');
      if (bytes.length < 5) throw new Error(`the signature of ${match[1]} is too short`);
      return { name: match[1]!, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) };
    });
  if (signatures.length === 0) throw new Error('a signed note has at least one signature');
  return { text, signatures };
}

export function formatSignedNote(note: SignedNote): string {
  const lines = note.signatures.map((s) => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(s.keyId >>> 0);
    return `\u2014 ${s.name} ${Buffer.concat([id, s.signature]).toString('base64')}\n`;
  });
  return `${note.text}\n${lines.join('')}`;
}

/** Signs a note text with an Ed25519 private key (node:crypto KeyObject). */
export function signNote(
  text: string,
  name: string,
  privateKey: KeyObject,
  publicKey: KeyObject,
): NoteSignature {
  const key = verifierKey(name, rawPublicKey(publicKey));
  return { name, keyId: key.keyId, signature: edSign(null, Buffer.from(text, 'utf8'), privateKey) };
}

function signatureBy(note: SignedNote, key: VerifierKey): NoteSignature | undefined {
  return note.signatures.find((s) => s.name === key.name && s.keyId === key.keyId);
}

/** Whether the note carries a valid Ed25519 signature by `key`: 'valid', 'invalid' or 'absent'. */
export function checkNoteSignature(note: SignedNote, key: VerifierKey): 'valid' | 'invalid' | 'absent' {
  const found = signatureBy(note, key);
  if (!found) return 'absent';
  const ok =
    found.signature.length === 64 &&
    edVerify(null, Buffer.from(note.text, 'utf8'), publicKeyObject(key.publicKey), found.signature);
  return ok ? 'valid' : 'invalid';
}

/** The message an Ed25519 cosigner (witness) signs for a checkpoint at a time (tlog-cosignature). */
export function cosignedMessage(checkpointText: string, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

/** A witness's cosignature: its key name and id, time and signature, as a note signature line. */
export function cosign(
  checkpointText: string,
  name: string,
  timestamp: bigint,
  privateKey: KeyObject,
  publicKey: KeyObject,
): NoteSignature {
  const key = verifierKey(name, rawPublicKey(publicKey), COSIGNATURE_TYPE);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(timestamp);
  const signature = edSign(null, cosignedMessage(checkpointText, timestamp), privateKey);
  return { name, keyId: key.keyId, signature: Buffer.concat([time, signature]) };
}

/** Checks a witness's cosignature on a note: 'valid' with its time, 'invalid' or 'absent'. */
export function checkCosignature(
  note: SignedNote,
  key: VerifierKey,
): { status: 'valid'; timestamp: bigint } | { status: 'invalid' | 'absent' } {
  const found = signatureBy(note, key);
  if (!found) return { status: 'absent' };
  if (key.type !== COSIGNATURE_TYPE || found.signature.length !== 72) return { status: 'invalid' };
  const timestamp = found.signature.readBigUInt64BE(0);
  const ok = edVerify(
    null,
    cosignedMessage(note.text, timestamp),
    publicKeyObject(key.publicKey),
    found.signature.subarray(8),
  );
  return ok ? { status: 'valid', timestamp } : { status: 'invalid' };
}
