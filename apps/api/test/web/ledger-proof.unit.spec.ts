import { generateKeyPairSync } from 'node:crypto';
import {
  entryLeafHash,
  entryText as serverEntryText,
  formatCheckpoint,
  formatSignedNote,
  formatVerifierKey,
  leafHash as serverLeafHash,
  nodeHash,
  rawPublicKey,
  signNote,
  verifierKey,
  type LedgerEntry,
} from '#libs/ledger-verifier';
import {
  checkInclusion,
  checkNoteSignature,
  entryText,
  leafHash,
  verifyEvent,
} from '../../../../web/src/ledger-proof.js';

/**
 * The dashboard checks an event's inclusion in the browser (web/src/ledger-proof.ts): it must
 * agree with the service's own verifier (libs/ledger-verifier) on leaf hashes, proofs and
 * signed checkpoints, and refuse anything changed.
 */

/** RFC 9162 section 2.1.1: MTH of leaf hashes. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** RFC 9162 section 2.1.3.1: PATH(m, D[n]). */
function path(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const entry = (i: number): LedgerEntry => ({
  eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  streamId: `task-${i % 3}`,
  streamVersion: i,
  type: 'ProgressReported',
  data: {
    text: 'Đã tổ chức tập huấn cho 120 cán bộ xã',
    indicatorValues: [{ indicator: 'chi-tieu-1', value: 87.5 }],
    z: null,
    a: i,
  },
  metadata: { actor: { personId: 'p', agencyCode: 'lc-so-ldtbxh' }, occurredAt: '2025-03-01T02:00:00.000Z' },
  recordedAt: '2025-03-01 09:00:00.123456+07',
});

describe('the inclusion check of the dashboard', () => {
  it("writes and hashes an entry as the service's verifier does", async () => {
    for (const i of [0, 1, 7]) {
      expect(entryText(entry(i))).toBe(serverEntryText(entry(i)));
      expect(Buffer.from(await leafHash(entry(i)))).toEqual(entryLeafHash(entry(i)));
    }
  });

  it('accepts every proof of trees up to 17 leaves and refuses a changed leaf, proof, index or root', async () => {
    const leaves = Array.from({ length: 17 }, (_, i) => serverLeafHash(Buffer.from(`leaf ${i}`)));
    const stranger = serverLeafHash(Buffer.from('a leaf of no tree'));
    for (let size = 1; size <= leaves.length; size++) {
      const tree = leaves.slice(0, size);
      const root = mth(tree);
      for (let index = 0; index < size; index++) {
        const proof = path(index, tree);
        expect(await checkInclusion(BigInt(index), BigInt(size), tree[index]!, proof, root)).toBeNull();
        expect(await checkInclusion(BigInt(index), BigInt(size), stranger, proof, root)).not.toBeNull();
        if (proof.length > 0) {
          const bent = proof.map((p, j) =>
            j === 0 ? Buffer.from(p.map((b, k) => (k === 0 ? b ^ 1 : b))) : p,
          );
          expect(await checkInclusion(BigInt(index), BigInt(size), tree[index]!, bent, root)).toBe('root');
          expect(await checkInclusion(BigInt(index), BigInt(size), tree[index]!, proof.slice(1), root)).toBe(
            'too-short',
          );
          expect(
            await checkInclusion(BigInt(index), BigInt(size), tree[index]!, [...proof, root], root),
          ).not.toBeNull();
        }
        if (size > 1) {
          const other = (index + 1) % size;
          expect(await checkInclusion(BigInt(other), BigInt(size), tree[index]!, proof, root)).not.toBeNull();
        }
      }
      expect(await checkInclusion(BigInt(size), BigInt(size), tree[0]!, [], root)).toBe('index');
    }
  });

  it('verifies an event against the signed checkpoint, and its signature with the Ed25519 key', async () => {
    const entries = Array.from({ length: 6 }, (_, i) => entry(i));
    const leaves = entries.map(entryLeafHash);
    const root = mth(leaves);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const text = formatCheckpoint({ origin: 'coord.test/ledger', size: 6n, root, extensions: [] });
    const note = formatSignedNote({
      text,
      signatures: [signNote(text, 'coord.test/ledger', privateKey, publicKey)],
    });
    const key = formatVerifierKey(verifierKey('coord.test/ledger', rawPublicKey(publicKey)));
    const inclusion = {
      leafIndex: '4',
      treeSize: '6',
      proof: path(4, leaves).map((p) => p.toString('base64')),
    };

    expect(await verifyEvent({ event: entries[4]!, inclusion, checkpoint: { note } })).toEqual({
      verified: true,
      leafIndex: '4',
      treeSize: '6',
    });
    // The event as changed after it was recorded: its leaf no longer leads to the signed root.
    const changed = { ...entries[4]!, data: { ...(entries[4]!.data as object), a: 5 } };
    expect(await verifyEvent({ event: changed, inclusion, checkpoint: { note } })).toEqual({
      verified: false,
      reason: 'root',
    });
    // A proof for another tree size than the checkpoint's.
    expect(
      await verifyEvent({
        event: entries[4]!,
        inclusion: { ...inclusion, treeSize: '5' },
        checkpoint: { note },
      }),
    ).toEqual({ verified: false, reason: 'checkpoint' });
    expect(await verifyEvent({ event: entries[4]!, inclusion: null, checkpoint: { note } })).toEqual({
      verified: false,
      reason: 'not-yet',
    });

    expect(await checkNoteSignature(note, [key])).toBe('valid');
    expect(await checkNoteSignature(note.replace('\n6\n', '\n7\n'), [key])).toBe('invalid');
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(
      await checkNoteSignature(note, [formatVerifierKey(verifierKey('someone.else', rawPublicKey(other)))]),
    ).toBe('absent');
  });
});
