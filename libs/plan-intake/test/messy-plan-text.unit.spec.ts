import { parsePlanDocument } from '../src/index.js';
import { LAI_CHAU, LANG_SON_CITY, readSeedPlan, textAt } from './seed-plans.js';

/** A small plan written the way real ones arrive: letterhead, bold headings, en dashes, "+" bullets. */
const MESSY_PLAN = [
  'ỦY BAN NHÂN DÂN',
  'TỈNH ĐIỆN BIÊN',
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'Số: 1601/KH-UBND',
  'Điện Biên, ngày 15 tháng 6 năm 2024',
  '',
  'KẾ HOẠCH',
  'Thực hiện công tác bảo vệ trẻ em',
  'giai đoạn 2024 - 2030',
  '',
  'Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016;',
  'Căn cứ Quyết định số 23/2021/QĐ-TTg ngày 19/7/2021 của Thủ tướng Chính phủ;',
  '',
  'I. MỤC TIÊU',
  'Đến năm 2025, tỷ lệ trẻ em được tiếp cận dịch vụ bảo vệ đạt 84,3%; đến năm 2030 đạt 90%.',
  '',
  'II. TỔ CHỨC THỰC HIỆN',
  '**1. Sở Lao động – Thương binh và Xã hội:**',
  '- Chủ trì, phối hợp với các sở, ngành tổ chức thực hiện Kế hoạch; định kỳ hằng năm tổng hợp kết quả báo cáo UBND tỉnh.',
  '**2. Sở Giáo dục và Đào tạo**',
  '- Phối hợp thực hiện các hoạt động sau:',
  '+ Tổ chức tập huấn cho giáo viên;',
  '+ Xây dựng trường học an toàn.',
  '3. Công an tỉnh: Phối hợp xử lý các vụ việc xâm hại trẻ em.',
  '4. Sở Y tế',
  '5. UBND các huyện, thị xã, thành phố',
  'Triển khai thực hiện kế hoạch trên địa',
  'bàn.',
  '',
  'III. CHẾ ĐỘ BÁO CÁO',
  'Các cơ quan, đơn vị báo cáo định kỳ hằng năm về UBND tỉnh (qua Sở LĐ-TB&XH) trước ngày 10/12.',
].join('\n');

describe('parsing plan text as it arrives in practice', () => {
  const plan = parsePlanDocument(MESSY_PLAN);

  it('reads the issuer from a two-line letterhead in capitals', () => {
    expect(plan.metadata.issuer).toMatchObject({
      name: 'Ủy ban nhân dân tỉnh Điện Biên',
      level: 'province',
      derivedFrom: 'header',
    });
  });

  it('reads a filled-in number and a full date without warnings', () => {
    expect(plan.metadata.number).toBe('1601');
    expect(plan.metadata.documentTypeCode).toBe('KH-UBND');
    expect(plan.metadata.date).toEqual({ year: 2024, month: 6, day: 15 });
    expect(plan.warnings.map((w) => w.code)).not.toContain('incomplete-date');
  });

  it('joins a title broken over two lines and takes the plan period from it', () => {
    expect(plan.metadata.title).toBe('Thực hiện công tác bảo vệ trẻ em giai đoạn 2024 - 2030');
    expect(plan.period).toMatchObject({ fromYear: 2024, toYear: 2030, derivedFrom: 'title-range' });
  });

  it('cites a law by name and a decision by number', () => {
    expect(plan.metadata.basis.map(({ span: _span, ...c }) => c)).toEqual([
      { kind: 'Luật', number: null, name: 'Luật Trẻ em', date: '2016-04-05', issuedBy: null },
      {
        kind: 'Quyết định',
        number: '23/2021/QĐ-TTg',
        name: null,
        date: '2021-07-19',
        issuedBy: 'Thủ tướng Chính phủ',
      },
    ]);
  });

  it('gives each percentage the target year named before it in the same sentence', () => {
    expect(plan.targets.map((t) => [t.year, t.value])).toEqual([
      [2025, 84.3],
      [2030, 90],
    ]);
  });

  it('reads bold headings, a trailing colon and an en dash as written', () => {
    expect(plan.parties.map((p) => p.heading)).toEqual([
      'Sở Lao động – Thương binh và Xã hội',
      'Sở Giáo dục và Đào tạo',
      'Công an tỉnh',
      'Sở Y tế',
      'UBND các huyện, thị xã, thành phố',
    ]);
    expect(textAt(plan, plan.parties[0]?.headingSpan)).toBe('Sở Lao động – Thương binh và Xã hội');
  });

  it('takes each "-" and "+" bullet as its own duty, without the bullet', () => {
    expect(plan.parties[1]?.duties.map((d) => d.text)).toEqual([
      'Phối hợp thực hiện các hoạt động sau:',
      'Tổ chức tập huấn cho giáo viên;',
      'Xây dựng trường học an toàn.',
    ]);
  });

  it('takes a duty written on the heading line after a colon', () => {
    expect(plan.parties[2]?.names.map((n) => n.name)).toEqual(['Công an tỉnh']);
    expect(plan.parties[2]?.duties.map((d) => d.text)).toEqual([
      'Phối hợp xử lý các vụ việc xâm hại trẻ em.',
    ]);
  });

  it('joins a duty broken mid-sentence on the next line', () => {
    expect(plan.parties[4]?.duties.map((d) => d.text)).toEqual([
      'Triển khai thực hiện kế hoạch trên địa bàn.',
    ]);
    expect(plan.parties[4]?.isGroup).toBe(true);
  });

  it('warns about a numbered party that has no duties', () => {
    const warning = plan.warnings.find((w) => w.code === 'party-without-duties');
    expect(warning?.message).toContain('Sở Y tế');
    expect(textAt(plan, warning?.span)).toBe('Sở Y tế');
  });

  it('matches "qua Sở LĐ-TB&XH" to the party written "Sở Lao động – Thương binh và Xã hội"', () => {
    expect(plan.reporting).toMatchObject({
      frequency: 'yearly',
      before: { day: 10, month: 12 },
      recipient: { name: 'UBND tỉnh' },
      through: { name: 'Sở LĐ-TB&XH' },
      throughPartyOrdinal: 1,
    });
    expect(plan.parties[0]?.role).toBe('lead');
  });

  it('reads Windows line endings the same way', () => {
    const crlf = parsePlanDocument(MESSY_PLAN.replace(/\n/g, '\r\n'));
    expect(crlf.parties.map((p) => [p.heading, p.role, p.duties.map((d) => d.text)])).toEqual(
      plan.parties.map((p) => [p.heading, p.role, p.duties.map((d) => d.text)]),
    );
    expect(crlf.metadata.title).toBe(plan.metadata.title);
    expect(crlf.reporting?.text).toBe(plan.reporting?.text);
  });
});

describe('plans written with less usual headings', () => {
  const plan = parsePlanDocument(
    [
      'KẾ HOẠCH',
      'Phòng, chống xâm hại trẻ em năm 2025',
      'IV. Tổ chức thực hiện',
      '1. Sở Y tế',
      'Chủ trì, phối hợp tổ chức thực hiện; tổng hợp báo cáo hằng năm.',
      '2. Ủy ban MTTQ tỉnh',
      'Đề nghị Ủy ban MTTQ tỉnh phối hợp tuyên truyền.',
      '3. Bưu điện tỉnh và Đài Phát thanh - Truyền hình tỉnh',
      'Phối hợp tuyên truyền.',
    ].join('\n'),
  );

  it('finds an implementation section whose title is not in capitals', () => {
    expect(plan.implementationSection).toBe('IV');
    expect(plan.parties).toHaveLength(3);
  });

  it('takes a party as requested when its first duty opens with "Đề nghị"', () => {
    expect(plan.parties.map((p) => p.role)).toEqual(['lead', 'requested', 'support']);
  });

  it('splits a heading joining two bodies with "và"', () => {
    expect(plan.parties[2]?.names.map((n) => n.name)).toEqual([
      'Bưu điện tỉnh',
      'Đài Phát thanh - Truyền hình tỉnh',
    ]);
  });
});

describe('Unicode normalisation', () => {
  it.each([LAI_CHAU, LANG_SON_CITY])(
    'parses the decomposed (NFD) form of %s exactly like the NFC form',
    (file) => {
      const nfc = readSeedPlan(file).normalize('NFC');
      const nfd = nfc.normalize('NFD');
      expect(nfd).not.toBe(nfc);
      expect(parsePlanDocument(nfd)).toEqual(parsePlanDocument(nfc));
    },
  );

  it('returns the NFC text that every span points into', () => {
    const plan = parsePlanDocument('Sở Y tế'.normalize('NFD'));
    expect(plan.text).toBe('Sở Y tế'.normalize('NFC'));
  });
});
