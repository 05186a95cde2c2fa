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
