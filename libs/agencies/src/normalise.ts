import { foldForSearch, toNfc } from '#libs/shared-kernel';

/*
 * Agency names are compared through a key: folded (no diacritics, lowercase, đ -> d), abbreviations
 * expanded, punctuation gone and the connective "và"/"&" dropped, so that every way of writing the
 * same body gives the same key:
 *   "Sở Lao động – Thương binh và Xã hội", "Sở LĐ-TB&XH", "SỞ LĐTBXH" -> "so lao dong thuong binh xa hoi"
 */

// Separators allowed between the letters of an abbreviation: "LĐ-TB&XH", "VH,TT&DL", "GD và ĐT", "GDĐT".
const SEP = '(?:[\\s,./&-]|\\bva\\b)*';

function chunks(...parts: string[]): RegExp {
  return new RegExp(`(?<![a-z0-9])${parts.join(SEP)}(?![a-z0-9])`, 'g');
}

/**
 * Abbreviations, matched on folded text. Longer sequences come first so that "ld tb xh" is
 * expanded before "tb xh", and "vh tt dl" before "vh tt".
 */
const ABBREVIATIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [chunks('ld', 'tb', 'xh'), 'lao dong thuong binh xa hoi'],
  [chunks('tb', 'xh'), 'thuong binh xa hoi'], // "Bộ Lao động - TB&XH"
  [chunks('vh', 'tt', 'dl'), 'van hoa the thao du lich'],
  [chunks('nn', 'ptnt'), 'nong nghiep phat trien nong thon'],
  [chunks('gd', 'dt'), 'giao duc dao tao'],
  [chunks('kh', 'dt'), 'ke hoach dau tu'],
  [chunks('tc', 'kh'), 'tai chinh ke hoach'],
  [chunks('tt', 'tt'), 'thong tin truyen thong'],
  // A district "Trung tâm VH-TT" is the culture and sports centre; a "Phòng VH-TT" is culture and information.
  [chunks('trung tam vh', 'tt'), 'trung tam van hoa the thao'],
  [chunks('vh', 'tt'), 'van hoa thong tin'],
  [chunks('ubmttq'), 'uy ban mat tran to quoc'],
  [chunks('ubnd'), 'uy ban nhan dan'],
  [chunks('hdnd'), 'hoi dong nhan dan'],
  [chunks('mttq'), 'mat tran to quoc'],
  [chunks('ldld'), 'lien doan lao dong'],
  [chunks('lhpn'), 'lien hiep phu nu'],
  [chunks('ccb'), 'cuu chien binh'],
  [chunks('ttyt'), 'trung tam y te'],
  [chunks('vp'), 'van phong'],
  [chunks('tp'), 'thanh pho'],
  // "CA" is also an ordinary word, so only expand it in front of a level word: "CA tỉnh", "CA TP".
  [/(?<![a-z0-9])ca(?=\s+(?:tinh|tp|thanh pho|huyen|quan|thi xa|xa|phuong)(?![a-z0-9]))/g, 'cong an'],
];

/**
 * The matching key of an agency name. Pure text canonicalisation:
 * NFC, diacritics and case folded (so NFC/NFD and "Ủy"/"Uỷ" agree), markdown markers and
 * parenthesised notes such as "(B/c)" removed, hyphen/en-dash/em-dash and "&"/"và" unified (the
 * connective is dropped), abbreviations expanded, punctuation removed, whitespace collapsed,
 * "Việt Nam" after "Mặt trận Tổ quốc" dropped, and a leading list number or "Đề nghị" (the verb that
 * introduces a mass organisation in a plan heading) removed.
 * Place qualifiers are removed separately by {@link stripPlaceQualifiers}, because whether
 * "Lai Châu" is a qualifier depends on the jurisdiction.
 */
export function normaliseAgencyName(text: string): string {
  let s = foldForSearch(toNfc(text).replace(/\([^)]*\)/g, ' '));
  s = s.replace(/[\u2010-\u2015\u2212]/g, '-');
  for (const [pattern, expansion] of ABBREVIATIONS) {
    s = s.replace(pattern, ` ${expansion} `);
  }
  // Everything that is not a letter or digit is a separator: *, **, -, &, commas, quotes, dots.
  const tokens = s.split(/[^a-z0-9]+/).filter((token) => token !== '' && token !== 'va');
  while (tokens.length > 0 && /^\d+$/.test(tokens[0] ?? '')) tokens.shift();
  if (tokens[0] === 'de' && tokens[1] === 'nghi') tokens.splice(0, 2);
  return tokens
    .join(' ')
    .replace(/\bmat tran to quoc viet nam\b/g, 'mat tran to quoc')
    .trim();
}

export interface PlaceQualifiers {
  /** Proper place names, e.g. ['Lai Châu']; any spelling, they are normalised. */
  readonly placeNames: readonly string[];
  /** Level words, e.g. ['tỉnh', 'thành phố']. */
  readonly levelWords: readonly string[];
}

/**
 * The key and its shorter forms without trailing place qualifiers, most specific first:
 * "so y te tinh lai chau" -> ["so y te tinh lai chau", "so y te tinh", "so y te"].
 * Only a trailing qualifier is removed, and never the whole key, so "UBND huyện Tam Đường" keeps
 * its district name and "Ủy ban nhân dân tỉnh" keeps meaning something.
 */
export function stripPlaceQualifiers(key: string, qualifiers: PlaceQualifiers): string[] {
  const variants = [key];
  let current = key;
  const strip = (words: readonly string[]): void => {
    // Longest first so that "thanh pho lang son" is tried before "lang son".
    const normalised = words.map(normaliseAgencyName).filter((word) => word !== '');
    normalised.sort((a, b) => b.length - a.length);
    for (const word of normalised) {
      if (current.endsWith(` ${word}`)) {
        current = current.slice(0, current.length - word.length - 1);
        variants.push(current);
        return;
      }
    }
  };
  strip(qualifiers.placeNames);
  strip(qualifiers.levelWords);
  return variants;
}

/** A key's character trigrams with their counts, and how many there are in all. */
export interface KeyTrigrams {
  readonly grams: ReadonlyMap<string, number>;
  readonly total: number;
}

/** The trigrams `keySimilarity` compares; computed once, they can be compared with many others. */
export function keyTrigrams(text: string): KeyTrigrams {
  const padded = `  ${text} `;
  const grams = new Map<string, number>();
  let total = 0;
  for (let i = 0; i + 3 <= padded.length; i++) {
    const gram = padded.slice(i, i + 3);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
    total += 1;
  }
  return { grams, total };
}

/** Dice coefficient over character trigrams of two keys: 1 for equal keys, 0 for nothing in common. */
export function keySimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a === '' || b === '') return 0;
  return trigramSimilarity(keyTrigrams(a), keyTrigrams(b));
}

/** `keySimilarity` of two non-empty keys from their trigrams. */
export function trigramSimilarity(a: KeyTrigrams, b: KeyTrigrams): number {
  const [small, large] = a.grams.size <= b.grams.size ? [a, b] : [b, a];
  let shared = 0;
  for (const [gram, count] of small.grams) shared += Math.min(count, large.grams.get(gram) ?? 0);
  return diceCoefficient(shared, a.total, b.total);
}

/** Dice's coefficient from the trigrams two keys share and each one's count of trigrams. */
export function diceCoefficient(shared: number, totalA: number, totalB: number): number {
  return (2 * shared) / (totalA + totalB);
}
