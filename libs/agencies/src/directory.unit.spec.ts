import { describe, expect, it } from '@jest/globals';
import { createSeedDirectory, type AgencyResolution } from './index.js';

const directory = createSeedDirectory();

function codeOf(resolution: AgencyResolution): string {
  switch (resolution.kind) {
    case 'agency':
      return resolution.agency.code;
    case 'group':
      return `group:${resolution.group.code}`;
    case 'unknown':
      return `unknown:${resolution.reason}`;
  }
}

const inLaiChau = { jurisdiction: 'lai-chau' };
const inLangSonCity = { jurisdiction: 'lang-son-city' };

describe('AgencyDirectory.resolve', () => {
  describe('given the Lai Châu plan', () => {
    it.each([
      ['Sở Lao động - Thương binh và Xã hội'],
      ['Sở Lao động – Thương binh và Xã hội'],
      ['Sở LĐ-TB&XH'],
      ['Sở LĐTBXH'],
      ['Sở LĐ-TBXH'],
      ['Sở Lao động - Thương binh & Xã hội'],
      ['Sở Lao động - Thương binh và Xã hội tỉnh Lai Châu'],
      ['Sở LĐTBXH tỉnh'],
      ['Sở LĐTBXH Lai Châu'],
      ['SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI'],
      ['Sở Lao động - Thương binh và Xã hội'.normalize('NFD')],
    ])('resolves "%s" to Sở LĐTBXH of Lai Châu', (name) => {
      expect(codeOf(directory.resolve(name, inLaiChau))).toBe('lc-so-ldtbxh');
    });

    it.each([
      ['Sở GD&ĐT', 'lc-so-gddt'],
      ['Sở Giáo dục và Đào tạo tỉnh Lai Châu', 'lc-so-gddt'],
      ['Sở VHTTDL', 'lc-so-vhttdl'],
      ['Sở VH,TT&DL', 'lc-so-vhttdl'],
      ['Sở Văn hoá, Thể thao và Du lịch', 'lc-so-vhttdl'],
      ['Sở TT&TT', 'lc-so-tttt'],
      ['Sở KH&ĐT', 'lc-so-khdt'],
      ['Sở NN&PTNT', 'lc-so-nnptnt'],
      ['UBND tỉnh', 'lc-ubnd-tinh'],
      ['Uỷ ban nhân dân tỉnh Lai Châu', 'lc-ubnd-tinh'],
      ['HĐND tỉnh', 'lc-hdnd-tinh'],
      ['TT. HĐND tỉnh(B/c)', 'lc-hdnd-tinh'],
      ['Ủy ban MTTQ tỉnh', 'lc-mttq'],
      ['Ủy ban Mặt trận Tổ quốc tỉnh', 'lc-mttq'],
      ['Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lai Châu', 'lc-mttq'],
      ['UBND huyện Tam Đường', 'lc-ubnd-huyen-tam-duong'],
      ['UBND thành phố Lai Châu', 'lc-ubnd-thanh-pho-lai-chau'],
      ['Công an tỉnh', 'lc-cong-an-tinh'],
    ])('resolves "%s" to %s', (name, code) => {
      expect(codeOf(directory.resolve(name, inLaiChau))).toBe(code);
    });
  });

  describe('given the Lạng Sơn city plan', () => {
    it.each([
      ['phòng Lao động - Thương binh và Xã hội', 'lsc-phong-ldtbxh'],
      ['Phòng LĐ-TB&XH thành phố', 'lsc-phong-ldtbxh'],
      ['Phòng LĐTBXH TP Lạng Sơn', 'lsc-phong-ldtbxh'],
      ['Công an thành phố', 'lsc-cong-an-thanh-pho'],
      ['Công an TP', 'lsc-cong-an-thanh-pho'],
      ['UBND thành phố', 'lsc-ubnd-thanh-pho'],
      ['Hội đồng nhân dân', 'lsc-hdnd-thanh-pho'],
      ['TT HĐND TP', 'lsc-hdnd-thanh-pho'],
      ['phòng Giáo dục và Đào tạo', 'lsc-phong-gddt'],
      ['Phòng VH&TT thành phố', 'lsc-phong-vhtt'],
      ['Phòng Văn hóa - Thông tin thành phố', 'lsc-phong-vhtt'],
      ['Ủy ban MTTQ thành phố', 'lsc-mttq'],
      ['UBND phường Hoàng Văn Thụ', 'lsc-ubnd-phuong-hoang-van-thu'],
      ['UBND xã Quảng Lạc', 'lsc-ubnd-xa-quang-lac'],
    ])('resolves "%s" to %s', (name, code) => {
      expect(codeOf(directory.resolve(name, inLangSonCity))).toBe(code);
    });

    describe('when the name is a provincial body the city reports to', () => {
      it.each([
        ['UBND tỉnh', 'ls-ubnd-tinh'],
        ['Ủy ban nhân dân tỉnh Lạng Sơn', 'ls-ubnd-tinh'],
        ['Sở Lao động - Thương binh và Xã hội', 'ls-so-ldtbxh'],
        ['Sở LĐ-TB&XH tỉnh', 'ls-so-ldtbxh'],
        ['Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn', 'ls-so-ldtbxh'],
      ])('resolves "%s" to the province\'s %s', (name, code) => {
        expect(codeOf(directory.resolve(name, inLangSonCity))).toBe(code);
      });
    });
  });

  describe('when the name has no jurisdiction', () => {
    it('resolves a name that only one body carries', () => {
      expect(codeOf(directory.resolve('Công an thành phố'))).toBe('lsc-cong-an-thanh-pho');
      expect(codeOf(directory.resolve('Sở LĐTBXH tỉnh Lạng Sơn'))).toBe('ls-so-ldtbxh');
    });

    it('reports "Sở LĐTBXH" as ambiguous between the two provinces', () => {
      const result = directory.resolve('Sở LĐTBXH');
      expect(result.kind === 'unknown' && result.reason).toBe('ambiguous');
      expect(result.kind === 'unknown' && result.candidates.map((c) => c.agency.code).sort()).toEqual([
        'lc-so-ldtbxh',
        'ls-so-ldtbxh',
      ]);
    });

    it('reports "Các tổ chức chính trị - xã hội" as ambiguous between the two plans\' groups', () => {
      const result = directory.resolve('Các tổ chức chính trị - xã hội');
      expect(result.kind === 'unknown' && result.groupCandidates.map((c) => c.group.code).sort()).toEqual([
        'lc-to-chuc-ctxh',
        'lsc-to-chuc-ctxh',
      ]);
    });
  });

  describe('when a plan names a body of another jurisdiction', () => {
    it('resolves it if the text names the place', () => {
      expect(codeOf(directory.resolve('UBND thành phố Lạng Sơn', inLaiChau))).toBe('lsc-ubnd-thanh-pho');
    });

    it('does not borrow it if the text does not name the place', () => {
      const result = directory.resolve('Công an thành phố', inLaiChau);
      expect(result.kind).toBe('unknown');
    });
  });

  describe('when a group is named', () => {
    it('resolves "UBND các huyện, thành phố" to the seven districts and Lai Châu city', () => {
      const result = directory.resolve('UBND các huyện, thành phố', inLaiChau);
      expect(result.kind).toBe('group');
      expect(result.kind === 'group' && result.members.map((a) => a.code)).toEqual([
        'lc-ubnd-huyen-tam-duong',
        'lc-ubnd-huyen-phong-tho',
        'lc-ubnd-huyen-sin-ho',
        'lc-ubnd-huyen-muong-te',
        'lc-ubnd-huyen-than-uyen',
        'lc-ubnd-huyen-tan-uyen',
        'lc-ubnd-huyen-nam-nhun',
        'lc-ubnd-thanh-pho-lai-chau',
      ]);
    });

    it('resolves the typo "Ủy ban nhân các huyện, thành phố" of section III.4 to the same group', () => {
      expect(codeOf(directory.resolve('Ủy ban nhân các huyện, thành phố', inLaiChau))).toBe(
        'group:lc-ubnd-cac-huyen-thanh-pho',
      );
    });

    it('resolves "UBND các phường, xã" to the five wards and three communes of Lạng Sơn city', () => {
      const result = directory.resolve('UBND các phường, xã', inLangSonCity);
      expect(result.kind === 'group' && result.members.map((a) => a.name)).toEqual([
        'Ủy ban nhân dân phường Chi Lăng',
        'Ủy ban nhân dân phường Đông Kinh',
        'Ủy ban nhân dân phường Hoàng Văn Thụ',
        'Ủy ban nhân dân phường Tam Thanh',
        'Ủy ban nhân dân phường Vĩnh Trại',
        'Ủy ban nhân dân xã Hoàng Đồng',
        'Ủy ban nhân dân xã Mai Pha',
        'Ủy ban nhân dân xã Quảng Lạc',
      ]);
    });

    it('resolves "Các sở, ban, ngành liên quan" to the provincial departments of Lai Châu', () => {
      const result = directory.resolve('Các sở, ban, ngành liên quan', inLaiChau);
      expect(result.kind === 'group' && result.members.map((a) => a.code)).toEqual(
        directory.list({ jurisdiction: 'lai-chau', level: 'department' }).map((a) => a.code),
      );
    });

    it('resolves "Các cơ quan, phòng, ban, đoàn thể TP" to the city offices and mass organisations', () => {
      const result = directory.resolve('Các cơ quan, phòng, ban, đoàn thể TP', inLangSonCity);
      const levels = result.kind === 'group' ? new Set(result.members.map((a) => a.level)) : new Set();
      expect([...levels].sort()).toEqual(['department', 'mass-organisation']);
    });

    it('does not resolve a Lai Châu group from the Lạng Sơn city plan', () => {
      expect(directory.resolve('UBND các huyện, thành phố', inLangSonCity).kind).toBe('unknown');
    });
  });

  describe('when the name is not in the directory', () => {
    it('returns the closest agencies, best first', () => {
      const result = directory.resolve('Bộ Lao động - TB&XH (B/c)', inLaiChau);
      expect(result.kind).toBe('unknown');
      if (result.kind !== 'unknown') return;
      expect(result.reason).toBe('not-found');
      expect(result.candidates[0]?.agency.code).toBe('lc-so-ldtbxh');
      const scores = result.candidates.map((c) => c.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores.every((s) => s > 0 && s < 1)).toBe(true);
    });

    it("suggests a same-named body of another jurisdiction when the plan's own has none", () => {
      const result = directory.resolve('Sở Y tế', inLangSonCity);
      expect(result.kind === 'unknown' && result.candidates[0]?.agency.code).toBe('lc-so-y-te');
      const outside = directory.resolve('Sở Y tế', inLaiChau);
      expect(outside.kind).toBe('agency');
    });

    it('returns no candidates for text that looks like no agency', () => {
      const result = directory.resolve('xyzzy', inLaiChau);
      expect(result).toEqual({ kind: 'unknown', reason: 'not-found', candidates: [], groupCandidates: [] });
    });

    it('returns no candidates for empty text', () => {
      expect(directory.resolve('  ')).toEqual({
        kind: 'unknown',
        reason: 'not-found',
        candidates: [],
        groupCandidates: [],
      });
    });
  });

  describe('when the jurisdiction is not in the directory', () => {
    it('throws a clear error instead of answering "unknown"', () => {
      expect(() => directory.resolve('Sở Y tế', { jurisdiction: 'lai-chua' })).toThrow(
        'Unknown jurisdiction "lai-chua"',
      );
      expect(() => directory.search('so y te', { jurisdiction: 'lai-chua' })).toThrow(
        'Unknown jurisdiction "lai-chua"',
      );
    });
  });

  describe('given every agency and group of the seed', () => {
    it('resolves each one by its name, short name and aliases within its jurisdiction', () => {
      const failures: string[] = [];
      for (const agency of directory.list()) {
        for (const name of [agency.name, agency.shortName ?? agency.name, ...agency.aliases]) {
          const got = codeOf(directory.resolve(name, { jurisdiction: agency.jurisdiction }));
          if (got !== agency.code) failures.push(`${name} -> ${got}, expected ${agency.code}`);
        }
      }
      for (const group of directory.listGroups()) {
        for (const name of [group.name, ...group.aliases]) {
          const got = codeOf(directory.resolve(name, { jurisdiction: group.jurisdiction }));
          if (got !== `group:${group.code}`) failures.push(`${name} -> ${got}, expected group ${group.code}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('resolves each one by its full official name without any jurisdiction', () => {
      const failures = directory
        .list()
        .filter((agency) => codeOf(directory.resolve(agency.name)) !== agency.code)
        .map((agency) => agency.name);
      expect(failures).toEqual([]);
    });
  });
});

describe('AgencyDirectory.search', () => {
  describe('when the query has no diacritics', () => {
    it('finds Sở Lao động - Thương binh và Xã hội for "so lao dong"', () => {
      const hits = directory.search('so lao dong', inLaiChau);
      expect(hits[0]?.agency.name).toBe('Sở Lao động - Thương binh và Xã hội tỉnh Lai Châu');
    });

    it('finds the city office for "phong lao dong" in Lạng Sơn city', () => {
      expect(directory.search('phong lao dong', inLangSonCity)[0]?.agency.code).toBe('lsc-phong-ldtbxh');
    });

    it('finds wards by their plain name', () => {
      expect(directory.search('hoang van thu')[0]?.agency.code).toBe('lsc-ubnd-phuong-hoang-van-thu');
    });
  });

  describe('when the query has diacritics, capitals or NFD', () => {
    it('gives the same hits as the plain query', () => {
      const plain = directory.search('so lao dong').map((h) => h.agency.code);
      expect(directory.search('SỞ LAO ĐỘNG').map((h) => h.agency.code)).toEqual(plain);
      expect(directory.search('Sở Lao động'.normalize('NFD')).map((h) => h.agency.code)).toEqual(plain);
    });
  });

  describe('when the query is an abbreviation or an alias', () => {
    it('finds both labour bodies of Lạng Sơn for "LĐTBXH"', () => {
      const codes = directory.search('LĐTBXH', inLangSonCity).map((h) => h.agency.code);
      expect(codes).toEqual(expect.arrayContaining(['lsc-phong-ldtbxh', 'ls-so-ldtbxh']));
    });

    it('finds the Front for "mttq"', () => {
      expect(directory.search('mttq', inLaiChau)[0]?.agency.code).toBe('lc-mttq');
    });
  });

  describe('when the query is a code or its beginning', () => {
    it('finds the agency with that code first', () => {
      const hits = directory.search('lc-so-ldtbxh');
      expect(hits[0]).toMatchObject({ agency: { code: 'lc-so-ldtbxh' }, score: 1, matchedOn: 'code' });
    });

    it('lists the agencies whose code starts with it', () => {
      const hits = directory.search('lsc-ubnd-phuong', { limit: 20 });
      expect(hits.map((h) => h.agency.code)).toHaveLength(5);
    });
  });

  describe('when a jurisdiction is given', () => {
    it('leaves out unrelated jurisdictions but keeps the province the city sits in', () => {
      const jurisdictions = new Set(
        directory.search('lao dong', inLangSonCity).map((h) => h.agency.jurisdiction),
      );
      expect([...jurisdictions].sort()).toEqual(['lang-son', 'lang-son-city']);
    });
  });

  describe('when a limit is given', () => {
    it('returns at most that many hits, ranked', () => {
      const hits = directory.search('uy ban nhan dan', { limit: 3 });
      expect(hits).toHaveLength(3);
      const scores = hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });
  });

  describe('when nothing matches', () => {
    it('returns no hits', () => {
      expect(directory.search('xyzzy')).toEqual([]);
      expect(directory.search('')).toEqual([]);
    });
  });
});

describe('AgencyDirectory lookups', () => {
  it('gets an agency by code and nothing for an unknown code', () => {
    expect(directory.get('lc-so-y-te')?.name).toBe('Sở Y tế tỉnh Lai Châu');
    expect(directory.get('nope')).toBeUndefined();
  });

  it('lists by jurisdiction and level', () => {
    expect(directory.list({ jurisdiction: 'lai-chau', level: 'district' })).toHaveLength(8);
    expect(directory.list({ jurisdiction: 'lang-son-city', level: 'commune' })).toHaveLength(8);
    expect(directory.list({ level: 'province' }).map((a) => a.code)).toEqual([
      'lc-ubnd-tinh',
      'lc-hdnd-tinh',
      'ls-ubnd-tinh',
    ]);
  });

  it("lists the children of the provincial People's Committee: its departments and districts", () => {
    const children = directory.children('lc-ubnd-tinh');
    expect(children.filter((a) => a.level === 'department')).toHaveLength(10);
    expect(children.filter((a) => a.level === 'district')).toHaveLength(8);
    // Police answer to the ministry, not to the People's Committee.
    expect(children.map((a) => a.code)).not.toContain('lc-cong-an-tinh');
  });

  it('places Lạng Sơn city under Lạng Sơn province', () => {
    expect(directory.children('ls-ubnd-tinh').map((a) => a.code)).toEqual([
      'ls-so-ldtbxh',
      'lsc-ubnd-thanh-pho',
    ]);
  });

  it('gives no children for an unknown code', () => {
    expect(directory.children('nope')).toEqual([]);
  });

  it('stores names in NFC', () => {
    for (const agency of directory.list()) expect(agency.name).toBe(agency.name.normalize('NFC'));
  });
});
