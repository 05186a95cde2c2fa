import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  checkConsistency,
  checkInclusion,
  consistencyRanges,
  foldRange,
  inclusionRanges,
  leafHash,
  nodeHash,
  rangeNodes,
  RootBuilder,
  type TreeNode,
} from '#libs/ledger-verifier';

/**
 * Published test vectors of another RFC 6962/9162 implementation (transparency-dev/merkle, the
 * Go library behind Trillian and the C2SP logs): its verifier's probes, good and bad, and the
 * roots of its 8-leaf reference tree. Source and commit are named in the fixture.
 */
interface Probes {
  inclusion: Array<{
    file: string;
    leafIdx: number;
    treeSize: number;
    root: string | null;
    leafHash: string | null;
    proof: string[] | null;
    wantErr: boolean;
  }>;
  consistency: Array<{
    file: string;
    size1: number;
    size2: number;
    root1: string | null;
    root2: string | null;
    proof: string[] | null;
    wantErr: boolean;
  }>;
  leafInputsHex: string[];
  rootHashesHex: string[];
}

const probes = JSON.parse(
  readFileSync(new URL('./fixtures/transparency-dev-merkle-probes.json', import.meta.url), 'utf8'),
) as Probes;
const b64 = (text: string | null): Buffer => Buffer.from(text ?? '', 'base64');

/** Every complete node of a tree of leaf hashes, by level and index (a reference built naively). */
function allNodes(leaves: Buffer[]): Map<string, Buffer> {
  const nodes = new Map<string, Buffer>();
  let row = leaves;
  for (let level = 0; row.length > 0; level++) {
    row.forEach((hash, index) => nodes.set(`${level}/${index}`, hash));
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < row.length; i += 2) next.push(nodeHash(row[i]!, row[i + 1]!));
    row = next;
  }
  return nodes;
}

function rangeHash(nodes: Map<string, Buffer>, [start, end]: [bigint, bigint]): Buffer {
  return foldRange(rangeNodes(start, end).map((n: TreeNode) => nodes.get(`${n.level}/${n.index}`)!));
}

describe('Merkle tree (RFC 9162) against transparency-dev/merkle vectors', () => {
  const leaves = probes.leafInputsHex.map((hex) => leafHash(Buffer.from(hex, 'hex')));

  it('computes the reference roots for every size 0..8', () => {
    const builder = new RootBuilder();
    expect(builder.root().toString('hex')).toBe(probes.rootHashesHex[0]);
    leaves.forEach((leaf, i) => {
      builder.append(leaf);
      expect(builder.root().toString('hex')).toBe(probes.rootHashesHex[i + 1]);
    });
  });

  it.each(probes.inclusion.map((p) => [p.file, p] as const))('inclusion probe %s', (_file, probe) => {
    const outcome = checkInclusion(
      BigInt(probe.leafIdx),
      BigInt(probe.treeSize),
      b64(probe.leafHash),
      (probe.proof ?? []).map(b64),
      b64(probe.root),
    );
    if (probe.wantErr) expect(outcome).not.toBeNull();
    else expect(outcome).toBeNull();
  });

  it.each(probes.consistency.map((p) => [p.file, p] as const))('consistency probe %s', (_file, probe) => {
    const outcome = checkConsistency(
      BigInt(probe.size1),
      BigInt(probe.size2),
      (probe.proof ?? []).map(b64),
      b64(probe.root1),
      b64(probe.root2),
    );
    if (probe.wantErr) expect(outcome).not.toBeNull();
    else expect(outcome).toBeNull();
  });

  it('generates exactly the reference proofs of the happy-path probes', () => {
    const nodes = allNodes(leaves);
    const inclusion = probes.inclusion.filter((p) => !p.wantErr && p.treeSize <= 8 && p.proof);
    const consistency = probes.consistency.filter((p) => !p.wantErr && p.size2 <= 8 && p.proof);
    expect(inclusion.length + consistency.length).toBeGreaterThan(5);
    for (const probe of inclusion) {
      const proof = inclusionRanges(BigInt(probe.leafIdx), BigInt(probe.treeSize)).map((r) =>
        rangeHash(nodes, r),
      );
      expect(proof.map((h) => h.toString('base64'))).toEqual(probe.proof);
    }
    for (const probe of consistency) {
      const proof = consistencyRanges(BigInt(probe.size1), BigInt(probe.size2)).map((r) =>
        rangeHash(nodes, r),
      );
      expect(proof.map((h) => h.toString('base64'))).toEqual(probe.proof);
    }
  });

  it('proves every leaf in and every pair of sizes consistent for trees up to 70 leaves', () => {
    const many = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const nodes = allNodes(many);
    const roots: Buffer[] = [];
    const builder = new RootBuilder();
    roots.push(builder.root());
    for (const leaf of many) {
      builder.append(leaf);
      roots.push(builder.root());
    }
    for (let size = 1n; size <= 70n; size++) {
      for (let index = 0n; index < size; index += 7n) {
        const proof = inclusionRanges(index, size).map((r) => rangeHash(nodes, r));
        expect(checkInclusion(index, size, many[Number(index)]!, proof, roots[Number(size)]!)).toBeNull();
      }
      for (let m = 1n; m <= size; m += 5n) {
        const proof = consistencyRanges(m, size).map((r) => rangeHash(nodes, r));
        expect(checkConsistency(m, size, proof, roots[Number(m)]!, roots[Number(size)]!)).toBeNull();
      }
    }
  });
});
