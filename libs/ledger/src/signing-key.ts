import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  ED25519_TYPE,
  formatVerifierKey,
  keyIdOf,
  rawPublicKey,
  splitFields,
  verifierKey,
  type VerifierKey,
} from '#libs/ledger-verifier';

/**
 * The ledger's Ed25519 signing key, in the text form of Go's golang.org/x/mod/sumdb/note (used by
 * the C2SP tools): `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte seed)>`. The name is
 * the log's origin. It lives in a file or an environment variable, never in the database.
 */
export interface SigningKey {
  readonly name: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly verifier: VerifierKey;
  /** `name+id+base64key`, what auditors and `coord verify --key` take. */
  readonly verifierText: string;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function signingKeyFromSeed(name: string, seed: Buffer): SigningKey {
  if (seed.length !== 32) throw new Error('an Ed25519 seed has 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  const verifier = verifierKey(name, rawPublicKey(publicKey));
  return { name, privateKey, publicKey, verifier, verifierText: formatVerifierKey(verifier) };
}

export function parseSigningKey(text: string): SigningKey {
  const [private_, key_, name, hexId, encoded] = splitFields(text.trim(), 5);
  if (private_ !== 'PRIVATE' || key_ !== 'KEY' || !name || !hexId || !encoded) {
    throw new Error('a ledger signing key is PRIVATE+KEY+name+keyid+base64key (see coord ledger keygen)');
  }
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== 33 || bytes[0] !== ED25519_TYPE)
    throw new Error('the ledger signing key is not an Ed25519 key');
  const key = signingKeyFromSeed(name, bytes.subarray(1));
  if (key.verifier.keyId !== Number.parseInt(hexId, 16))
    throw new Error('the ledger signing key id does not match its key');
  return key;
}

/** A new key: its private text (keep it secret) and its verifier key (publish it). */
export function generateSigningKey(name: string): { privateText: string; key: SigningKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const key = signingKeyFromSeed(name, seed);
  const id = keyIdOf(name, ED25519_TYPE, key.verifier.publicKey).toString(16).padStart(8, '0');
  const privateText = `PRIVATE+KEY+${name}+${id}+${Buffer.concat([Uint8Array.of(ED25519_TYPE), seed]).toString('base64')}`;
  return { privateText, key };
}
