import { PlanDocumentError, parsePlanDocument } from '../src/index.js';

function errorOf(action: () => unknown): PlanDocumentError {
  try {
    action();
  } catch (error) {
    if (error instanceof PlanDocumentError) return error;
    throw error;
  }
  throw new Error('expected a PlanDocumentError');
}

describe('input that is not a plan document', () => {
  it.each(['', '   \n\t\n  '])('rejects an empty document (%j)', (text) => {
    const error = errorOf(() => parsePlanDocument(text));
    expect(error.code).toBe('empty-document');
    expect(error.message).toMatch(/empty/u);
  });

  it('rejects text with NUL bytes as binary', () => {
    const error = errorOf(() => parsePlanDocument('KẾ HOẠCH\u0000\u0000\u0003PK'));
    expect(error.code).toBe('not-text');
    expect(error.message).toMatch(/NUL/u);
  });

  it('rejects text made mostly of control and replacement characters', () => {
    const garbled = 'K\uFFFD\u0001\u0002\uFFFD\u0007H\uFFFD\u0010\u0011 ab'.repeat(20);
    const error = errorOf(() => parsePlanDocument(garbled));
    expect(error.code).toBe('not-text');
    expect(error.message).toMatch(/control or replacement/u);
  });

  it('accepts a few stray replacement characters in a real plan', () => {
    expect(() => parsePlanDocument(`KẾ HOẠCH\n\nBảo vệ tr\uFFFD em ${'nội dung '.repeat(20)}`)).not.toThrow();
  });

  it('answers prose with no plan structure with warnings, not an exception', () => {
    const plan = parsePlanDocument(
      'Hôm nay trời đẹp. Chúng tôi đi chơi công viên.\n\nKhông có gì để báo cáo.',
    );
    expect(plan.parties).toEqual([]);
    expect(plan.reporting).toBeNull();
    expect(plan.metadata.basis).toEqual([]);
    expect(plan.warnings.map((w) => w.code)).toEqual([
      'no-plan-number',
      'no-date',
      'no-plan-structure',
      'no-issuer',
      'no-basis',
      'no-targets',
      'no-implementation-section',
      'no-reporting-duty',
    ]);
  });

  it('warns when a plan has sections but no implementation section', () => {
    const plan = parsePlanDocument('KẾ HOẠCH\nBảo vệ trẻ em năm 2024\n\nI. MỤC ĐÍCH\nNâng cao nhận thức.');
    expect(plan.warnings.map((w) => w.code)).toContain('no-implementation-section');
    expect(plan.period).toMatchObject({ fromYear: 2024, toYear: 2024 });
    expect(plan.objectives.map((o) => o.text)).toEqual(['Nâng cao nhận thức.']);
  });

  it('warns when the implementation section has no numbered party', () => {
    const plan = parsePlanDocument(
      'KẾ HOẠCH\nBảo vệ trẻ em\n\nI. TỔ CHỨC THỰC HIỆN\nCác cơ quan tổ chức thực hiện.',
    );
    expect(plan.implementationSection).toBe('I');
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['no-parties']));
  });

  it('warns when party numbering skips a number', () => {
    const plan = parsePlanDocument(
      'I. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế\nChủ trì thực hiện.\n3. Sở Tư pháp\nPhối hợp thực hiện.',
    );
    expect(plan.parties.map((p) => p.ordinal)).toEqual([1, 3]);
    expect(plan.warnings.map((w) => w.code)).toContain('party-numbering-gap');
  });

  it('rejects an impossible plan date with a warning and keeps its parts as written', () => {
    const plan = parsePlanDocument(
      'Số: 12/KH-UBND\nHà Giang, ngày 31 tháng 2 năm 2024\nKẾ HOẠCH\nBảo vệ trẻ em',
    );
    expect(plan.metadata.date).toEqual({ year: 2024, month: 2, day: 31 });
    expect(plan.warnings.map((w) => w.code)).toContain('invalid-date');
  });
});
