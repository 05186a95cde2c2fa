import { describe, expect, it } from '@jest/globals';
import {
  entryLeafHash,
  exportRecords,
  verifyExport,
  type ExportRecord,
  type ReadOptions,
  type VerifyReport,
} from '#libs/ledger-verifier';
import { BATCH_BYTES, computedLeaf } from '../src/leaf-hashes.js';
import { byteChunks, syntheticExport, textChunks } from './synthetic-export.js';

/**
 * The worker threads only take work off the reading thread: with them or without, an export
 * gives the same report (the same first bad leaf and reason) or the same error.
 */
const EVENTS = 7_321;
const { lines, key } = syntheticExport(EVENTS, 1_000);
// Several pieces for the threads, so that their answers have to be put back in order.
if (Buffer.byteLength(lines.join('\n')) < 3 * BATCH_BYTES) throw new Error('the test export is too small');

const WITHOUT: ReadOptions = { threads: 0 };
const WITH: ReadOptions = { threads: 2, threadsFrom: 0 };
/** Switching to the threads in the middle of the export. */
const FROM_THE_MIDDLE: ReadOptions = { threads: 2, threadsFrom: 1_500 };

async function verify(text: readonly string[], options: ReadOptions): Promise<VerifyReport | string> {
  try {
    return await verifyExport(exportRecords(textChunks(text), options), { logKeys: [key] });
  } catch (error) {
    return `thrown: ${(error as Error).message}`;
  }
}

async function sameWithAndWithoutThreads(text: readonly string[]): Promise<VerifyReport | string> {
  const sequential = await verify(text, WITHOUT);
  expect(await verify(text, WITH)).toEqual(sequential);
  expect(await verify(text, FROM_THE_MIDDLE)).toEqual(sequential);
  return sequential;
}

/** The line of leaf `leaf` (the header is line 0, a checkpoint after every 1,000 events). */
function lineOf(leaf: number): number {
  return 1 + leaf + Math.floor(leaf / 1_000);
}

function edit(leaf: number, change: (record: Extract<ExportRecord, { kind: 'event' }>) => object): string[] {
  const copy = [...lines];
  const record = JSON.parse(copy[lineOf(leaf)]!) as Extract<ExportRecord, { kind: 'event' }>;
  expect(record.leafIndex).toBe(String(leaf));
  copy[lineOf(leaf)] = JSON.stringify(change(record));
  return copy;
}

describe('coord verify with worker threads', () => {
  it('hashes event lines in the threads, the same hashes as the reading thread', async () => {
    let hashed = 0;
    for await (const record of exportRecords(textChunks(lines), WITH)) {
      if (record.kind !== 'event') continue;
      const computed = computedLeaf(record);
      expect(computed).toBeDefined();
      expect(computed!.hash.equals(entryLeafHash(record.entry))).toBe(true);
      expect(computed!.leafIndex).toBe(BigInt(record.leafIndex!));
      hashed++;
    }
    expect(hashed).toBe(EVENTS);
  });

  it('verifies an untouched export the same way', async () => {
    const report = await sameWithAndWithoutThreads(lines);
    expect(report).toMatchObject({ ok: true, leaves: BigInt(EVENTS), latestSize: BigInt(EVENTS) });
  });

  it('reads an export in bytes cut inside characters the same way', async () => {
    const changed = edit(3_210, (r) => ({ ...r, entry: { ...r.entry, streamVersion: 99 } }));
    for (const text of [lines, changed]) {
      const expected = await verify(text, WITHOUT);
      for (const options of [WITHOUT, WITH, FROM_THE_MIDDLE]) {
        const report = await verifyExport(exportRecords(byteChunks(text), options), { logKeys: [key] });
        expect(report).toEqual(expected);
      }
    }
    expect(await verify(changed, WITHOUT)).toMatchObject({ ok: false, failure: { position: 3_210n } });
  });

  it('names the same first bad leaf for a changed event', async () => {
    const report = await sameWithAndWithoutThreads(
      edit(4_321, (r) => ({ ...r, entry: { ...r.entry, data: { note: 'đã sửa' } } })),
    );
    expect(report).toMatchObject({ ok: false, failure: { position: 4_321n } });
    expect((report as VerifyReport).failure!.reason).toMatch(/is not what the ledger recorded/);
  });

  it('names the same checkpoint when the ledger was rewritten to match', async () => {
    const report = await sameWithAndWithoutThreads(
      edit(2_500, (r) => {
        const entry = { ...r.entry, recordedAt: '2024-06-01 02:30:01.123456+00' };
        return { ...r, entry, leafHash: entryLeafHash(entry).toString('base64') };
      }),
    );
    expect(report).toMatchObject({ ok: false, failure: { position: 2_000n } });
  });

  it('reports a deleted, a swapped and an added event the same way', async () => {
    const deleted = lines.filter((_, i) => i !== lineOf(3_003));
    expect(await sameWithAndWithoutThreads(deleted)).toMatchObject({ failure: { position: 3_003n } });

    const swapped = [...lines];
    [swapped[lineOf(5_000)], swapped[lineOf(5_001)]] = [swapped[lineOf(5_001)]!, swapped[lineOf(5_000)]!];
    expect(await sameWithAndWithoutThreads(swapped)).toMatchObject({ failure: { position: 5_000n } });

    const added = edit(6_100, ({ leafIndex: _, leafHash: __, ...r }) => r);
    expect(await sameWithAndWithoutThreads(added)).toMatchObject({ failure: { position: 6_100n } });
  });

  it('reports a truncated export the same way', async () => {
    const truncated = lines.slice(0, lineOf(4_500));
    expect(await sameWithAndWithoutThreads(truncated)).toMatchObject({ ok: true, leaves: 4_500n });
  });

  it('fails on a line that is not JSON, or an entry with no canonical form, at the same line', async () => {
    const broken = [...lines];
    broken[lineOf(3_500)] = '{"kind":"event",';
    expect(await sameWithAndWithoutThreads(broken)).toBe(
      `thrown: line ${lineOf(3_500) + 1} of the export is not JSON`,
    );

    const loneSurrogate = [...lines];
    loneSurrogate[lineOf(4_100)] = loneSurrogate[lineOf(4_100)]!.replace('"taskId"', '"\\ud800"');
    expect(await sameWithAndWithoutThreads(loneSurrogate)).toBe(
      'thrown: a string with a lone surrogate has no canonical JSON',
    );

    const noEntry = edit(5_500, ({ entry: _, ...r }) => r);
    expect(await sameWithAndWithoutThreads(noEntry)).toMatch(/^thrown: /);
  });

  it('fails at a bad event before an undecodable chunk read ahead of it, as without threads', async () => {
    const text = edit(1_200, (r) => ({ ...r, entry: { ...r.entry, type: 'Changed' } }));
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a stream is
    async function* bytes(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${text.join('\n')}\n`);
      yield Uint8Array.of(0xff, 0x0a);
    }
    for (const options of [WITHOUT, WITH]) {
      const report = await verifyExport(exportRecords(bytes(), options), { logKeys: [key] });
      expect(report).toMatchObject({ ok: false, failure: { position: 1_200n } });
    }
  });

  it('throws the error of a source that fails in the middle of a line, not a parse error', async () => {
    const text = `${lines.join('\n')}\n`;
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a stream is
    async function* cut(): AsyncGenerator<string> {
      yield text.slice(0, Math.floor(text.length * 0.7));
      throw new Error('connection reset');
    }
    for (const options of [WITHOUT, WITH, FROM_THE_MIDDLE]) {
      await expect(verifyExport(exportRecords(cut(), options), { logKeys: [key] })).rejects.toThrow(
        'connection reset',
      );
    }
  });
});
