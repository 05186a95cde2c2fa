import { HASH_SIZE, nodeHash } from '#libs/ledger-verifier';

/** C2SP tlog-tiles: tiles are 2^8 hashes wide; a tile at level L holds nodes of tree level 8L. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** MTH of a full tile's 256 hashes (the hash of the node 8 levels above its row). */
export function tileRoot(hashes: Buffer): Buffer {
  return subtreeOfRow(hashes, 0, TILE_WIDTH);
}

/** The hash of `count` (a power of two) consecutive hashes of a row, from `first`. */
export function subtreeOfRow(hashes: Buffer, first: number, count: number): Buffer {
  let row: Buffer[] = [];
  for (let i = 0; i < count; i++)
    row.push(hashes.subarray((first + i) * HASH_SIZE, (first + i + 1) * HASH_SIZE));
  while (row.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(nodeHash(row[i]!, row[i + 1]!));
    row = next;
  }
  return Buffer.from(row[0]!);
}

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
