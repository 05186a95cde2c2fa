import { describe, expect, it } from '@jest/globals';
import { keySimilarity, normaliseAgencyName, stripPlaceQualifiers } from './normalise.js';

const key = normaliseAgencyName;

describe('normaliseAgencyName', () => {
  describe('given the labour department written in every form the plans use', () => {
    const official = 'Sở Lao động - Thương binh và Xã hội';
    it.each([
      ['an en-dash', 'Sở Lao động – Thương binh và Xã hội'],
      ['an em-dash', 'Sở Lao động — Thương binh và Xã hội'],
      ['"&" instead of "và"', 'Sở Lao động - Thương binh & Xã hội'],
      ['the abbreviation LĐTBXH', 'Sở LĐTBXH'],
      ['the abbreviation LĐ-TB&XH', 'Sở LĐ-TB&XH'],
      ['the abbreviation LĐ-TBXH', 'Sở LĐ-TBXH'],
      ['a half-abbreviated form', 'Sở Lao động - TB&XH'],
      ['capital letters', 'SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI'],
      ['NFD input', official.normalize('NFD')],
      ['bold markdown markers', '**Sở Lao động - Thương binh và Xã hội**'],
      ['stray line breaks and spaces', 'Sở Lao động -\n  Thương binh và\tXã hội'],
    ])('gives the same key when written with %s', (_form, written) => {
      expect(key(written)).toBe(key(official));
    });

    it('gives an ASCII key without the connective', () => {
      expect(key(official)).toBe('so lao dong thuong binh xa hoi');
    });
  });

  describe('when a name uses one of the common abbreviations', () => {
    it.each([
      ['Sở GD&ĐT', 'Sở Giáo dục và Đào tạo'],
      ['Sở GDĐT', 'Sở Giáo dục và Đào tạo'],
      ['Sở VHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'],
      ['Sở VH,TT&DL', 'Sở Văn hóa, Thể thao và Du lịch'],
      ['Sở VH-TT-DL', 'Sở Văn hóa, Thể thao và Du lịch'],
      ['Sở TT&TT', 'Sở Thông tin và Truyền thông'],
      ['Sở TTTT', 'Sở Thông tin và Truyền thông'],
      ['Sở KH&ĐT', 'Sở Kế hoạch và Đầu tư'],
      ['Sở NN&PTNT', 'Sở Nông nghiệp và Phát triển nông thôn'],
      ['Phòng VH&TT', 'Phòng Văn hóa và Thông tin'],
      ['Phòng VH-TT', 'Phòng Văn hóa - Thông tin'],
      ['Trung tâm VH-TT', 'Trung tâm Văn hóa - Thể thao'],
      ['Phòng TC-KH', 'Phòng Tài chính - Kế hoạch'],
      ['UBND tỉnh', 'Ủy ban nhân dân tỉnh'],
      ['HĐND tỉnh', 'Hội đồng nhân dân tỉnh'],
      ['Ủy ban MTTQ tỉnh', 'Ủy ban Mặt trận Tổ quốc tỉnh'],
      ['UBMTTQ tỉnh', 'Ủy ban Mặt trận Tổ quốc tỉnh'],
      ['Văn phòng HĐND-UBND thành phố', 'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thành phố'],
      ['Công an TP', 'Công an thành phố'],
      ['CA tỉnh', 'Công an tỉnh'],
      ['Hội LHPN tỉnh', 'Hội Liên hiệp Phụ nữ tỉnh'],
      ['Hội CCB tỉnh', 'Hội Cựu chiến binh tỉnh'],
      ['LĐLĐ tỉnh', 'Liên đoàn Lao động tỉnh'],
      ['TTYT thành phố', 'Trung tâm Y tế thành phố'],
    ])('expands "%s" to the key of "%s"', (abbreviated, full) => {
      expect(key(abbreviated)).toBe(key(full));
    });
  });

  describe('when "Ủy ban" is written with the accent on the y ("Uỷ ban")', () => {
    it('gives the same key', () => {
      expect(key('Uỷ ban nhân dân tỉnh')).toBe(key('Ủy ban nhân dân tỉnh'));
    });
  });

  describe('when the Front is named with or without "Việt Nam"', () => {
    it('gives the same key', () => {
      expect(key('Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh')).toBe(key('Ủy ban Mặt trận Tổ quốc tỉnh'));
    });
  });

  describe('when the name comes from a plan heading or a recipients list', () => {
    it('drops the list number', () => {
      expect(key('9. Công an tỉnh')).toBe('cong an tinh');
    });

    it('drops the request verb "Đề nghị"', () => {
      expect(key('Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh')).toBe(key('Ủy ban Mặt trận Tổ quốc tỉnh'));
    });

    it('drops a parenthesised note such as "(B/c)"', () => {
      expect(key('TT. HĐND tỉnh(B/c)')).toBe('tt hoi dong nhan dan tinh');
    });
  });

  describe('when the text contains "ca" as an ordinary word', () => {
    it('does not read it as "Công an"', () => {
      expect(key('Đội ca múa')).toBe('doi ca mua');
    });
  });

  describe('when the text is empty or only punctuation', () => {
    it('gives an empty key', () => {
      expect(key('  **-–** ')).toBe('');
    });
  });
});

describe('stripPlaceQualifiers', () => {
  const laiChau = { placeNames: ['Lai Châu'], levelWords: ['tỉnh'] };

  describe('when the name ends with the province name', () => {
    it('gives the key without the place, then without the level word', () => {
      expect(stripPlaceQualifiers(key('Sở Y tế tỉnh Lai Châu'), laiChau)).toEqual([
        'so y te tinh lai chau',
        'so y te tinh',
        'so y te',
      ]);
    });
  });

  describe('when the name ends with a district name', () => {
    it('keeps it, because it identifies the body', () => {
      expect(stripPlaceQualifiers(key('UBND huyện Tam Đường'), laiChau)).toEqual([
        'uy ban nhan dan huyen tam duong',
      ]);
    });
  });

  describe('when the whole name is a qualifier', () => {
    it('never gives an empty key', () => {
      expect(stripPlaceQualifiers(key('tỉnh Lai Châu'), laiChau)).toEqual(['tinh lai chau', 'tinh']);
    });
  });
});

describe('keySimilarity', () => {
  it('is 1 for equal keys and 0 against an empty key', () => {
    expect(keySimilarity('so y te', 'so y te')).toBe(1);
    expect(keySimilarity('so y te', '')).toBe(0);
  });

  it('ranks a one-word difference above an unrelated name', () => {
    const ministry = 'bo lao dong thuong binh xa hoi';
    expect(keySimilarity(ministry, 'so lao dong thuong binh xa hoi')).toBeGreaterThan(
      keySimilarity(ministry, 'so tu phap'),
    );
  });
});
