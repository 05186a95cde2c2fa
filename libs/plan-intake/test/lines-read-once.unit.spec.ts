import { describe, expect, it } from '@jest/globals';
import { MappedText } from '../src/mapped-text.js';
import { hardWrapWidth, joinBrokenLines, sourceLines, type LineRange } from '../src/normalise-lines.js';

/** The lines `sourceLines` reads, counted as they are taken. */
function counted(text: string): { lines: Iterable<LineRange>; read: () => number } {
  let read = 0;
  const lines = sourceLines(text);
  return {
    lines: {
      *[Symbol.iterator]() {
        for (const line of lines) {
          read++;
          yield line;
        }
      },
    },
    read: () => read,
  };
}

const PLAN = [
  'II. TỔ CHỨC THỰC HIỆN',
  '1. Sở Y tế',
  '- Chủ trì tổ chức tuyên truyền',
  'trong các trường học.',
  '2. Sở Giáo dục và Đào tạo',
  '- Phối hợp thực hiện.',
].join('\n');

describe("a plan's lines read once, in order, and not held (docs/adr/0039)", () => {
  it('gives each paragraph once the line after it starts another, before the rest is read', () => {
    const { lines, read } = counted(PLAN);
    const paragraphs = joinBrokenLines(lines, hardWrapWidth(sourceLines(PLAN)))[Symbol.iterator]();
    expect(paragraphs.next().value?.first).toBe('II. TỔ CHỨC THỰC HIỆN');
    expect(read()).toBe(2);
    paragraphs.next();
    // "- Chủ trì ..." goes on with the lowercase line after it: the line after that ends it.
    expect(paragraphs.next().value).toMatchObject({
      first: '- Chủ trì tổ chức tuyên truyền',
      last: 'trong các trường học.',
    });
    expect(read()).toBe(5);
    expect([...{ [Symbol.iterator]: () => paragraphs }].map((p) => p.first)).toEqual([
      '2. Sở Giáo dục và Đào tạo',
      '- Phối hợp thực hiện.',
    ]);
  });

  it('maps a paragraph of one stretch of the source, and of several, back to the source', () => {
    const source = 'ab  **cd** ef\nxy';
    const oneRun = MappedText.fromSource(source, 14, 16);
    expect(oneRun.text).toBe('xy');
    expect([0, 1].map((i) => oneRun.spanOf(i, i + 1).start)).toEqual([14, 15]);
    expect(oneRun.slice(1).span).toEqual({ start: 15, end: 16 });
    const runs = MappedText.fromSegments(source, [
      { start: 0, end: 13 },
      { start: 14, end: 16 },
    ]);
    expect(runs.text).toBe('ab cd ef xy');
    expect([...runs.text].map((_, i) => runs.spanOf(i, i + 1).start)).toEqual([
      0, 1, 2, 6, 7, 10, 11, 12, 13, 14, 15,
    ]);
    expect(runs.slice(3, 5).span).toEqual({ start: 6, end: 8 });
  });
});
