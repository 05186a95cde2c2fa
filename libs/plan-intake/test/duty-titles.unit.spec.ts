import { createSeedDirectory } from '#libs/agencies';
import { SHORT_TITLE_MAX, shortDutyTitle, taskTitle } from '#libs/tasks';
import { draftPlanText } from '../src/index.js';
import { LAI_CHAU, LANG_SON_CITY, readSeedPlan } from './seed-plans.js';

/**
 * Duty tasks are shown by a short title from the duty's own words (libs/tasks taskTitle), the
 * clause beside it and the party heading as its source; here on the seed plans' real duties.
 */
const dutiesOf = (fileName: string) =>
  draftPlanText(readSeedPlan(fileName), createSeedDirectory(), { fileName }).tasks.filter(
    (task) => task.kind === 'duty',
  );

describe('short titles of the seed plans’ duties', () => {
  it.each([
    [
      LAI_CHAU,
      'V.1',
      'Chủ trì, phối hợp với các sở, ban, ngành, cơ quan, đơn vị có liên quan tổ chức…',
      'Sở Lao động - Thương binh và Xã hội',
    ],
    [
      LAI_CHAU,
      'V.5',
      'Chủ trì triển khai thực hiện có hiệu quả các chiến lược, chương trình về chăm…',
      'Sở Y tế',
    ],
    [
      LAI_CHAU,
      'V.10',
      'Kiên toàn tổ chức bộ máy quản lý nhà nước về cung cấp dịch vụ chăm sóc, giáo…',
      'Sở Nội vụ',
    ],
    [
      LAI_CHAU,
      'V.14',
      'Xây dựng kế hoạch triển khai thực hiện Chương trình hành động số 48-CTr/TU…',
      'Ủy ban nhân dân các huyện, thành phố',
    ],
    [
      LANG_SON_CITY,
      'IV.4',
      'Lồng ghép hoạt động phòng ngừa bạo lực, xâm hại tình dục trẻ em vào hoạt động…',
      'Trung tâm Y tế thành phố',
    ],
    [
      LANG_SON_CITY,
      'IV.11',
      'Chủ động xây dựng Kế hoạch và tổ chức, triển khai thực hiện Nghị quyết số…',
      'UBND các phường, xã',
    ],
  ])('%s %s: "%s"', (fileName, clause, title, partyHeading) => {
    const task = dutiesOf(fileName).find((duty) => duty.title.startsWith(`${clause} — `));
    if (!task) throw new Error(`no duty ${clause}`);
    expect(taskTitle(task)).toEqual({ title, clause, partyHeading });
  });

  describe.each([LAI_CHAU, LANG_SON_CITY])('every duty of %s', (fileName) => {
    const duties = dutiesOf(fileName);

    it('has duties to title', () => {
      expect(duties.length).toBeGreaterThan(10);
    });

    it.each(duties.map((duty) => [duty.title, duty] as const))('%s', (_title, duty) => {
      const { title, clause, partyHeading } = taskTitle(duty);
      // The clause and heading are the recorded title's; the title is no longer the heading.
      expect(`${clause} — ${partyHeading}`).toBe(duty.title);
      expect(title).not.toContain(partyHeading);
      expect([...title].length).toBeLessThanOrEqual(SHORT_TITLE_MAX);
      expect(title).toBe(title.normalize('NFC'));
      // The duty's own opening words, cut between words.
      const words = title.replace(/…$/, '');
      expect(duty.duty.startsWith(words)).toBe(true);
      if (title.endsWith('…')) expect(duty.duty.slice(words.length)).toMatch(/^[\s,;:]/);
      // Deterministic: the same duty, the same title.
      expect(shortDutyTitle(duty.duty)).toBe(title);
    });
  });

  it('keeps a title that was not made from a party heading, and report titles', () => {
    const kept = {
      kind: 'duty',
      title: 'Rà soát trẻ em có hoàn cảnh đặc biệt',
      duty: 'Rà soát. Báo cáo.',
    } as const;
    expect(taskTitle({ ...kept, sourceClause: { section: 'II', start: 0, end: 1 } })).toEqual({
      title: 'Rà soát trẻ em có hoàn cảnh đặc biệt',
      clause: 'II',
      partyHeading: null,
    });
    const report = {
      kind: 'report',
      title: 'Báo cáo kết quả thực hiện Kế hoạch năm 2025',
      duty: 'Định kỳ báo cáo trước ngày 01/12.',
      sourceClause: { section: 'VI', start: 0, end: 1 },
    } as const;
    expect(taskTitle(report).title).toBe(report.title);
  });

  it('takes the first sentence or clause of a short duty whole, without its full stop', () => {
    expect(shortDutyTitle('Kiện toàn Ban chỉ đạo. Báo cáo kết quả.')).toBe('Kiện toàn Ban chỉ đạo');
    expect(shortDutyTitle('Tuyên truyền Chỉ thị số 28-CT/TW; tổ chức tập huấn')).toBe(
      'Tuyên truyền Chỉ thị số 28-CT/TW',
    );
  });
});
