/** Vietnamese text is stored in Unicode NFC so that equal words compare equal byte for byte. */
export function toNfc(text: string): string {
  return text.normalize('NFC');
}

/**
 * A search key that ignores case and diacritics: "Sở Lao động" and "so lao dong" give the same key.
 * "đ" is a letter of its own in Unicode (not d + a mark), so it is folded explicitly.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
