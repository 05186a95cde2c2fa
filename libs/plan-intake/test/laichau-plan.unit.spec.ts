import { parsePlanDocument, type PlanExtract } from '../src/index.js';
import { LAI_CHAU, readSeedPlan, textAt } from './seed-plans.js';

describe('parsing the Lai Châu provincial plan implementing Directive 28-CT/TW', () => {
  let plan: PlanExtract;
  beforeAll(() => {
    plan = parsePlanDocument(readSeedPlan(LAI_CHAU));
  });

  describe('metadata', () => {
    it('reads the document type and leaves the blank draft number null', () => {
      expect(plan.metadata.number).toBeNull();
      expect(plan.metadata.documentTypeCode).toBe('KH-UBND');
      expect(textAt(plan, plan.metadata.numberSpan)).toBe('Số: /KH-UBND');
    });

    it('keeps the blank day and month of the draft date null instead of inventing them', () => {
      expect(plan.metadata.place).toBe('Lai Châu');
      expect(plan.metadata.date).toEqual({ year: 2024, month: null, day: null });
      expect(textAt(plan, plan.metadata.dateSpan)).toBe('Lai Châu, ngày tháng năm 2024');
    });

    it('infers the provincial People’s Committee as issuer from "Ủy ban nhân dân tỉnh ban hành Kế hoạch"', () => {
      expect(plan.metadata.issuer).toMatchObject({
        name: 'Ủy ban nhân dân tỉnh Lai Châu',
        level: 'province',
        derivedFrom: 'body',
      });
      expect(textAt(plan, plan.metadata.issuer?.span)).toBe('Ủy ban nhân dân tỉnh');
    });

    it('takes the line after "KẾ HOẠCH" as the title', () => {
      expect(plan.metadata.title).toMatch(
        /^Thực hiện Chỉ thị số 28-CT\/TW ngày 25\/12\/2023 của Bộ Chính trị/u,
      );
      expect(plan.metadata.title).toMatch(/phồn vinh, hạnh phúc$/u);
    });

    it('cites Directive 28-CT/TW and action programme 48-CTr/TU once each, with dates and issuers', () => {
      expect(plan.metadata.basis.map(({ span: _span, ...citation }) => citation)).toEqual([
        { kind: 'Chỉ thị', number: '28-CT/TW', name: null, date: '2023-12-25', issuedBy: 'Bộ Chính trị' },
        {
          kind: 'Chương trình hành động',
          number: '48-CTr/TU',
          name: null,
          date: '2024-04-17',
          issuedBy: 'Tỉnh ủy Lai Châu',
        },
      ]);
      expect(textAt(plan, plan.metadata.basis[0]?.span)).toBe(
        'Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị',
      );
    });
  });

  describe('objectives and indicator targets', () => {
    it('reads eleven targets for 2025 and twelve for 2030', () => {
      expect(plan.targets.filter((t) => t.year === 2025)).toHaveLength(11);
      expect(plan.targets.filter((t) => t.year === 2030)).toHaveLength(12);
    });

    it('reads decimal commas, units and the item each target belongs to', () => {
      const facts = plan.targets.map((t) => [t.year, t.item, t.value, t.comparator]);
      expect(facts).toEqual([
        [2025, '(1)', 84.3, null],
        [2025, '(1)', 30, null],
        [2025, '(2)', 100, null],
        [2025, '(2)', 100, null],
        [2025, '(3)', 15, 'below'],
        [2025, '(3)', 20, 'below'],
        [2025, '(4)', 99.1, 'above'],
        [2025, '(4)', 98, null],
        [2025, '(4)', 88, null],
        [2025, '(5)', 85, null],
        [2025, '(5)', 30, null],
        [2030, '(1)', 85, null],
        [2030, '(1)', 35, null],
        [2030, '(2)', 100, null],
        [2030, '(2)', 100, null],
        [2030, '(2)', 100, null],
        [2030, '(3)', 12, 'below'],
        [2030, '(3)', 18, 'below'],
        [2030, '(4)', 99.9, null],
        [2030, '(4)', 99, null],
        [2030, '(4)', 90, null],
        [2030, '(5)', 90, null],
        [2030, '(5)', 35, null],
      ]);
      expect(plan.targets.every((t) => t.unit === '%')).toBe(true);
    });

    it('keeps the indicator clause of each target and points its span at the source', () => {
      const first = plan.targets[0]!;
      expect(first.indicator).toBe('84,3% xã, phường, thị trấn phù hợp với trẻ em');
      expect(textAt(plan, first.span)).toBe(first.indicator);
      const schools = plan.targets[3]!;
      expect(schools.indicator).toBe('100% trường học có dịch vụ hỗ trợ tâm lý trẻ em');
    });

    it('joins a target clause broken over two lines', () => {
      const victims = plan.targets.find((t) => t.year === 2030 && t.indicator.includes('bị xâm hại'));
      expect(victims?.indicator).toBe(
        '100% trẻ em bị xâm hại, lạm dụng, bóc lột khi phát hiện được can thiệt, hỗ trợ và xử lý nghiêm minh các hành vi vi phạm theo quy định',
      );
      expect(textAt(plan, victims?.span)).toContain('được can\n\nthiệt');
    });

    it('flags the umbrella "100% các chỉ tiêu" sentence, which names no target year', () => {
      const warning = plan.warnings.find((w) => w.code === 'target-without-year');
      expect(textAt(plan, warning?.span)).toMatch(/^Phấn đấu đạt 100% các chỉ tiêu/u);
    });

    it('runs the plan period from the plan year 2024 to the last target year 2030', () => {
      expect(plan.period).toMatchObject({
        fromYear: 2024,
        toYear: 2030,
        derivedFrom: 'plan-year-to-last-target',
      });
    });

    it('keeps the purpose and general-objective paragraphs as objectives', () => {
      expect(plan.objectives.map((o) => o.heading)).toEqual(['Mục đích', 'Mục đích', 'Mục tiêu chung']);
      expect(plan.objectives[2]?.text).toMatch(/^Tiếp tục xây dựng, củng cố/u);
    });
  });

  describe('implementation section V', () => {
    it('finds the fourteen numbered parties of section V', () => {
      expect(plan.implementationSection).toBe('V');
      expect(plan.parties.map((p) => p.sectionRef)).toEqual(
        Array.from({ length: 14 }, (_, i) => `V.${i + 1}`),
      );
    });

    it('names each party as its heading writes it', () => {
      expect(plan.parties.map((p) => p.heading)).toEqual([
        'Sở Lao động - Thương binh và Xã hội',
        'Sở Giáo dục và Đào tạo',
        'Sở Văn hóa, Thể thao và Du lịch',
        'Sở Thông tin và Truyền thông',
        'Sở Y tế',
        'Sở Tư pháp',
        'Sở Kế hoạch và Đầu tư',
        'Sở Tài chính',
        'Công an tỉnh',
        'Sở Nội vụ',
        'Sở Nông nghiệp và Phát triển nông thôn',
        'Các sở, ban, ngành liên quan',
        'Đề nghị Ủy ban Mặt trận Tổ quốc và các tổ chức thành viên, các tổ chức chính trị - xã hội',
        'Ủy ban nhân dân các huyện, thành phố',
      ]);
    });

    it('makes the Labour department the lead, the Front requested and everyone else support', () => {
      const roles = plan.parties.map((p) => p.role);
      expect(roles).toEqual(['lead', ...Array<string>(11).fill('support'), 'requested', 'support']);
    });

    it('marks the Labour department as the one consolidating the yearly report', () => {
      expect(plan.parties.filter((p) => p.consolidatesReport).map((p) => p.ordinal)).toEqual([1]);
    });

    it('records that departments other than the lead still lead single duties ("chủ trì")', () => {
      const health = plan.parties[4]!;
      expect(health.role).toBe('support');
      expect(health.duties[0]?.leads).toBe(true);
      expect(health.duties[1]?.leads).toBe(false);
    });

    it('treats "các sở, ban, ngành liên quan" and "UBND các huyện, thành phố" as groups', () => {
      expect(plan.parties.filter((p) => p.isGroup).map((p) => p.ordinal)).toEqual([12, 13, 14]);
      expect(plan.parties[0]?.isGroup).toBe(false);
    });

    it('splits the Front heading into the bodies it names without splitting "Sở Văn hóa, Thể thao và Du lịch"', () => {
      expect(plan.parties[12]?.names.map((n) => [n.name, n.isGroup])).toEqual([
        ['Ủy ban Mặt trận Tổ quốc', false],
        ['các tổ chức thành viên', true],
        ['các tổ chức chính trị - xã hội', true],
      ]);
      expect(plan.parties[2]?.names.map((n) => n.name)).toEqual(['Sở Văn hóa, Thể thao và Du lịch']);
      expect(textAt(plan, plan.parties[12]?.names[0]?.span)).toBe('Ủy ban Mặt trận Tổ quốc');
    });

    it('reads one duty per paragraph under each heading', () => {
      expect(plan.parties.map((p) => p.duties.length)).toEqual([4, 4, 5, 2, 4, 1, 1, 1, 3, 1, 1, 1, 1, 4]);
      const lastDuty = plan.parties[0]!.duties[3]!;
      expect(lastDuty.text).toMatch(/^Chủ trì, phối hợp với các sở, ban, ngành, đoàn thể liên quan/u);
      expect(lastDuty.text).toMatch(/báo cáo Ủy ban nhân dân tỉnh và các cấp có thẩm quyền\.$/u);
      expect(textAt(plan, lastDuty.span)).toBe(lastDuty.text);
    });
  });

  describe('reporting duty (section VI)', () => {
    it('reports yearly before 01/12 to the provincial committee through the Labour department', () => {
      expect(plan.reporting).toMatchObject({
        frequency: 'yearly',
        before: { day: 1, month: 12 },
        recipient: { name: 'UBND tỉnh' },
        through: { name: 'Sở Lao động - Thương binh và Xã hội' },
        throughPartyOrdinal: 1,
      });
    });

    it('points at the reporting sentence with its markdown markers intact in the source', () => {
      expect(textAt(plan, plan.reporting?.span)).toMatch(
        /^Định kỳ hàng năm \(\*trước ngày 01\/12\*\) báo cáo UBND tỉnh/u,
      );
      expect(plan.reporting?.text).toMatch(/^Định kỳ hàng năm \(trước ngày 01\/12\) báo cáo UBND tỉnh/u);
      expect(textAt(plan, plan.reporting?.through?.span)).toBe('Sở Lao động - Thương binh và Xã hội');
    });
  });

  it('warns only about the blank number, the blank date parts and the yearless umbrella target', () => {
    expect(plan.warnings.map((w) => w.code)).toEqual([
      'blank-plan-number',
      'incomplete-date',
      'target-without-year',
    ]);
  });
});
