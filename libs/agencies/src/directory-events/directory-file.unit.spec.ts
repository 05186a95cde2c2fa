import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { SEED_AGENCIES, SEED_GROUPS, SEED_JURISDICTIONS } from '../seed/index.js';
import { planDirectoryImport } from './directory-file.js';
import { directoryFromEvents, foldDirectory, initialDirectoryState } from './directory.fold.js';
import type { DirectoryEvent } from './directory.events.js';

const seedText = readFileSync(new URL('../../seed/directory.jsonl', import.meta.url), 'utf8');

function seedEvents(): DirectoryEvent[] {
  const plan = planDirectoryImport(seedText, initialDirectoryState());
  if (!plan.ok) throw new Error(JSON.stringify(plan.errors));
  return plan.events;
}

describe('the directory file and the directory as events', () => {
  it('the shipped seed file, loaded as events, folds into the seed directory: search, aliases and diacritics work', () => {
    const events = seedEvents();
    expect(events.filter((e) => e.type === 'AgencyCreated')).toHaveLength(SEED_AGENCIES.length);
    const state = foldDirectory(events);
    expect([...state.agencies.values()]).toEqual(SEED_AGENCIES);
    expect([...state.groups.values()]).toEqual(SEED_GROUPS);
    expect([...state.jurisdictions.values()]).toEqual(SEED_JURISDICTIONS);

    const directory = directoryFromEvents(events);
    expect(directory.search('so lao dong', { jurisdiction: 'lai-chau' })[0]?.agency.code).toBe(
      'lc-so-ldtbxh',
    );
    expect(directory.resolve('Sở LĐ-TB&XH', { jurisdiction: 'lai-chau' })).toMatchObject({
      kind: 'agency',
      agency: { code: 'lc-so-ldtbxh' },
    });
  });

  it('importing the same file again records nothing; a renaming, a move and new aliases are one event each', () => {
    const state = foldDirectory(seedEvents());
    const again = planDirectoryImport(seedText, state);
    expect(again).toMatchObject({ ok: true, events: [] });

    const changed = [
      '{"type":"agency","code":"lc-so-y-te","name":"Sở Y tế tỉnh Lai Châu (mới)","shortName":"Sở Y tế","level":"department","parentCode":null,"jurisdiction":"lai-chau","aliases":["SYT"]}',
      '{"type":"agency","code":"lc-xa-moi","name":"Ủy ban nhân dân xã Mới","level":"commune","parentCode":"lc-ubnd-tinh","jurisdiction":"lai-chau","aliases":[]}',
    ].join('\n');
    const plan = planDirectoryImport(changed, state);
    expect(plan.ok && plan.events.map((e) => e.type)).toEqual([
      'AgencyRenamed',
      'AgencyMoved',
      'AgencyAliasesChanged',
      'AgencyCreated',
    ]);
    expect(plan.ok && plan.summary).toMatchObject({
      created: 1,
      renamed: 1,
      moved: 1,
      aliasesChanged: 1,
      unchanged: 0,
    });
    const directory = directoryFromEvents([...seedEvents(), ...(plan.ok ? plan.events : [])]);
    expect(directory.get('lc-so-y-te')).toMatchObject({
      name: 'Sở Y tế tỉnh Lai Châu (mới)',
      parentCode: null,
      aliases: ['SYT'],
    });
    expect(directory.search('xa moi')[0]?.agency.code).toBe('lc-xa-moi');
  });

  it('a malformed file: every error with its line and field, and no event', () => {
    const state = foldDirectory(seedEvents());
    const text = [
      '# comment lines and blank lines are skipped',
      '',
      '{"type":"agency","code":"Bad Code","name":"","level":"ministry","parentCode":"lc-ubnd-tinh","jurisdiction":"lai-chau","aliases":[3]}',
      '{"type":"agency","code":"lc-ok", "name": "Sở Mới"',
      '{"type":"agency","code":"lc-orphan","name":"Sở Mồ côi","level":"department","parentCode":"lc-nowhere","jurisdiction":"atlantis","aliases":[]}',
      '{"type":"school","code":"x"}',
      '{"type":"group","code":"lc-nhom","name":"Nhóm","jurisdiction":"lai-chau","memberCodes":["lc-so-y-te","lc-ghost"],"aliases":[]}',
    ].join('\n');
    const plan = planDirectoryImport(text, state);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.errors.map((e) => [e.line, e.field])).toEqual([
      [3, '/code'],
      [3, '/name'],
      [3, '/level'],
      [3, '/aliases/0'],
      [4, ''],
      [6, '/type'],
    ]);
    expect(plan.errors[4]?.message).toMatch(/not a JSON record/);

    // Once every line reads, the references are checked.
    const references = planDirectoryImport(
      text
        .split('\n')
        .filter((_, i) => [4, 6].includes(i))
        .join('\n'),
      state,
    );
    expect(!references.ok && references.errors.map((e) => [e.line, e.field])).toEqual([
      [1, '/jurisdiction'],
      [1, '/parentCode'],
      [2, '/memberCodes/1'],
    ]);
  });

  it('a file that would make two bodies answer to one name is refused at the line of the body', () => {
    const state = foldDirectory(seedEvents());
    const text =
      '{"type":"agency","code":"lc-so-y-te-2","name":"Sở Y tế tỉnh Lai Châu","level":"department","parentCode":"lc-ubnd-tinh","jurisdiction":"lai-chau","aliases":[]}';
    const plan = planDirectoryImport(text, state);
    expect(!plan.ok && plan.errors[0]).toMatchObject({ line: 1, field: '/code' });
  });
});
