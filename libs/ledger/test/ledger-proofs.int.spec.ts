import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type Database } from '#libs/event-store';
import { leafHash } from '#libs/ledger-verifier';
import { LedgerStore } from '../src/index.js';
import { mth, path } from './rfc9162.js';

/**
 * Proofs from one LedgerStore while the tree grows under it: what it keeps between proofs (full
 * and partial tiles, subtree hashes folded from them) must never give another answer than the
 * RFC's definitions over all the leaves.
 */
describe('inclusion proofs and roots of a growing ledger, from a store that keeps what it read', () => {
  let database: Database;
  const schema = 'ledger_proofs';
  const leaves: Buffer[] = [];

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory' });
    await new LedgerStore(database.pool, schema).migrate();
  });

  afterAll(async () => {
    await database.close();
  });

  it('answers as RFC 9162 at every size, whatever it answered before', async () => {
    const writer = new LedgerStore(database.pool, schema);
    const reader = new LedgerStore(database.pool, schema);
    // Sizes across tile edges: inside the first tile, at 256, past it, two full tiles and beyond.
    for (const size of [1, 7, 200, 255, 256, 257, 300, 511, 512, 513, 700, 1_025]) {
      const items = [];
      for (let i = leaves.length; i < size; i++) {
        const hash = leafHash(createHash('sha256').update(`event ${i}`).digest());
        leaves.push(hash);
        items.push({ position: { transactionId: 1n, globalPosition: BigInt(i + 1) }, leafHash: hash });
      }
      await writer.extend(items);
      const n = BigInt(size);
      expect((await reader.root(n)).equals(mth(leaves))).toBe(true);
      // Every leaf of the small trees, a spread of the larger ones; older sizes again too.
      const step = Math.max(1, Math.floor(size / 40));
      for (let m = 0; m < size; m += step) {
        for (const at of new Set([size, Math.max(m + 1, Math.floor(size / 2))])) {
          const proof = await reader.inclusionProof(BigInt(m), BigInt(at));
          expect(Buffer.concat(proof).equals(Buffer.concat(path(m, leaves.slice(0, at))))).toBe(true);
        }
      }
    }
  });
});
