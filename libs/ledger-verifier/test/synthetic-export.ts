import { generateKeyPairSync } from 'node:crypto';
import {
  entryLeafHash,
  EXPORT_FORMAT,
  formatCheckpoint,
  formatSignedNote,
  formatVerifierKey,
  rawPublicKey,
  RootBuilder,
  signNote,
  verifierKey,
  type ExportRecord,
  type LedgerEntry,
  type VerifierKey,
} from '#libs/ledger-verifier';

export interface SyntheticExport {
  /** The export's lines (NDJSON without the newlines). */
  readonly lines: string[];
  readonly key: VerifierKey;
}

/**
 * An export as `coord export` writes it, made here with the verifier's own functions (no
 * database): `events` events, a checkpoint signed every `checkpointEvery` events and at the end.
 */
export function syntheticExport(events: number, checkpointEvery: number): SyntheticExport {
  const origin = 'test.local/ledger';
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = verifierKey(origin, rawPublicKey(publicKey));
  const tree = new RootBuilder();
  const record = (r: ExportRecord) => JSON.stringify(r);
  const lines = [
    record({
      kind: 'header',
      format: EXPORT_FORMAT,
      origin,
      publicKeys: [formatVerifierKey(key)],
      fromLeaf: '0',
    }),
  ];
  const checkpoint = () => {
    const text = formatCheckpoint({ origin, size: tree.size, root: tree.root(), extensions: [] });
    const note = formatSignedNote({ text, signatures: [signNote(text, origin, privateKey, publicKey)] });
    lines.push(record({ kind: 'checkpoint', note }));
  };
  for (let i = 0; i < events; i++) {
    const entry: LedgerEntry = {
      eventId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
      streamId: `task-${Math.floor(i / 10)}`,
      streamVersion: (i % 10) + 1,
      type: i % 2 === 0 ? 'TaskAssigned' : 'ProgressReported',
      data: { taskId: `task-${Math.floor(i / 10)}`, text: `Đã rà soát ${i % 15}/15 xã`, value: i % 60 },
      metadata: {
        actor: { personId: `officer-${i % 97}`, agencyCode: 'lc-so-ldtbxh' },
        occurredAt: '2024-06-01T02:30:00.000Z',
      },
      recordedAt: '2024-06-01 02:30:00.123456+00',
    };
    const hash = entryLeafHash(entry);
    lines.push(
      record({
        kind: 'event',
        position: String(1000 + i),
        leafIndex: String(i),
        leafHash: hash.toString('base64'),
        entry,
      }),
    );
    tree.append(hash);
    if ((i + 1) % checkpointEvery === 0) checkpoint();
  }
  if (events % checkpointEvery !== 0) checkpoint();
  return { lines, key };
}

/** The lines as an uneven stream of text, as a file or a network would give it. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a stream is
export async function* textChunks(lines: readonly string[], size = 4096): AsyncGenerator<string> {
  const text = `${lines.join('\n')}\n`;
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** The lines as UTF-8 in pieces of `size` bytes, cutting characters in two, as a file gives them. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a stream is
export async function* byteChunks(lines: readonly string[], size = 999): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
