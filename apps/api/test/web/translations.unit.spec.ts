import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTSTANDING_STATES } from '#libs/projections';
import { assigneeRoles } from '#libs/tasks';

/**
 * Every string of the dashboard is translated: both languages have exactly the same keys, each
 * key the code asks for exists, every text is NFC. (The browser test checks the rendered pages.)
 */
const WEB = join('web', 'src');
const load = (language: string) =>
  JSON.parse(readFileSync(join(WEB, 'locales', `${language}.json`), 'utf8')) as Record<string, unknown>;

function leaves(tree: unknown, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') found.set(path, value);
    else for (const [leaf, text] of leaves(value, path)) found.set(leaf, text);
  }
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : [],
  );
}

describe('the dashboard translations', () => {
  const vi = leaves(load('vi'));
  const en = leaves(load('en'));
  const code = sources(WEB).join('\n');

  it('have the same keys in Vietnamese and English, none empty, all NFC', () => {
    expect([...vi.keys()].sort()).toEqual([...en.keys()].sort());
    for (const text of [...vi.values(), ...en.values()]) {
      expect(text.trim()).not.toBe('');
      expect(text).toBe(text.normalize('NFC'));
    }
  });

  it('have every key the code asks for, and every family of keys it builds', () => {
    const literal = [...code.matchAll(/\bt\(\s*'([\w.-]+)'/g)].map((m) => m[1]!);
    const families = [...code.matchAll(/\bt\(\s*`([\w.-]+)\.\$\{/g)].map((m) => m[1]!);
    expect(literal.length).toBeGreaterThan(50);
    expect(literal.filter((key) => !vi.has(key))).toEqual([]);
    const hasFamily = (family: string) => [...vi.keys()].some((key) => key.startsWith(`${family}.`));
    expect(families.filter((family) => !hasFamily(family))).toEqual([]);
  });

  it('names every state, role and status the API answers with', () => {
    for (const state of OUTSTANDING_STATES) {
      expect(vi.has(`state.${state}`)).toBe(true);
    }
    for (const role of assigneeRoles) expect(vi.has(`assigneeRole.${role}`)).toBe(true);
    for (const status of ['open', 'completed', 'cancelled'])
      expect(vi.has(`taskStatus.${status}`)).toBe(true);
  });
});
