import { hash } from 'node:crypto';
import { HASH_SIZE } from '#libs/ledger-verifier';

/** C2SP tlog-tiles: tiles are 2^8 hashes wide; a tile at level L holds nodes of tree level 8L. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** MTH of a full tile's 256 hashes (the hash of the node 8 levels above its row). */
export function tileRoot(hashes: Buffer): Buffer {
  return subtreeOfRow(hashes, 0, TILE_WIDTH);
}

/** The hash of `count` (a power of two) consecutive hashes of a row, from `first`. */
export function subtreeOfRow(hashes: Buffer, first: number, count: number): Buffer {
  if (count === 1) return Buffer.from(hashes.subarray(first * HASH_SIZE, (first + 1) * HASH_SIZE));
  // Folded in place, level by level, in one copy of the run: a proof folds up to 127 pairs of a
  // tile read from the database, and the appends one pair per leaf; no buffer per pair but the hash.
  const row = Buffer.from(hashes.subarray(first * HASH_SIZE, (first + count) * HASH_SIZE));
  const pair = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
  pair[0] = NODE_PREFIX;
  for (let width = count; width > 1; width >>= 1) {
    for (let i = 0; i < width; i += 2) {
      row.copy(pair, 1, i * HASH_SIZE, (i + 2) * HASH_SIZE);
      hash('sha256', pair, 'buffer').copy(row, (i >> 1) * HASH_SIZE);
    }
  }
  return Buffer.from(row.subarray(0, HASH_SIZE));
}

/** RFC 9162: an interior node is SHA-256(0x01 || left || right) (merkle.ts nodeHash). */
const NODE_PREFIX = 0x01;

/** Where the hash of tree node (level, index) is found: a tile, and the run of its row to fold. */
export function nodeLocation(
  level: number,
  index: bigint,
): { tileLevel: number; tileIndex: bigint; first: number; count: number } {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const up = level - tileLevel * TILE_HEIGHT;
  const rowStart = index << BigInt(up);
  return {
    tileLevel,
    tileIndex: rowStart >> BigInt(TILE_HEIGHT),
    first: Number(rowStart & BigInt(TILE_WIDTH - 1)),
    count: 1 << up,
  };
}

/** The tile path element of C2SP tlog-tiles: 1234067 is x001/x234/067. */
export function tileIndexPath(index: bigint): string {
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift((n % 1000n).toString().padStart(3, '0'));
    n /= 1000n;
  } while (n > 0n);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Parses a tile index path (x001/x234/067), or null. */
export function parseTileIndexPath(path: string): bigint | null {
  const parts = path.split('/');
  if (parts.length === 0) return null;
  let n = 0n;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const match = (last ? /^(\d{3})$/ : /^x(\d{3})$/).exec(part);
    if (!match) return null;
    n = n * 1000n + BigInt(match[1]!);
  }
  return n;
}
