import { parsePlanDocument, type PlanExtract } from '../src/index.js';
import { LANG_SON_CITY, readSeedPlan, textAt } from './seed-plans.js';

describe('parsing the Lạng Sơn city plan implementing Resolution 121/2020/QH14 in 2024', () => {
  let plan: PlanExtract;
  beforeAll(() => {
    plan = parsePlanDocument(readSeedPlan(LANG_SON_CITY));
  });

  describe('metadata', () => {
    it('leaves the blank number and day null but keeps the month that was filled in', () => {
      expect(plan.metadata.number).toBeNull();
      expect(plan.metadata.documentTypeCode).toBe('KH-UBND');
      expect(plan.metadata.date).toEqual({ year: 2024, month: 6, day: null });
      expect(plan.metadata.place).toBe('Lạng Sơn');
    });

    it('reads the issuer from "UBND thành phố Lạng Sơn xây dựng Kế hoạch"', () => {
      expect(plan.metadata.issuer).toMatchObject({
        name: 'UBND thành phố Lạng Sơn',
        level: 'city',
        derivedFrom: 'body',
      });
    });

    it('cites the resolution and the five provincial and city plans, each once, with number, date and issuer', () => {
      expect(plan.metadata.basis.map((c) => [c.kind, c.number, c.date, c.issuedBy])).toEqual([
        ['Nghị quyết', '121/2020/QH14', '2020-06-19', 'Quốc hội'],
        ['Kế hoạch', '186/KH-UBND', '2020-11-27', 'Ủy ban nhân dân tỉnh Lạng Sơn'],
        ['Kế hoạch', '67/KH-UBND', '2022-03-30', 'UBND tỉnh Lạng Sơn'],
        ['Kế hoạch', '73/KH-SLĐTBXH', '2024-04-05', 'Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn'],
        ['Kế hoạch', '173/KH-UBND', '2022-05-06', 'UBND thành phố Lạng Sơn'],
        ['Kế hoạch', '136/KH-UBND', '2024-03-26', 'UBND thành phố Lạng Sơn'],
      ]);
    });

    it('does not take documents first cited in the body (Quyết định 1863/QĐ-TTg) as basis', () => {
      expect(plan.metadata.basis.map((c) => c.number)).not.toContain('1863/QĐ-TTg');
    });
  });

  it('takes the plan period 2024 from "năm 2024" at the end of the title', () => {
    expect(plan.period).toMatchObject({ fromYear: 2024, toYear: 2024, derivedFrom: 'title-year' });
  });

  it('finds no indicator targets and says so', () => {
    expect(plan.targets).toEqual([]);
    expect(plan.warnings.map((w) => w.code)).toContain('no-targets');
  });

  describe('implementation section IV', () => {
    it('finds the eleven numbered parties of section IV', () => {
      expect(plan.implementationSection).toBe('IV');
      expect(plan.parties.map((p) => p.sectionRef)).toEqual(
        Array.from({ length: 11 }, (_, i) => `IV.${i + 1}`),
      );
    });

    it('makes the city Labour office the lead and the Front requested; everyone else supports', () => {
      expect(plan.parties.map((p) => [p.heading, p.role])).toEqual([
        ['Phòng Lao động - Thương binh và Xã hội thành phố', 'lead'],
        ['Phòng Giáo dục và Đào tạo thành phố', 'support'],
        ['Văn phòng HĐND-UBND thành phố', 'support'],
        ['Trung tâm Y tế thành phố', 'support'],
        ['Công an thành phố', 'support'],
        ['Phòng Văn hóa - Thông tin, Trung tâm Văn hóa thể thao thành phố', 'support'],
        ['Phòng Tư pháp thành phố', 'support'],
        ['Phòng Tài chính - Kế hoạch thành phố', 'support'],
        ['Các cơ quan phòng ban, đơn vị thành phố', 'support'],
        ['Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị xã hội thành phố', 'requested'],
        ['UBND các phường, xã', 'support'],
      ]);
    });

    it('marks the city Labour office as consolidating the yearly report', () => {
      expect(plan.parties.filter((p) => p.consolidatesReport).map((p) => p.ordinal)).toEqual([1]);
    });

    it('treats the city offices, the Front’s organisations and the ward and commune committees as groups', () => {
      expect(plan.parties.filter((p) => p.isGroup).map((p) => p.ordinal)).toEqual([9, 10, 11]);
    });

    it('splits "Phòng Văn hóa - Thông tin, Trung tâm Văn hóa thể thao thành phố" into two bodies', () => {
      expect(plan.parties[5]?.names.map((n) => n.name)).toEqual([
        'Phòng Văn hóa - Thông tin',
        'Trung tâm Văn hóa thể thao thành phố',
      ]);
    });

    it('reads one duty per "-" bullet, without the bullet', () => {
      expect(plan.parties.map((p) => p.duties.length)).toEqual([5, 5, 1, 2, 4, 4, 1, 1, 2, 1, 6]);
      const first = plan.parties[0]!.duties[0]!;
      expect(first.text).toMatch(/^Chủ trì phối hợp với cơ quan, đơn vị, đoàn thể thành phố/u);
      expect(first.leads).toBe(true);
    });

    it('joins a bullet broken mid-word over two lines', () => {
      const schools = plan.parties[1]!.duties[0]!;
      expect(schools.text).toContain('trường học bảo đảm môi trường an toàn, lành mạnh');
      expect(textAt(plan, schools.span)).toContain('bảo đảm môi\n\ntrường an toàn');
    });

    it('ends the last party’s duties before the closing "Trên đây là Kế hoạch ..." paragraph', () => {
      const communes = plan.parties[10]!;
      expect(communes.duties[communes.duties.length - 1]?.text).toMatch(
        /^Báo cáo Hội đồng nhân dân cùng cấp/u,
      );
    });
  });

  describe('reporting duty (closing paragraph)', () => {
    it('reports yearly before 15/11 to the city committee through the city Labour office', () => {
      expect(plan.reporting).toMatchObject({
        frequency: 'yearly',
        before: { day: 15, month: 11 },
        recipient: { name: 'UBND thành phố' },
        through: { name: 'phòng Lao động - Thương binh và Xã hội' },
        throughPartyOrdinal: 1,
      });
      expect(textAt(plan, plan.reporting?.span)).toMatch(
        /^Thực hiện chế độ thông tin báo cáo định kỳ năm \(\*\*trước ngày 15\/11\*\*\)/u,
      );
    });
  });

  it('flags the closing paragraph that says "năm 2023" in a plan for 2024', () => {
    const warning = plan.warnings.find((w) => w.code === 'closing-year-mismatch');
    expect(textAt(plan, warning?.span)).toBe('năm 2023');
  });

  it('warns about the blank number, the blank day, the missing targets and the closing year', () => {
    expect(plan.warnings.map((w) => w.code)).toEqual([
      'blank-plan-number',
      'incomplete-date',
      'no-targets',
      'closing-year-mismatch',
    ]);
  });
});
