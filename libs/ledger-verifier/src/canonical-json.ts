/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for JSON values: what a ledger entry holds (objects,
 * arrays, strings, finite numbers, booleans, null, all as JSON.parse gives them).
 *
 * The rules of RFC 8785 section 3.2, and how they are met here:
 * - no whitespace between tokens;
 * - strings (3.2.2.2): the escaping of ECMAScript JSON.stringify, which is the one the RFC
 *   specifies (\b \t \n \f \r \" \\, other controls as \u00xx lower-case, everything else as is);
 *   a lone surrogate cannot be written as UTF-8, so it is refused;
 * - numbers (3.2.2.3): ECMAScript Number::toString, which JSON.stringify gives for finite numbers;
 *   NaN and the infinities are refused; -0 is written 0;
 * - object members (3.2.3) sorted by their names as arrays of UTF-16 code units, which is what
 *   Array.prototype.sort does with no comparator.
 *
 * It writes the same text as the `canonicalize` package (checked by property tests), several times
 * faster (the leaf hash is the ledger's hot loop): usually as a sorted copy written by
 * JSON.stringify, otherwise in one pass that builds a single string.
 * Members whose value is undefined are left out and undefined array items written null, as
 * JSON.stringify and `canonicalize` do; anything else that is not JSON (a function, a bigint, a
 * Date or other object with toJSON) is refused.
 */
export function canonicalJson(value: unknown): string {
  // A value already in canonical order (as an export writes entries, see canonicalOrder) is
  // written by JSON.stringify as it is; most others take a copy with every object's members
  // inserted in canonical order, written by JSON.stringify in one native call (its strings and
  // numbers are RFC 8785's, see above).
  const ordered = inCanonicalOrder(value, 0) ? value : orderedCopy(value, 0);
  if (ordered !== UNORDERED) {
    const text = JSON.stringify(ordered);
    // JSON.stringify writes a lone surrogate as a \udXXX escape, which has no canonical form.
    if (!text.includes('\\u') || !LONE_SURROGATE_ESCAPE.test(text)) return text;
  }
  // The rest (and anything to refuse, with its reason) goes member by member.
  return write(value, 0);
}

/**
 * The value with each object's members in canonical order (a copy), for writers of JSON whose
 * readers will canonicalise it again: canonicalJson then needs no copy. A value that cannot be
 * so ordered is given back as it is.
 */
export function canonicalOrder<T>(value: T): T {
  const ordered = orderedCopy(value, 0);
  return ordered === UNORDERED ? value : (ordered as T);
}

/**
 * Whether JSON.stringify would write the value with every object's members in canonical order
 * already: each object's names strictly increasing, and nothing orderedCopy would refuse. Only
 * looks; most objects not in order are seen at their first two names.
 */
function inCanonicalOrder(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth > MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item !== undefined && !inCanonicalOrder(item, depth + 1)) return false;
        }
        return true;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
      const record = value as Record<string, unknown>;
      let previous: string | undefined;
      for (const key in record) {
        if (!Object.hasOwn(record, key)) return false;
        if (previous !== undefined && !(previous < key)) return false;
        const first = key.charCodeAt(0);
        if ((first >= 0x30 && first <= 0x39) || key === '__proto__') return false;
        const member = record[key];
        if (member !== undefined && !inCanonicalOrder(member, depth + 1)) return false;
        previous = key;
      }
      return true;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      return false;
  }
}

/** An escape \uD800-\uDFFF, not preceded by an escaped backslash (an odd run of them). */
const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\ud[89a-f]/i;

/** What orderedCopy gives for a value JSON.stringify cannot be trusted to write canonically. */
const UNORDERED = Symbol('unordered');

/**
 * The value with each object's members inserted in sorted order, so that JSON.stringify writes
 * them so; UNORDERED where that would not be RFC 8785: a name that could be an array index (an
 * object lists those first, in numeric order), `__proto__`, a number without a canonical form, a
 * toJSON method, a value that is not JSON, or nesting too deep.
 */
function orderedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : UNORDERED;
    case 'object': {
      if (value === null) return null;
      if (depth > MAX_DEPTH) return UNORDERED;
      if (Array.isArray(value)) {
        const items: unknown[] = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          // JSON.stringify writes an undefined item as null, as canonical JSON does here.
          if (item === undefined) continue;
          const copy = orderedCopy(item, depth + 1);
          if (copy === UNORDERED) return UNORDERED;
          items[i] = copy;
        }
        return items;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return UNORDERED;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const copy: Record<string, unknown> = {};
      for (const key of keys) {
        const first = key.charCodeAt(0);
        if ((first >= 0x30 && first <= 0x39) || key === '__proto__') return UNORDERED;
        const member = record[key];
        if (member === undefined) continue;
        const item = orderedCopy(member, depth + 1);
        if (item === UNORDERED) return UNORDERED;
        copy[key] = item;
      }
      return copy;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      return UNORDERED;
  }
}

/** Deeper than any entry: a cycle, not data. */
const MAX_DEPTH = 1_000;

interface WellFormed {
  isWellFormed(): boolean;
}

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (!(value as unknown as WellFormed).isWellFormed())
        throw new Error('a string with a lone surrogate has no canonical JSON');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} has no canonical JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth > MAX_DEPTH) throw new Error('a value nested too deep (or a cycle) has no canonical JSON');
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = value[i];
          out += item === undefined ? 'null' : write(item, depth + 1);
        }
        return out + ']';
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
        throw new Error('an object with toJSON is not a JSON value');
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += write(key, depth) + ':' + write(member, depth + 1);
      }
      return out + '}';
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      throw new Error(`a ${typeof value} is not a JSON value`);
  }
}
