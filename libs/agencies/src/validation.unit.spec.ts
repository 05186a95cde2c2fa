import { describe, expect, it } from '@jest/globals';
import {
  AgencyDirectory,
  InvalidAgencyDirectoryError,
  type Agency,
  type AgencyGroup,
  type Jurisdiction,
} from './index.js';

const jurisdictions: Jurisdiction[] = [
  {
    code: 'lai-chau',
    name: 'tỉnh Lai Châu',
    parentCode: null,
    placeNames: ['Lai Châu'],
    levelWords: ['tỉnh'],
  },
];

function agency(code: string, overrides: Partial<Agency> = {}): Agency {
  return {
    code,
    name: `Cơ quan ${code}`,
    level: 'department',
    parentCode: null,
    jurisdiction: 'lai-chau',
    aliases: [],
    ...overrides,
  };
}

function build(
  agencies: Agency[],
  groups: AgencyGroup[] = [],
  js: Jurisdiction[] = jurisdictions,
): AgencyDirectory {
  return new AgencyDirectory({ agencies, groups, jurisdictions: js });
}

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidAgencyDirectoryError) return error.problems;
    throw error;
  }
  throw new Error('expected an InvalidAgencyDirectoryError');
}

describe('AgencyDirectory validation', () => {
  describe('given a consistent directory', () => {
    it('builds it', () => {
      const directory = build(
        [agency('a'), agency('b', { parentCode: 'a' })],
        [{ code: 'g', name: 'Nhóm', jurisdiction: 'lai-chau', memberCodes: ['a', 'b'], aliases: [] }],
      );
      expect(directory.children('a').map((a) => a.code)).toEqual(['b']);
    });
  });

  describe('when a code is not a NATS-safe token', () => {
    it.each([['LC-So'], ['lc.so'], ['lc so'], ['lc--so'], ['-lc'], ['sở'], ['']])('rejects "%s"', (code) => {
      expect(problemsOf(() => build([agency(code)]))).toEqual([
        expect.stringContaining(`code "${code}" must match`),
      ]);
    });
  });

  describe('when two entries share a code', () => {
    it('rejects two agencies with one code', () => {
      expect(problemsOf(() => build([agency('a'), agency('a', { name: 'Khác' })]))).toContain(
        'duplicate code "a"',
      );
    });

    it("rejects a group with an agency's code", () => {
      const group: AgencyGroup = {
        code: 'a',
        name: 'Nhóm',
        jurisdiction: 'lai-chau',
        memberCodes: ['a'],
        aliases: [],
      };
      expect(problemsOf(() => build([agency('a')], [group]))).toContain('duplicate code "a"');
    });
  });

  describe('when a parent does not exist', () => {
    it('names the agency and the missing parent', () => {
      expect(problemsOf(() => build([agency('a', { parentCode: 'ghost' })]))).toEqual([
        'agency "a": parent "ghost" does not exist',
      ]);
    });
  });

  describe('when parents form a loop', () => {
    it('rejects it', () => {
      const problems = problemsOf(() =>
        build([agency('a', { parentCode: 'b' }), agency('b', { parentCode: 'a' })]),
      );
      expect(problems).toContain('agency "a": parent chain loops back to itself');
    });

    it('rejects an agency that is its own parent', () => {
      expect(problemsOf(() => build([agency('a', { parentCode: 'a' })]))).toEqual([
        'agency "a": is its own parent',
      ]);
    });
  });

  describe('when a group member does not exist', () => {
    it('names the group and the missing member', () => {
      const group: AgencyGroup = {
        code: 'g',
        name: 'Nhóm',
        jurisdiction: 'lai-chau',
        memberCodes: ['a', 'ghost'],
        aliases: [],
      };
      expect(problemsOf(() => build([agency('a')], [group]))).toEqual([
        'group "g": member "ghost" does not exist',
      ]);
    });
  });

  describe('when a group has no members', () => {
    it('rejects it', () => {
      const group: AgencyGroup = {
        code: 'g',
        name: 'Nhóm',
        jurisdiction: 'lai-chau',
        memberCodes: [],
        aliases: [],
      };
      expect(problemsOf(() => build([agency('a')], [group]))).toEqual(['group "g": has no members']);
    });
  });

  describe('when a jurisdiction is unknown', () => {
    it('rejects the agency', () => {
      expect(problemsOf(() => build([agency('a', { jurisdiction: 'atlantis' })]))).toEqual([
        'agency "a": unknown jurisdiction "atlantis"',
      ]);
    });
  });

  describe('when a level is unknown', () => {
    it('rejects the agency', () => {
      const bad = agency('a', { level: 'ministry' as Agency['level'] });
      expect(problemsOf(() => build([bad]))).toEqual(['agency "a": unknown level "ministry"']);
    });
  });

  describe('when two agencies of one jurisdiction are written the same way', () => {
    it('rejects them, because every such name would be ambiguous', () => {
      const problems = problemsOf(() =>
        build([
          agency('a', { name: 'Sở LĐTBXH' }),
          agency('b', { name: 'Sở Lao động – Thương binh và Xã hội' }),
        ]),
      );
      expect(problems).toEqual([expect.stringContaining('"a", "b" in jurisdiction "lai-chau"')]);
    });
  });

  describe('when there are several problems', () => {
    it('lists them all in one error', () => {
      const error = (() => {
        try {
          build([agency('Bad.Code'), agency('a', { parentCode: 'ghost' })]);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidAgencyDirectoryError);
      expect((error as InvalidAgencyDirectoryError).problems).toHaveLength(2);
      expect((error as Error).message).toContain('parent "ghost" does not exist');
    });
  });

  describe('when names arrive in NFD', () => {
    it('stores them in NFC', () => {
      const directory = build([
        agency('a', { name: 'Sở Y tế'.normalize('NFD'), aliases: ['Sở Y tế tỉnh'.normalize('NFD')] }),
      ]);
      expect(directory.get('a')?.name).toBe('Sở Y tế'.normalize('NFC'));
      expect(directory.get('a')?.aliases).toEqual(['Sở Y tế tỉnh'.normalize('NFC')]);
    });
  });
});
