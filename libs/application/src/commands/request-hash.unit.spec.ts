import { createHash } from 'node:crypto';
import { hashRequest } from './request-hash.js';

const hasher = { sha256Hex: (text: string) => createHash('sha256').update(text).digest('hex') };

describe('hashRequest', () => {
  it('takes the same text in NFD and NFC as the same request', () => {
    const nfc = { reason: 'Thuộc lĩnh vực y tế'.normalize('NFC') };
    const nfd = { reason: 'Thuộc lĩnh vực y tế'.normalize('NFD') };
    expect(nfd.reason).not.toBe(nfc.reason);
    expect(hashRequest(hasher, 'POST /tasks/1/handoffs', nfd)).toBe(
      hashRequest(hasher, 'POST /tasks/1/handoffs', nfc),
    );
  });

  it('ignores key order and absent values, but not the route or a changed value', () => {
    const route = 'POST /tasks';
    expect(hashRequest(hasher, route, { a: 1, b: [2, { c: 3 }] })).toBe(
      hashRequest(hasher, route, { b: [2, { c: 3 }], a: 1, d: undefined }),
    );
    expect(hashRequest(hasher, route, { a: 1 })).not.toBe(hashRequest(hasher, 'POST /plans', { a: 1 }));
    expect(hashRequest(hasher, route, { a: 1 })).not.toBe(hashRequest(hasher, route, { a: 2 }));
  });

  it('hashes as the keys already stored were hashed: SHA-256 of route, newline, stable JSON', () => {
    expect(hashRequest(hasher, 'POST /tasks', { b: 1, a: 'x' })).toBe(
      createHash('sha256').update('POST /tasks').update('\n').update('{"a":"x","b":1}').digest('hex'),
    );
  });
});
