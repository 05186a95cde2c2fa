import { createHash, createPublicKey, verify } from 'node:crypto';
import { expectContract } from './contract.js';

/**
 * A second, independent tlog-tiles client, written for the tests only from the C2SP texts
 * (c2sp.org/tlog-tiles, signed-note, tlog-checkpoint) and RFC 6962 section 2.1, sharing no code
 * with the service or libs/ledger-verifier: what the ledger serves must make sense to a reader
 * that knows only the specifications. (No third-party tlog-tiles reader installs here from npm
 * or Debian's packages; see docs/adr/0019-ledger-published-as-tlog-tiles.md.)
 */
export class TlogTilesReader {
  private readonly cache = new Map<string, Buffer>();
  fetches = 0;

  constructor(
    private readonly prefix: string,
    private readonly headers: Record<string, string>,
  ) {}

  private async get(path: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
    this.fetches++;
    const response = await fetch(`${this.prefix}/${path}`, { headers: this.headers });
    const answer = {
      status: response.status,
      body: Buffer.from(await response.arrayBuffer()),
      headers: response.headers,
    };
    // As every answer a suite sees: one the API's OpenAPI document describes (contract.ts).
    const url = new URL(`${this.prefix}/${path}`);
    const problem = answer.headers.get('content-type')?.includes('json');
    await expectContract(url.origin, 'GET', url.pathname, {
      ...answer,
      body: problem ? JSON.parse(answer.body.toString('utf8')) : answer.body,
    });
    return answer;
  }

  /** `<prefix>/checkpoint`, its Ed25519 signature checked against the log's verifier key. */
  async checkpoint(
    verifierKey: string,
  ): Promise<{ origin: string; size: number; root: Buffer; text: string }> {
    const { status, body } = await this.get('checkpoint');
    if (status !== 200) throw new Error(`checkpoint: ${status}`);
    const note = body.toString('utf8');
    const cut = note.lastIndexOf('\n\n');
    const text = note.slice(0, cut + 1);
    const [name, idHex, keyBase64] = [
      verifierKey.slice(0, verifierKey.indexOf('+')),
      verifierKey.split('+')[1]!,
      verifierKey.slice(verifierKey.indexOf('+', verifierKey.indexOf('+') + 1) + 1),
    ];
    const keyBytes = Buffer.from(keyBase64, 'base64');
    const publicKey = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), keyBytes.subarray(1)]),
      format: 'der',
      type: 'spki',
    });
    const signed = note
      .slice(cut + 2)
      .split('\n')
      .filter(Boolean)
      .some((line) => {
        const [dash, who, sig] = line.split(' ');
        if (dash !== '\u2014' || who !== name) return false;
        const bytes = Buffer.from(sig!, 'base64');
        if (bytes.subarray(0, 4).toString('hex') !== idHex) return false;
        return verify(null, Buffer.from(text), publicKey, bytes.subarray(4));
      });
    if (!signed) throw new Error('the checkpoint carries no valid signature by the log key');
    const [origin, size, root] = text.split('\n');
    return { origin: origin!, size: Number(size), root: Buffer.from(root!, 'base64'), text };
  }

  private static path(n: number): string {
    const digits = String(n).padStart(3 * Math.ceil(Math.max(1, String(n).length) / 3), '0');
    const parts = digits.match(/\d{3}/g)!;
    return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join('/');
  }

  /** The tile at level L, index N, as wide as the tree of `size` makes it. */
  async tile(level: number, n: number, size: number): Promise<Buffer> {
    const stored = Math.floor(size / 256 ** level);
    const width = Math.min(256, stored - n * 256);
    const path = `tile/${level}/${TlogTilesReader.path(n)}${width === 256 ? '' : `.p/${width}`}`;
    const cached = this.cache.get(path);
    if (cached) return cached;
    const { status, body, headers } = await this.get(path);
    if (status !== 200 || body.length !== width * 32)
      throw new Error(`${path}: ${status}, ${body.length} bytes`);
    if (width === 256 && !/immutable/.test(headers.get('cache-control') ?? ''))
      throw new Error(`${path} is not immutable`);
    this.cache.set(path, body);
    return body;
  }

  /** The entry bundle N of a tree of `size`: the entries, length-prefixed as the spec says. */
  async entries(n: number, size: number): Promise<Buffer[]> {
    const width = Math.min(256, size - n * 256);
    const path = `tile/entries/${TlogTilesReader.path(n)}${width === 256 ? '' : `.p/${width}`}`;
    const { status, body } = await this.get(path);
    if (status !== 200) throw new Error(`${path}: ${status}`);
    const out: Buffer[] = [];
    for (let at = 0; at < body.length;) {
      const length = body.readUInt16BE(at);
      out.push(body.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    if (out.length !== width) throw new Error(`${path}: ${out.length} entries, ${width} expected`);
    return out;
  }

  /** MTH(D[start:end]) of RFC 6962, from the tiles: a complete subtree is read, not recomputed. */
  async hash(start: number, end: number, size: number): Promise<Buffer> {
    const n = end - start;
    const height = Math.log2(n);
    if (Number.isInteger(height) && start % n === 0) return this.node(height, start / n, size);
    let k = 1;
    while (k * 2 < n) k *= 2;
    return h1(await this.hash(start, start + k, size), await this.hash(start + k, end, size));
  }

  private async node(height: number, index: number, size: number): Promise<Buffer> {
    const level = Math.floor(height / 8);
    const up = height - 8 * level;
    const first = index * 2 ** up;
    const tile = await this.tile(level, Math.floor(first / 256), size);
    let row: Buffer[] = [];
    for (let i = 0; i < 2 ** up; i++) {
      const at = ((first % 256) + i) * 32;
      row.push(tile.subarray(at, at + 32));
    }
    while (row.length > 1) row = row.flatMap((_, i) => (i % 2 === 0 ? [h1(row[i]!, row[i + 1]!)] : []));
    return row[0]!;
  }

  /** RFC 6962 PATH(m, D[start:end]) from the tiles. */
  async inclusion(m: number, start: number, end: number, size: number): Promise<Buffer[]> {
    const n = end - start;
    if (n <= 1) return [];
    let k = 1;
    while (k * 2 < n) k *= 2;
    return m < k
      ? [...(await this.inclusion(m, start, start + k, size)), await this.hash(start + k, end, size)]
      : [...(await this.inclusion(m - k, start + k, end, size)), await this.hash(start, start + k, size)];
  }

  /** RFC 6962 SUBPROOF(m, D[start:end], b) from the tiles. */
  async consistency(m: number, start: number, end: number, whole: boolean, size: number): Promise<Buffer[]> {
    const n = end - start;
    if (m === n) return whole ? [] : [await this.hash(start, end, size)];
    let k = 1;
    while (k * 2 < n) k *= 2;
    return m <= k
      ? [...(await this.consistency(m, start, start + k, whole, size)), await this.hash(start + k, end, size)]
      : [
          ...(await this.consistency(m - k, start + k, end, false, size)),
          await this.hash(start, start + k, size),
        ];
  }
}

export function leafHashOf(entry: Buffer): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(entry).digest();
}

function h1(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** MTH of leaf hashes, computed the plain recursive way of RFC 6962. */
export function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h1(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
