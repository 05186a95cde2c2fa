import { createSeedDirectory } from '#libs/agencies';
import { draftPlanText, parsePlanDocument, PlanDocumentError, type PlanExtract } from '../src/index.js';
import { LAI_CHAU, LANG_SON_CITY, readSeedPlan } from './seed-plans.js';
import { hardWrap, planWithParties, upperCaseTitle } from './support/variants.js';

const directory = createSeedDirectory();
const clean = (text: string) => text.replace(/\*/g, '').replace(/\s+/gu, ' ').trim();

/**
 * What a reviewer sees of the parties: heading, role, the text of their duties. In hard-wrapped text
 * a sentence that ends exactly at the end of a line cannot be told from the end of a paragraph, so
 * the duties are compared as one text (where they are split may differ, not what they say).
 */
function partiesOf(extract: PlanExtract) {
  return extract.parties.map((p) => ({
    heading: p.heading,
    role: p.role,
    duties: p.duties.map((d) => d.text).join(' '),
  }));
}

describe('text extracted from a PDF (hard-wrapped)', () => {
  it.each([LAI_CHAU, LANG_SON_CITY])(
    'reads %s wrapped at 72 columns, with page numbers, as the original',
    (file) => {
      const original = parsePlanDocument(readSeedPlan(file));
      const wrappedText = hardWrap(readSeedPlan(file), 72, 45);
      const wrapped = parsePlanDocument(wrappedText);
      expect(partiesOf(wrapped)).toEqual(partiesOf(original));
      expect(wrapped.reporting?.before).toEqual(original.reporting?.before);
      expect(wrapped.metadata.title).toBe(original.metadata.title);
      expect(wrapped.metadata.basis.map((c) => [c.kind, c.number, c.date, c.issuedBy])).toEqual(
        original.metadata.basis.map((c) => [c.kind, c.number, c.date, c.issuedBy]),
      );
      expect(wrapped.period).toEqual(original.period);
    },
  );

  it('keeps every span pointing into the text as received', () => {
    const received = hardWrap(readSeedPlan(LAI_CHAU), 60, 40);
    const extract = parsePlanDocument(received);
    for (const party of extract.parties) {
      expect(clean(received.slice(party.headingSpan.start, party.headingSpan.end))).toBe(party.heading);
      for (const duty of party.duties) {
        // The duty's clause, line breaks and all, is the very text of the duty.
        // (less the page numbers between its lines).
        const clause = received.slice(duty.span.start, duty.span.end).replace(/\n\d+\n/gu, '\n');
        expect(clean(clause)).toBe(duty.text);
      }
    }
    const reporting = extract.reporting!;
    expect(received.slice(reporting.span.start, reporting.span.end)).toContain('\n');
  });

  it('reads a reporting deadline broken over two lines ("(trước ngày" / "15/11)")', () => {
    const text = planWithParties(3).replace(
      'Định kỳ hằng năm (trước ngày 01/12) các đơn vị báo cáo UBND tỉnh (qua Sở Lao động - Thương binh và Xã hội).',
      'Định kỳ hằng năm các sở, ngành và địa phương tổng hợp, gửi báo cáo kết quả thực hiện (trước ngày\n15/11) về UBND tỉnh (qua Sở Lao động - Thương binh và Xã hội) để tổng hợp.',
    );
    const extract = parsePlanDocument(hardWrap(text, 70));
    expect(extract.reporting?.before).toEqual({ day: 15, month: 11 });
  });

  it('joins a title broken over capitalised lines', () => {
    const text = readSeedPlan(LANG_SON_CITY).replace(
      /KẾ HOẠCH\n\n[^\n]+/u,
      'KẾ HOẠCH\nTRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH PHÒNG, CHỐNG BẠO LỰC, XÂM HẠI TRẺ EM TRÊN ĐỊA\nBÀN THÀNH PHỐ LẠNG SƠN NĂM 2024',
    );
    const extract = parsePlanDocument(text);
    expect(extract.metadata.title).toBe(
      'TRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH PHÒNG, CHỐNG BẠO LỰC, XÂM HẠI TRẺ EM TRÊN ĐỊA BÀN THÀNH PHỐ LẠNG SƠN NĂM 2024',
    );
    expect(extract.period).toMatchObject({ fromYear: 2024, toYear: 2024 });
  });
});

describe('a web copy that flattens the letterhead table', () => {
  const text = [
    'ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |',
    'Số: 138/KH-UBND | Hà Nội, ngày 03 tháng 6 năm 2021 |',
    'THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG QUỐC GIA VÌ TRẺ EM THÀNH PHỐ HÀ NỘI GIAI ĐOẠN 2021-2030',
    'I. MỤC TIÊU',
  ].join('\n');

  it('reads the number and the place from their cells', () => {
    const extract = parsePlanDocument(text);
    expect(extract.metadata).toMatchObject({ number: '138', documentTypeCode: 'KH-UBND', place: 'Hà Nội' });
    expect(extract.metadata.date).toEqual({ year: 2021, month: 6, day: 3 });
  });
});

describe('no silent limits', () => {
  it('reads 150 parties, party 100 and up included', () => {
    const extract = parsePlanDocument(planWithParties(150));
    expect(extract.parties).toHaveLength(150);
    expect(extract.parties.map((p) => p.ordinal)).toEqual(Array.from({ length: 150 }, (_u, i) => i + 1));
    expect(extract.parties[99]).toMatchObject({ heading: 'Ủy ban nhân dân xã số 100', sectionRef: 'II.100' });
    expect(extract.parties[149]?.duties.map((d) => d.text)).toEqual([
      'Tổ chức thực hiện Kế hoạch trên địa bàn xã số 150.',
    ]);
    expect(extract.parties[98]?.duties).toHaveLength(1);
  });

  it('lists every duty task whose due date was inferred for review', () => {
    const draft = draftPlanText(readSeedPlan(LAI_CHAU), directory);
    const duties = draft.tasks.filter((t) => t.kind === 'duty');
    expect(duties.every((t) => t.dueDateSource === 'inferred')).toBe(true);
    const listed = new Set(
      draft.needsReview.filter((r) => r.reasons.includes('due-date-inferred')).map((r) => r.taskId),
    );
    expect(duties.every((t) => listed.has(t.taskId))).toBe(true);
    const reports = draft.tasks.filter((t) => t.kind === 'report');
    expect(reports.every((t) => t.dueDateSource === 'read' && !listed.has(t.taskId))).toBe(true);
  });
});

describe('deadlines and agencies written inside a duty', () => {
  const text = readSeedPlan(LAI_CHAU).replace(
    '2. Sở Giáo dục và Đào tạo',
    '2. Sở Giáo dục và Đào tạo\n- Phối hợp với Công an tỉnh, Sở Y tế và Trung tâm Bảo trợ xã hội Phong Thổ rà soát trẻ em bỏ học, hoàn thành trước ngày 30/9/2025.',
  );
  const draft = draftPlanText(text, directory);
  const party2 = draft.tasks.filter((t) => t.partyOrdinal === 2);

  it('makes a dated duty a task of its own, due that day, with its clause', () => {
    const dated = party2.find((t) => t.dueDateSource === 'read')!;
    expect(dated.dueDate).toBe('2025-09-30');
    expect(draft.sourceText.slice(dated.dueDateSpan!.start, dated.dueDateSpan!.end)).toBe(
      'hoàn thành trước ngày 30/9/2025',
    );
    expect(draft.sourceText.slice(dated.sourceClause.start, dated.sourceClause.end)).toContain(
      'rà soát trẻ em bỏ học',
    );
    const rest = party2.find((t) => t.dueDateSource === 'inferred')!;
    expect(rest.duty).not.toContain('rà soát trẻ em bỏ học');
  });

  it('names the agencies it works with, from the directory or flagged as unknown', () => {
    const dated = party2.find((t) => t.dueDateSource === 'read')!;
    expect(dated.namedSupport.map((s) => [s.name, s.agencyCode])).toEqual([
      ['Công an tỉnh', 'lc-cong-an-tinh'],
      ['Sở Y tế', 'lc-so-y-te'],
      ['Trung tâm Bảo trợ xã hội Phong Thổ', null],
    ]);
    expect(draft.warnings).toContainEqual(
      expect.objectContaining({ code: 'unknown-support-agency', name: 'Trung tâm Bảo trợ xã hội Phong Thổ' }),
    );
    const review = draft.needsReview.find((r) => r.taskId === dated.taskId);
    expect(review?.reasons).toContain('unknown-support');
  });

  it('makes the known ones support parties of that duty, with its clause', () => {
    const dated = party2.find((t) => t.dueDateSource === 'read')!;
    const support = dated.assignees.filter((a) => a.namedInDuty);
    expect(support.map((a) => [a.agencyCode, a.role])).toEqual([
      ['lc-cong-an-tinh', 'support'],
      ['lc-so-y-te', 'support'],
    ]);
    for (const a of support) {
      expect(a.namedInDuty).toEqual({ start: dated.sourceClause.start, end: dated.sourceClause.end });
    }
    // The party's other duties name no one: their task is not given these agencies.
    const rest = party2.find((t) => t.dueDateSource === 'inferred')!;
    expect(rest.assignees.some((a) => a.namedInDuty)).toBe(false);
  });
});

describe('structure words in any case, citations with or without "số"', () => {
  it('reads the period of a title in capitals', () => {
    const extract = parsePlanDocument(upperCaseTitle(readSeedPlan(LANG_SON_CITY)));
    expect(extract.period).toMatchObject({ fromYear: 2024, toYear: 2024 });
    const range = parsePlanDocument(
      'Số: 99/KH-UBND\nTiền Giang, ngày 19 tháng 5 năm 2016\nKẾ HOẠCH\nTHỰC HIỆN CHƯƠNG TRÌNH BẢO VỆ TRẺ EM GIAI ĐOẠN 2016 – 2020 TRÊN ĐỊA BÀN TỈNH TIỀN GIANG',
    );
    expect(range.period).toMatchObject({ fromYear: 2016, toYear: 2020, derivedFrom: 'title-range' });
  });

  it('reads citations without "số", and issuers at every level', () => {
    const extract = parsePlanDocument(
      [
        'Số: 177/KH-UBND',
        'Sơn La, ngày 24 tháng 8 năm 2020',
        'KẾ HOẠCH',
        'HÀNH ĐỘNG PHÒNG, CHỐNG BẠO LỰC, XÂM HẠI TRẺ EM GIAI ĐOẠN 2020 - 2025',
        'Căn cứ Quyết định số 1863/QĐ-TTg ngày 23/12/2019 của Thủ tướng Chính phủ về việc phê duyệt Kế hoạch hành động quốc gia;',
        'Căn cứ Quyết định 406/QĐ-LĐTBXH ngày 10/4/2020 của Bộ Lao động - Thương binh và Xã hội ban hành Kế hoạch;',
        'Căn cứ Chương trình hành động số 48-CTr/TU ngày 17/4/2024 của Tỉnh ủy; Nghị quyết 121/2020/QH14;',
        'I. MỤC ĐÍCH',
      ].join('\n'),
    );
    expect(extract.metadata.basis.map((c) => [c.kind, c.number, c.date, c.issuedBy])).toEqual([
      ['Quyết định', '1863/QĐ-TTg', '2019-12-23', 'Thủ tướng Chính phủ'],
      ['Quyết định', '406/QĐ-LĐTBXH', '2020-04-10', 'Bộ Lao động - Thương binh và Xã hội'],
      ['Chương trình hành động', '48-CTr/TU', '2024-04-17', 'Tỉnh ủy'],
      ['Nghị quyết', '121/2020/QH14', null, 'Quốc hội'],
    ]);
  });
});

describe('documents that are not the plan', () => {
  it('answers a news item about a plan with a draft from a secondary source, without its own number as a citation', () => {
    const news =
      'Triển khai Tháng hành động vì trẻ em và Diễn đàn trẻ em năm 2022\n(06/05/2022)\nNhằm tiếp tục triển khai thực hiện có hiệu quả các quy định của Luật Trẻ em; ngày 05/5/2022, Uỷ ban nhân dân tỉnh ban hành Kế hoạch số 78/KH-UBND về việc triển khai Tháng hành động vì trẻ em và Diễn đàn trẻ em năm 2022.';
    const draft = draftPlanText(news, directory);
    expect(draft.origin).toBe('secondary-source');
    expect(draft.plan).toMatchObject({ number: '78', documentTypeCode: 'KH-UBND', issuedOn: '2022-05-05' });
    expect(draft.plan.period).toMatchObject({ fromYear: 2022, toYear: 2022 });
    expect(draft.plan.basis.map((c) => c.number)).not.toContain('78/KH-UBND');
    expect(draft.warnings.map((w) => w.code)).toContain('secondary-source');
  });

  it('answers an official letter about a plan as a secondary source, its own number no citation', () => {
    const letter = [
      'BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI',
      'Số: 1499/LĐTBXH-TE',
      'V/v triển khai Tháng hành động vì trẻ em năm 2018',
      'Hà Nội, ngày 20 tháng 04 năm 2018',
      'Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương',
      '1. Xây dựng và ban hành Kế hoạch triển khai Tháng hành động vì trẻ em năm 2018.',
      '2. Báo cáo kết quả gửi về Bộ Lao động - Thương binh và Xã hội trước ngày 10 tháng 7 năm 2018.',
    ].join('\n');
    const draft = draftPlanText(letter, directory);
    expect(draft.origin).toBe('secondary-source');
    expect(draft.plan.number).toBeNull();
    expect(draft.plan.basis.map((c) => c.number)).not.toContain('1499/LĐTBXH-TE');
  });

  it('refuses a text that is neither, with the reasons', () => {
    let refused: unknown;
    try {
      draftPlanText(
        'Bảo vệ, chăm sóc và giáo dục trẻ em theo quan điểm của Chủ tịch Hồ Chí Minh.\nĐảng và Nhà nước ta luôn quan tâm.',
        directory,
      );
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(PlanDocumentError);
    expect(refused).toMatchObject({ code: 'not-a-plan' });
    expect((refused as PlanDocumentError).reasons.length).toBeGreaterThanOrEqual(3);
  });
});
