import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { gzipPieces, gzipPlanText, planContentHash } from '../src/index.js';
import { utf16Slices } from '../src/draft/plan-identity.js';

/** 256 K characters: where the hash and the gzip cut a long text. */
const SLICE = 256 * 1024;

/** Texts whose slices end on each half of a surrogate pair, in Vietnamese, and short ones. */
const texts = [
  '',
  'Kế hoạch',
  `${'a'.repeat(SLICE - 1)}😀${'ộ'.repeat(SLICE)}😀`,
  `${'Ủy ban nhân dân tỉnh\n'.repeat(40_000)}😀`,
  `${'b'.repeat(SLICE)}😀${'c'.repeat(SLICE - 2)}😀😀`,
];

describe('long texts encoded a slice at a time', () => {
  it('cuts a text into slices that cover it and never split a surrogate pair', () => {
    for (const text of texts) {
      const slices = [...utf16Slices(text, SLICE)];
      expect(slices.map(([start, end]) => text.slice(start, end)).join('')).toBe(text);
      for (const [start, end] of slices) {
        expect(end).toBeGreaterThan(start);
        const last = text.charCodeAt(end - 1);
        if (end < text.length) expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }
    }
    expect([...utf16Slices('😀a', 1)]).toEqual([
      [0, 2],
      [2, 3],
    ]);
  });

  it('hashes the UTF-8 of the whole text', () => {
    for (const text of texts) {
      const whole = createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
      expect(planContentHash(text)).toBe(`sha256:${whole}`);
    }
  });

  it('gzips the UTF-8 of the whole text into the same bytes as at once', async () => {
    for (const text of texts) {
      expect((await gzipPlanText(text)).equals(gzipSync(Buffer.from(text, 'utf8')))).toBe(true);
    }
  });

  it('gzips pieces of bytes as their concatenation', async () => {
    const pieces = texts.map((text) => new TextEncoder().encode(text));
    expect((await gzipPieces(pieces)).equals(gzipSync(Buffer.concat(pieces)))).toBe(true);
    expect((await gzipPieces([])).equals(gzipSync(Buffer.alloc(0)))).toBe(true);
  });
});
