import { canonicalJson } from '#libs/ledger-verifier';

/**
 * canonicalJson(JSON.parse(text)), written from the text in one pass without building the value:
 * the ledger reads each event's data and metadata as stored JSON text, and parsing them into
 * objects, copying those in canonical order and writing them again was most of its CPU per event.
 *
 * Strings without escapes are copied as they are (JSON.stringify would write them so: no quote,
 * backslash or control character, and the text is well-formed UTF-16); a string with escapes is
 * decoded and written by JSON.stringify; integers of at most 15 digits are copied, other numbers
 * written as Number::toString; each object's members are sorted by their names as canonicalJson
 * sorts them. Anything else (duplicate names, a number beyond the doubles, a lone surrogate, deep
 * nesting, text that is not JSON) is left to canonicalJson(JSON.parse(text)), which writes it or
 * throws exactly as before. A property test holds the two to the same output.
 */
export function canonicalJsonOfText(text: string): string {
  if ((text as unknown as WellFormed).isWellFormed()) {
    src = text;
    at = 0;
    nextBackslash = text.indexOf('\\');
    checkControls = CONTROL.test(text);
    try {
      const out = value(0);
      skipSpace();
      if (at !== text.length) throw FALLBACK;
      return out;
    } catch (error) {
      if (error !== FALLBACK) throw error;
    } finally {
      src = '';
    }
  }
  return canonicalJson(JSON.parse(text));
}

interface WellFormed {
  isWellFormed(): boolean;
}

/** Thrown inside the scanner for anything it leaves to canonicalJson (made once: no stack per throw). */
const FALLBACK = new Error('left to canonicalJson');
/** Nesting the scanner goes into; deeper values are left to canonicalJson (which refuses beyond 1,000). */
const MAX_DEPTH = 100;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const CONTROL = /[\u0000-\u001f]/;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

// The scanner's state: one text at a time, synchronously.
let src = '';
let at = 0;
/** Index of the first backslash at or after `at` (or -1): strings before it have no escapes. */
let nextBackslash = -1;
/** Whether the text has control characters at all (outside strings they are whitespace). */
let checkControls = false;
/** The decoded value of the last string read, when it had escapes (undefined: its raw text). */
let decoded: string | undefined;

function skipSpace(): number {
  let c = src.charCodeAt(at);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = src.charCodeAt(++at);
  return c;
}

/** The string starting at `at` (a quote), as canonical JSON; sets `decoded`. */
function string(): string {
  const start = at;
  let end = src.indexOf('"', start + 1);
  if (end < 0) throw FALLBACK;
  if (nextBackslash >= 0 && nextBackslash < start) nextBackslash = src.indexOf('\\', start);
  if (nextBackslash < 0 || nextBackslash > end) {
    at = end + 1;
    const raw = src.slice(start, at);
    if (checkControls && CONTROL.test(raw)) throw FALLBACK;
    decoded = undefined;
    return raw;
  }
  // Escapes: find the closing quote (one not escaped), then let JSON decode and write it.
  end = nextBackslash;
  for (;;) {
    const c = src.charCodeAt(end);
    if (c === 0x5c) end += 2;
    else if (c === 0x22) break;
    else if (end >= src.length) throw FALLBACK;
    else end++;
  }
  at = end + 1;
  const raw = src.slice(start, at);
  if (checkControls && CONTROL.test(raw)) throw FALLBACK;
  let text: string;
  try {
    text = JSON.parse(raw) as string;
  } catch {
    // A bad escape: the reference parses the whole text and throws its own error.
    throw FALLBACK;
  }
  if (!(text as unknown as WellFormed).isWellFormed()) throw FALLBACK;
  decoded = text;
  return JSON.stringify(text);
}

function number(): string {
  const start = at;
  let c = src.charCodeAt(at);
  let simple = true;
  if (c === 0x2d) c = src.charCodeAt(++at);
  // A plain integer: no leading zero (nor -0, which is written 0), at most 15 digits (exact).
  // Written so that the end of the text (NaN, which no comparison holds for) is not a digit.
  if (!(c >= 0x31 && c <= 0x39)) simple = false;
  while ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
    if (c < 0x30) simple = false;
    else if (c > 0x39) simple = false;
    c = src.charCodeAt(++at);
  }
  const raw = src.slice(start, at);
  if (simple && at - start <= (src.charCodeAt(start) === 0x2d ? 16 : 15)) return raw;
  if (raw === '0') return raw;
  if (!JSON_NUMBER.test(raw)) throw FALLBACK;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw FALLBACK;
  return String(n); // Number::toString, as JSON.stringify; -0 is written 0
}

function value(depth: number): string {
  const c = skipSpace();
  if (c === 0x22) return string();
  if (c === 0x7b) return object(depth);
  if (c === 0x5b) return array(depth);
  if (c === 0x74 && src.startsWith('true', at)) {
    at += 4;
    return 'true';
  }
  if (c === 0x66 && src.startsWith('false', at)) {
    at += 5;
    return 'false';
  }
  if (c === 0x6e && src.startsWith('null', at)) {
    at += 4;
    return 'null';
  }
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return number();
  throw FALLBACK;
}

function array(depth: number): string {
  if (depth >= MAX_DEPTH) throw FALLBACK;
  at++;
  if (skipSpace() === 0x5d) {
    at++;
    return '[]';
  }
  let out = '[';
  for (;;) {
    out += value(depth + 1);
    const c = skipSpace();
    at++;
    if (c === 0x2c) out += ',';
    else if (c === 0x5d) return out + ']';
    else throw FALLBACK;
  }
}

function object(depth: number): string {
  if (depth >= MAX_DEPTH) throw FALLBACK;
  at++;
  if (skipSpace() === 0x7d) {
    at++;
    return '{}';
  }
  const names: string[] = [];
  const members: string[] = [];
  let ordered = true;
  for (;;) {
    if (skipSpace() !== 0x22) throw FALLBACK;
    const written = string();
    const name = decoded ?? written.slice(1, -1);
    if (skipSpace() !== 0x3a) throw FALLBACK;
    at++;
    const member = `${written}:${value(depth + 1)}`;
    // Names compared as strings: by UTF-16 code units, as canonicalJson sorts them.
    if (ordered && names.length > 0 && !(names[names.length - 1]! < name)) ordered = false;
    names.push(name);
    members.push(member);
    const c = skipSpace();
    at++;
    if (c === 0x7d) break;
    if (c !== 0x2c) throw FALLBACK;
  }
  if (!ordered) {
    if (names.length > 16) return sortedObject(names, members);
    // Insertion sort of the two arrays together: objects of events have a handful of members.
    for (let i = 1; i < names.length; i++) {
      const name = names[i]!;
      const member = members[i]!;
      let j = i - 1;
      while (j >= 0 && names[j]! > name) {
        names[j + 1] = names[j]!;
        members[j + 1] = members[j]!;
        j--;
      }
      // A name given twice: JSON.parse keeps the last value, which canonicalJson then writes.
      if (j >= 0 && names[j] === name) throw FALLBACK;
      names[j + 1] = name;
      members[j + 1] = member;
    }
  }
  return `{${members.join(',')}}`;
}

/** A large object's members in canonical order (n log n). */
function sortedObject(names: readonly string[], members: readonly string[]): string {
  const order = names
    .map((_, i) => i)
    .sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  let out = '{';
  for (let i = 0; i < order.length; i++) {
    // A name given twice: JSON.parse keeps the last value, which canonicalJson then writes.
    if (i > 0 && names[order[i]!] === names[order[i - 1]!]) throw FALLBACK;
    if (i > 0) out += ',';
    out += members[order[i]!];
  }
  return out + '}';
}
