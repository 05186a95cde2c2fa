import { hash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency v2, section 2.1), with SHA-256:
 * a leaf is SHA-256(0x00 || entry), an interior node SHA-256(0x01 || left || right).
 */

export const HASH_SIZE = 32;

export function sha256(...parts: Uint8Array[]): Buffer {
  // The one-shot hash: several times faster than a Hash object for these short inputs.
  return hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');
}

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

export function leafHash(entry: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, entry);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** MTH({}): the hash of the empty string. */
export const EMPTY_ROOT: Buffer = sha256();

/**
 * Builds the root of a growing tree from its leaf hashes, keeping only the roots of its complete
 * subtrees (a "compact range": at most 64 hashes), so a verifier needs no memory per leaf.
 */
export class RootBuilder {
  /** Roots of the complete subtrees, largest (leftmost) first. */
  private readonly stack: Buffer[] = [];
  private count = 0n;

  get size(): bigint {
    return this.count;
  }

  append(leaf: Buffer): void {
    let hash = leaf;
    // Each trailing one bit of the old size is a complete subtree the new leaf completes.
    for (let n = this.count; (n & 1n) === 1n; n >>= 1n) hash = nodeHash(this.stack.pop()!, hash);
    this.stack.push(hash);
    this.count += 1n;
  }

  /** MTH of the leaves appended so far. */
  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let hash = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i]!, hash);
    return hash;
  }
}

/** Bits needed to write n (0 for 0). */
function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function onesCount(n: bigint): number {
  let count = 0;
  for (let v = n; v > 0n; v >>= 1n) count += Number(v & 1n);
  return count;
}

function trailingZeros(n: bigint): number {
  let count = 0;
  for (let v = n; v > 0n && (v & 1n) === 0n; v >>= 1n) count++;
  return count;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Verifies an inclusion proof (RFC 9162 section 2.1.3.2): that the leaf with hash `leaf` sits
 * at `index` in the tree of `size` leaves whose root is `root`. Returns why not, or null.
 */
export function checkInclusion(
  index: bigint,
  size: bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): string | null {
  if (index >= size) return `leaf index ${index} is not below the tree size ${size}`;
  if (![leaf, root, ...proof].every((hash) => hash.length === HASH_SIZE)) return 'a hash is not 32 bytes';
  let fn = index;
  let sn = size - 1n;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0n) return 'the inclusion proof is too long';
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return 'the inclusion proof is too short';
  return equal(r, root) ? null : 'the inclusion proof does not lead to the root';
}

/**
 * Verifies a consistency proof (RFC 9162 section 2.1.4.2): that the tree of `size1` leaves with
 * root `root1` is a prefix of the tree of `size2` leaves with root `root2`. Returns why not, or null.
 */
export function checkConsistency(
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): string | null {
  if (size1 > size2) return `tree size ${size1} is larger than ${size2}`;
  // Every tree extends the empty one: such a "proof" proves nothing, so it is refused.
  if (size1 === 0n) return 'a consistency proof from the empty tree proves nothing';
  if (size1 === size2) {
    if (proof.length > 0) return 'a consistency proof between equal sizes must be empty';
    return equal(root1, root2) ? null : 'two trees of the same size have different roots';
  }
  if (proof.length === 0) return 'the consistency proof is empty';
  if (![root1, root2, ...proof].every((hash) => hash.length === HASH_SIZE)) return 'a hash is not 32 bytes';
  // If size1 is a power of two, the old root is the proof's implicit first element.
  const path = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : [...proof];
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0n) return 'the consistency proof is too long';
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return 'the consistency proof is too short';
  if (!equal(fr, root1)) return `the consistency proof does not lead to the root of size ${size1}`;
  if (!equal(sr, root2)) return `the consistency proof does not lead to the root of size ${size2}`;
  return null;
}

/** A complete subtree: the 2^level leaves from index << level. */
export interface TreeNode {
  readonly level: number;
  readonly index: bigint;
}

/**
 * The complete subtrees that make up the leaves [start, end), where start is a multiple of the
 * largest power of two not above end - start (true of every range a proof names): their hashes,
 * folded from the right, give MTH(D[start:end]).
 */
export function rangeNodes(start: bigint, end: bigint): TreeNode[] {
  const nodes: TreeNode[] = [];
  let at = start;
  while (at < end) {
    const left = end - at;
    const level = bitLength(left) - 1;
    nodes.push({ level, index: at >> BigInt(level) });
    at += 1n << BigInt(level);
  }
  return nodes;
}

/** Folds the hashes of rangeNodes() into the range's hash. */
export function foldRange(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let hash: Buffer = Buffer.from(hashes[hashes.length - 1]!);
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i]!, hash);
  return hash;
}

/** The ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size` (RFC 9162 PATH). */
export function inclusionRanges(index: bigint, size: bigint): Array<[bigint, bigint]> {
  const ranges: Array<[bigint, bigint]> = [];
  const path = (m: bigint, start: bigint, end: bigint): void => {
    const n = end - start;
    if (n <= 1n) return;
    const k = 1n << BigInt(bitLength(n - 1n) - 1);
    if (m < k) {
      path(m, start, start + k);
      ranges.push([start + k, end]);
    } else {
      path(m - k, start + k, end);
      ranges.push([start, start + k]);
    }
  };
  path(index, 0n, size);
  return ranges;
}

/** The ranges whose hashes form the consistency proof between sizes m and n (RFC 9162 PROOF/SUBPROOF). */
export function consistencyRanges(m: bigint, n: bigint): Array<[bigint, bigint]> {
  const ranges: Array<[bigint, bigint]> = [];
  if (m === 0n || m >= n) return ranges;
  const subproof = (mm: bigint, start: bigint, end: bigint, whole: boolean): void => {
    const size = end - start;
    if (mm === size) {
      if (!whole) ranges.push([start, end]);
      return;
    }
    const k = 1n << BigInt(bitLength(size - 1n) - 1);
    if (mm <= k) {
      subproof(mm, start, start + k, whole);
      ranges.push([start + k, end]);
    } else {
      subproof(mm - k, start + k, end, false);
      ranges.push([start, start + k]);
    }
  };
  subproof(m, 0n, n, true);
  return ranges;
}

export const treeMath = { bitLength, onesCount, trailingZeros };
