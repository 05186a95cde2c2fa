import { hashRequest } from './idempotency.store.js';

describe('hashRequest', () => {
  it('takes the same text in NFD and NFC as the same request', () => {
    const nfc = { reason: 'Thuộc lĩnh vực y tế'.normalize('NFC') };
    const nfd = { reason: 'Thuộc lĩnh vực y tế'.normalize('NFD') };
    expect(nfd.reason).not.toBe(nfc.reason);
    expect(hashRequest('POST /tasks/1/handoffs', nfd)).toBe(hashRequest('POST /tasks/1/handoffs', nfc));
  });

  it('ignores key order and absent values, but not the route or a changed value', () => {
    const route = 'POST /tasks';
    expect(hashRequest(route, { a: 1, b: [2, { c: 3 }] })).toBe(
      hashRequest(route, { b: [2, { c: 3 }], a: 1, d: undefined }),
    );
    expect(hashRequest(route, { a: 1 })).not.toBe(hashRequest('POST /plans', { a: 1 }));
    expect(hashRequest(route, { a: 1 })).not.toBe(hashRequest(route, { a: 2 }));
  });
});
