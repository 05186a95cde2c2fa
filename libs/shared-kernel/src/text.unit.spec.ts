import { foldForSearch, toNfc } from './text.js';

describe('foldForSearch', () => {
  it('ignores diacritics, đ and case', () => {
    expect(foldForSearch('Sở Lao động - Thương binh và Xã hội')).toBe('so lao dong - thuong binh va xa hoi');
  });

  it('gives the same key for NFC and NFD input', () => {
    const nfd = 'Sở Y tế'.normalize('NFD');
    expect(foldForSearch(nfd)).toBe(foldForSearch('Sở Y tế'));
    expect(toNfc(nfd)).toBe('Sở Y tế'.normalize('NFC'));
  });
});

describe('toNfc on a long text', () => {
  const line = 'Sở Lao động - Thương binh và Xã hội tổ chức thực hiện Kế hoạch.\n';
  const long = line.repeat(5_000);

  it('normalises it as the whole text would be, across the pieces it is read in', () => {
    const nfd = long.normalize('NFD');
    expect(nfd.length).toBeGreaterThan(64 * 1024);
    expect(toNfc(nfd)).toBe(long.normalize('NFC'));
    // A combining mark right after every line break, where pieces start, stays as it is.
    const markAfterBreak = '\u0301x'.concat(long.replaceAll('\n', '\n\u0301x'));
    expect(toNfc(markAfterBreak)).toBe(markAfterBreak.normalize('NFC'));
  });

  it('gives a text in NFC back unchanged', () => {
    expect(toNfc(long)).toBe(long);
  });
});
