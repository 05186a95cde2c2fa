import { hash } from 'node:crypto';
import { HASH_SIZE } from '#libs/ledger-verifier';

/** C2SP tlog-tiles: tiles are 2^8 hashes wide; a tile at level L holds nodes of tree level 8L. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** MTH of a full tile's 256 hashes (the hash of the node 8 levels above its row). */
export function tileRoot(hashes: Buffer): Buffer {
  return subtreeOfRow(hashes, 0, TILE_WIDTH);
}

/** The lowest level of a tile's subtrees whose hashes are stored with it (tileSubtrees). */
export const STORED_FROM = 4;

/**
 * A full tile's root, and the hashes of its subtrees of 16 to 128 hashes of the row (levels 4 to
 * 7 of the tile: 16 + 8 + 4 + 2 = 30 hashes, 960 bytes), stored with the tile: a proof reads the
 * hash of each of those levels it needs instead of folding up to 127 pairs of the row, and folds
 * at most 7 + 3 + 1 for the levels below. 960 bytes stay in the tile's row (no TOAST).
 */
export function tileSubtrees(hashes: Buffer): { root: Buffer; upper: Buffer } {
  const interior = Buffer.allocUnsafe((TILE_WIDTH - 1) * HASH_SIZE);
  const pair = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
  pair[0] = NODE_PREFIX;
  let below = hashes;
  let at = 0;
  for (let width = TILE_WIDTH; width > 1; width >>= 1) {
    const start = at;
    for (let i = 0; i < width; i += 2) {
      below.copy(pair, 1, i * HASH_SIZE, (i + 2) * HASH_SIZE);
      hash('sha256', pair, 'buffer').copy(interior, at);
      at += HASH_SIZE;
    }
    below = interior.subarray(start, at);
  }
  const lower = TILE_WIDTH - (TILE_WIDTH >> (STORED_FROM - 1)); // hashes of levels 1 to 3
  return {
    root: Buffer.from(interior.subarray(-HASH_SIZE)),
    upper: Buffer.from(interior.subarray(lower * HASH_SIZE, (TILE_WIDTH - 2) * HASH_SIZE)),
  };
}

/** Where tileSubtrees' `upper` holds the hash of the 2^up hashes of the row from `first` (up 4 to 7). */
export function upperOffset(up: number, first: number): number {
  // Levels STORED_FROM .. up-1 come first: 16 + 8 + ... hashes.
  return ((TILE_WIDTH >> (STORED_FROM - 1)) - (TILE_WIDTH >> (up - 1)) + (first >> up)) * HASH_SIZE;
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
