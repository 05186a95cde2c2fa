/** Vietnamese text is stored in Unicode NFC so that equal words compare equal byte for byte. */
export function toNfc(text: string): string {
  return text.length <= NFC_PIECE_CHARACTERS ? text.normalize('NFC') : toNfcByPieces(text);
}

/** Characters normalised at a time in a long text. */
const NFC_PIECE_CHARACTERS = 64 * 1024;

/**
 * `normalize` always returns a new string, and a 9 MB plan is 18 MB of two-byte characters: a long
 * text is normalised a piece at a time, and is returned as it is when no piece changes (text that
 * is already NFC, as almost every plan is). A piece ends after a line break, which no character
 * composes with or is reordered across, so the pieces normalise as the whole text would.
 */
function toNfcByPieces(text: string): string {
  const pieces: string[] = [];
  let changed = false;
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start + NFC_PIECE_CHARACTERS);
    const end = newline === -1 ? text.length : newline + 1;
    const piece = text.slice(start, end);
    const normalised = piece.normalize('NFC');
    if (normalised !== piece) changed = true;
    pieces.push(normalised);
    start = end;
  }
  return changed ? pieces.join('') : text;
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
