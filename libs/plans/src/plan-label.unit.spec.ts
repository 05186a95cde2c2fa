import { matchesSearch, planLabel, planTitleWords } from './plan-label.js';

const LAI_CHAU_TITLE =
  'Thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị và Chương trình hành động số 48-CTr/TU ngày 17/4/2024 của Tỉnh ủy thực hiện Chỉ thị số 28-CT/TW về tăng cường công tác chăm sóc, giáo dục và bảo vệ trẻ em';
const LANG_SON_TITLE =
  'Triển khai thực hiện Nghị quyết số 121/2020/QH14 ngày 19/6/2020 của Quốc hội về việc tiếp tục tăng cường hiệu lực';

describe('planTitleWords', () => {
  it('names the act a plan implements, without the opening verbs, "số", its date and author', () => {
    expect(planTitleWords(LAI_CHAU_TITLE)).toBe('Chỉ thị 28-CT/TW');
    expect(planTitleWords(LANG_SON_TITLE)).toBe('Nghị quyết 121/2020/QH14');
  });

  it('keeps at most six words of a title that names no act', () => {
    expect(planTitleWords('Tăng cường công tác bảo vệ trẻ em trên không gian mạng năm 2025')).toBe(
      'Tăng cường công tác bảo vệ',
    );
  });

  it('gives NFC words for an NFD title', () => {
    expect(planTitleWords(LAI_CHAU_TITLE.normalize('NFD'))).toBe('Chỉ thị 28-CT/TW'.normalize('NFC'));
  });

  it('falls back to the title when nothing is left after the opening', () => {
    expect(planTitleWords('Thực hiện')).toBe('Thực hiện');
  });
});

describe('planLabel', () => {
  const plan = { title: LAI_CHAU_TITLE, number: null, issuedOn: null, period: { fromYear: 2024 } };

  it('joins the committee, the title words and the first year of the period', () => {
    expect(planLabel(plan, 'UBND tỉnh Lai Châu')).toBe('UBND tỉnh Lai Châu · Chỉ thị 28-CT/TW · 2024');
  });

  it('is the same for the same plan', () => {
    expect(planLabel({ ...plan }, 'UBND tỉnh Lai Châu')).toBe(planLabel(plan, 'UBND tỉnh Lai Châu'));
  });

  it('shows the number and the year of issue once they are known', () => {
    expect(planLabel({ ...plan, number: '1601/KH-UBND', issuedOn: '2025-01-03' }, 'UBND tỉnh Lai Châu')).toBe(
      'UBND tỉnh Lai Châu · 1601/KH-UBND · 2025',
    );
  });
});

describe('matchesSearch', () => {
  it('ignores case and diacritics, and NFC against NFD', () => {
    expect(matchesSearch('bao ve tre em', [LAI_CHAU_TITLE])).toBe(true);
    expect(matchesSearch('BẢO VỆ'.normalize('NFD'), [LAI_CHAU_TITLE])).toBe(true);
    expect(matchesSearch('đường', ['Tam Duong'])).toBe(true);
  });

  it('looks in every text given, skipping nulls', () => {
    expect(matchesSearch('1601', [null, 'UBND · 1601/KH-UBND · 2025'])).toBe(true);
    expect(matchesSearch('xâm hại', [LAI_CHAU_TITLE, null])).toBe(false);
  });
});
