import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSeedDirectory, isAgencyCode, type AgencyResolution } from '../index.js';

/*
 * Every party named in the implementation sections of the two seed plans must resolve.
 * The headings are listed by hand, exactly as written; the plan texts are read only to check that
 * the hand list is complete and verbatim.
 */

const directory = createSeedDirectory();
const plansDir = join(process.cwd(), 'libs/plan-intake/seed-plans');

function headingsBetween(file: string, start: string, end: string): string[] {
  const text = readFileSync(join(plansDir, file), 'utf8').normalize('NFC');
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  return text
    .slice(from, to)
    .split('\n')
    .map((line) => /^\d+\.\s+(.+?)\s*$/.exec(line)?.[1])
    .filter((heading) => heading !== undefined);
}

function describeResolution(resolution: AgencyResolution): string {
  switch (resolution.kind) {
    case 'agency':
      return resolution.agency.code;
    case 'group':
      return `group:${resolution.group.code}`;
    case 'unknown':
      return `unknown:${resolution.reason}`;
  }
}

const LAI_CHAU_PARTIES: ReadonlyArray<readonly [string, string]> = [
  ['Sở Lao động - Thương binh và Xã hội', 'lc-so-ldtbxh'],
  ['Sở Giáo dục và Đào tạo', 'lc-so-gddt'],
  ['Sở Văn hóa, Thể thao và Du lịch', 'lc-so-vhttdl'],
  ['Sở Thông tin và Truyền thông', 'lc-so-tttt'],
  ['Sở Y tế', 'lc-so-y-te'],
  ['Sở Tư pháp', 'lc-so-tu-phap'],
  ['Sở Kế hoạch và Đầu tư', 'lc-so-khdt'],
  ['Sở Tài chính', 'lc-so-tai-chinh'],
  ['Công an tỉnh', 'lc-cong-an-tinh'],
  ['Sở Nội vụ', 'lc-so-noi-vu'],
  ['Sở Nông nghiệp và Phát triển nông thôn', 'lc-so-nnptnt'],
  ['Các sở, ban, ngành liên quan', 'group:lc-cac-so-ban-nganh-lien-quan'],
  [
    'Đề nghị Ủy ban Mặt trận Tổ quốc và các tổ chức thành viên, các tổ chức chính trị - xã hội',
    'group:lc-mttq-va-to-chuc-ctxh',
  ],
  ['Ủy ban nhân dân các huyện, thành phố', 'group:lc-ubnd-cac-huyen-thanh-pho'],
];

const LANG_SON_CITY_PARTIES: ReadonlyArray<readonly [string, string]> = [
  ['Phòng Lao động - Thương binh và Xã hội thành phố', 'lsc-phong-ldtbxh'],
  ['Phòng Giáo dục và Đào tạo thành phố', 'lsc-phong-gddt'],
  ['Văn phòng HĐND-UBND thành phố', 'lsc-van-phong-hdnd-ubnd'],
  ['Trung tâm Y tế thành phố', 'lsc-trung-tam-y-te'],
  ['Công an thành phố', 'lsc-cong-an-thanh-pho'],
  [
    'Phòng Văn hóa - Thông tin, Trung tâm Văn hóa thể thao thành phố',
    'group:lsc-phong-vhtt-va-trung-tam-vhtt',
  ],
  ['Phòng Tư pháp thành phố', 'lsc-phong-tu-phap'],
  ['Phòng Tài chính - Kế hoạch thành phố', 'lsc-phong-tckh'],
  ['Các cơ quan phòng ban, đơn vị thành phố', 'group:lsc-co-quan-phong-ban-don-vi'],
  [
    'Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị xã hội thành phố',
    'group:lsc-mttq-va-to-chuc-ctxh',
  ],
  ['UBND các phường, xã', 'group:lsc-ubnd-cac-phuong-xa'],
];

describe('given the Lai Châu plan (Directive 28-CT/TW)', () => {
  describe('section "V. TỔ CHỨC THỰC HIỆN"', () => {
    it('has exactly the 14 hand-listed party headings', () => {
      const headings = headingsBetween('laichau-2024-ct28-kh.txt', 'V. TỔ CHỨC THỰC HIỆN', 'VI. CHẾ ĐỘ');
      expect(headings).toEqual(LAI_CHAU_PARTIES.map(([heading]) => heading));
    });

    it.each(LAI_CHAU_PARTIES)('resolves "%s" to %s', (heading, expected) => {
      expect(describeResolution(directory.resolve(heading, { jurisdiction: 'lai-chau' }))).toBe(expected);
    });

    it('resolves the numbered heading as written, list number included', () => {
      expect(describeResolution(directory.resolve('9. Công an tỉnh', { jurisdiction: 'lai-chau' }))).toBe(
        'lc-cong-an-tinh',
      );
    });
  });

  describe('the issuer, report recipients and other bodies named in the text', () => {
    it.each([
      ['Ủy ban nhân dân tỉnh', 'lc-ubnd-tinh'],
      ['UBND tỉnh', 'lc-ubnd-tinh'],
      ['ỦY BAN NHÂN DÂN', 'lc-ubnd-tinh'],
      ['HĐND tỉnh', 'lc-hdnd-tinh'],
      ['TT. HĐND tỉnh(B/c)', 'lc-hdnd-tinh'],
      ['Sở Lao động – Thương binh và Xã hội', 'lc-so-ldtbxh'],
      ['Ủy ban Mặt trận Tổ quốc tỉnh', 'lc-mttq'],
      ['Các sở, ban, ngành, đoàn thể tỉnh', 'group:lc-cac-so-ban-nganh-doan-the'],
      ['Các sở, ban, ngành, đoàn thể', 'group:lc-cac-so-ban-nganh-doan-the'],
      ['UBND các huyện, thành phố', 'group:lc-ubnd-cac-huyen-thanh-pho'],
      ['Ủy ban nhân các huyện, thành phố', 'group:lc-ubnd-cac-huyen-thanh-pho'],
    ])('resolves "%s" to %s', (name, expected) => {
      expect(describeResolution(directory.resolve(name, { jurisdiction: 'lai-chau' }))).toBe(expected);
    });
  });
});

describe('given the Lạng Sơn city plan (Resolution 121/2020/QH14)', () => {
  describe('section "IV. TỔ CHỨC THỰC HIỆN"', () => {
    it('has exactly the 11 hand-listed party headings', () => {
      const headings = headingsBetween(
        'langson-city-2024-nq121-kh.txt',
        'IV. TỔ CHỨC THỰC HIỆN',
        'Trên đây là',
      );
      expect(headings).toEqual(LANG_SON_CITY_PARTIES.map(([heading]) => heading));
    });

    it.each(LANG_SON_CITY_PARTIES)('resolves "%s" to %s', (heading, expected) => {
      expect(describeResolution(directory.resolve(heading, { jurisdiction: 'lang-son-city' }))).toBe(
        expected,
      );
    });

    it('gives party 6 both bodies it names', () => {
      const result = directory.resolve('Phòng Văn hóa - Thông tin, Trung tâm Văn hóa thể thao thành phố', {
        jurisdiction: 'lang-son-city',
      });
      expect(result.kind === 'group' && result.members.map((a) => a.code)).toEqual([
        'lsc-phong-vhtt',
        'lsc-trung-tam-vhtt',
      ]);
    });
  });

  describe('the issuer, report recipients and other bodies named in the text', () => {
    it.each([
      ['UBND thành phố Lạng Sơn', 'lsc-ubnd-thanh-pho'],
      ['UBND thành phố', 'lsc-ubnd-thanh-pho'],
      ['Ủy ban nhân dân tỉnh Lạng Sơn', 'ls-ubnd-tinh'],
      ['UBND tỉnh Lạng Sơn', 'ls-ubnd-tinh'],
      ['UBND tỉnh', 'ls-ubnd-tinh'],
      ['Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn', 'ls-so-ldtbxh'],
      ['Sở Lao động - Thương binh và Xã hội', 'ls-so-ldtbxh'],
      ['Sở LĐ-TB&XH tỉnh', 'ls-so-ldtbxh'],
      ['phòng Lao động - Thương binh và Xã hội', 'lsc-phong-ldtbxh'],
      ['phòng Giáo dục và Đào tạo', 'lsc-phong-gddt'],
      ['Hội đồng nhân dân', 'lsc-hdnd-thanh-pho'],
      ['TT HĐND TP', 'lsc-hdnd-thanh-pho'],
      ['Các cơ quan, phòng, ban, đoàn thể TP', 'group:lsc-co-quan-phong-ban-doan-the'],
      ['Công an TP', 'lsc-cong-an-thanh-pho'],
      ['UBND các phường, xã', 'group:lsc-ubnd-cac-phuong-xa'],
    ])('resolves "%s" to %s', (name, expected) => {
      expect(describeResolution(directory.resolve(name, { jurisdiction: 'lang-son-city' }))).toBe(expected);
    });
  });
});

describe('given the seed data', () => {
  it('uses NATS-safe codes prefixed by jurisdiction', () => {
    const prefix: Record<string, string> = { 'lai-chau': 'lc-', 'lang-son': 'ls-', 'lang-son-city': 'lsc-' };
    for (const item of [...directory.list(), ...directory.listGroups()]) {
      expect(isAgencyCode(item.code)).toBe(true);
      expect(item.code.startsWith(prefix[item.jurisdiction] ?? '?')).toBe(true);
    }
  });

  it('has the seven districts and Lai Châu city, and the five wards and three communes of Lạng Sơn city', () => {
    expect(directory.list({ jurisdiction: 'lai-chau', level: 'district' }).map((a) => a.name)).toEqual([
      'Ủy ban nhân dân huyện Tam Đường',
      'Ủy ban nhân dân huyện Phong Thổ',
      'Ủy ban nhân dân huyện Sìn Hồ',
      'Ủy ban nhân dân huyện Mường Tè',
      'Ủy ban nhân dân huyện Than Uyên',
      'Ủy ban nhân dân huyện Tân Uyên',
      'Ủy ban nhân dân huyện Nậm Nhùn',
      'Ủy ban nhân dân thành phố Lai Châu',
    ]);
    expect(directory.list({ jurisdiction: 'lang-son-city', level: 'commune' })).toHaveLength(8);
  });
});
