import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSeedDirectory } from '#libs/agencies';
import {
  buildPlanDraft,
  canonicalPlanText,
  draftPlanText,
  parsePlanDocument,
  PlanDocumentError,
  planContentHash,
  planIdFor,
  reportDueDate,
  uuidV5,
  type DraftTask,
  type PlanDraft,
} from '../index.js';

const directory = createSeedDirectory();
const seedPlans = join(process.cwd(), 'libs/plan-intake/seed-plans');
const LAI_CHAU = readFileSync(join(seedPlans, 'laichau-2024-ct28-kh.txt'), 'utf8');
const LANG_SON_CITY = readFileSync(join(seedPlans, 'langson-city-2024-nq121-kh.txt'), 'utf8');

const LAI_CHAU_DEPARTMENTS = [
  'lc-so-ldtbxh',
  'lc-so-gddt',
  'lc-so-vhttdl',
  'lc-so-tttt',
  'lc-so-y-te',
  'lc-so-tu-phap',
  'lc-so-khdt',
  'lc-so-tai-chinh',
  'lc-cong-an-tinh',
  'lc-so-noi-vu',
  'lc-so-nnptnt',
];

function duties(draft: PlanDraft): DraftTask[] {
  return draft.tasks.filter((t) => t.kind === 'duty');
}

function reports(draft: PlanDraft): DraftTask[] {
  return draft.tasks.filter((t) => t.kind === 'report');
}

function isNfc(value: unknown): boolean {
  if (typeof value === 'string') return value === value.normalize('NFC');
  if (Array.isArray(value)) return value.every(isNfc);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isNfc);
  return true;
}

describe('given the Lai Châu plan (Directive 28-CT/TW)', () => {
  const draft = draftPlanText(LAI_CHAU, directory, { fileName: 'laichau-2024-ct28-kh.txt' });

  it('reads the plan: issuer agency, jurisdiction, period, blank number and date, basis', () => {
    expect(draft.jurisdiction).toBe('lai-chau');
    expect(draft.plan).toMatchObject({
      number: null,
      documentTypeCode: 'KH-UBND',
      documentType: 'KH',
      issuer: { name: 'Ủy ban nhân dân tỉnh Lai Châu', agencyCode: 'lc-ubnd-tinh' },
      place: 'Lai Châu',
      date: { year: 2024, month: null, day: null },
      issuedOn: null,
      period: { fromYear: 2024, toYear: 2030 },
      implementationSection: 'V',
      reporting: {
        before: { day: 1, month: 12 },
        recipient: 'UBND tỉnh',
        recipientAgencyCode: 'lc-ubnd-tinh',
        consolidatingAgencyCode: 'lc-so-ldtbxh',
      },
    });
    expect(draft.plan.basis.map((b) => b.number)).toEqual(expect.arrayContaining(['28-CT/TW', '48-CTr/TU']));
    expect(draft.source).toEqual({ fileName: 'laichau-2024-ct28-kh.txt', mediaType: null });
  });

  it('carries the indicator targets for 2025 and 2030', () => {
    expect(draft.indicators.length).toBeGreaterThan(10);
    expect(draft.indicators).toContainEqual(expect.objectContaining({ year: 2025, value: 84.3, unit: '%' }));
    expect(draft.indicators).toContainEqual(expect.objectContaining({ year: 2030, value: 85 }));
  });

  it('proposes one duty task per party, 14, titled by clause and party, due at the end of the period', () => {
    const tasks = duties(draft);
    expect(tasks).toHaveLength(14);
    expect(tasks[0]).toMatchObject({
      title: 'V.1 — Sở Lao động - Thương binh và Xã hội',
      sourceClause: { section: 'V.1' },
      dueDate: '2030-12-31',
      assignees: [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }],
      issues: [],
    });
    expect(tasks.map((t) => t.sourceClause.section)).toEqual(
      Array.from({ length: 14 }, (_, i) => `V.${i + 1}`),
    );
    expect(tasks.every((t) => t.issues.length === 0 && t.unresolved.length === 0)).toBe(true);
  });

  it('links each duty to its source clause and joins the duty texts', () => {
    const first = duties(draft)[0]!;
    const clause = draft.sourceText.slice(first.sourceClause.start, first.sourceClause.end);
    expect(clause.startsWith('1. Sở Lao động - Thương binh và Xã hội')).toBe(true);
    expect(first.duty).toContain('Chủ trì, phối hợp với các sở, ban, ngành');
    expect(first.duty).toContain('Định kỳ hằng năm tổng hợp kết quả thực hiện Kế hoạch');
    expect(first.duty.split('\n')).toHaveLength(4);
  });

  it('makes a duty task’s text when it is read, not kept: a string in its JSON, at its place, and in a copy', () => {
    const first = duties(draft)[0]!;
    // Kept joined, the duty texts of 2,300 parties were a second copy of the plan (docs/adr/0039).
    expect(typeof Object.getOwnPropertyDescriptor(first, 'duty')?.get).toBe('function');
    const json = JSON.parse(JSON.stringify(first)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'taskId',
      'kind',
      'title',
      'duty',
      'sourceClause',
      'dueDate',
      'dueDateSource',
      'dueDateSpan',
      'namedSupport',
      'assignees',
      'reportYear',
      'partyOrdinal',
      'consolidated',
      'reportsTo',
      'unresolved',
      'issues',
    ]);
    expect(json.duty).toBe(first.duty);
    // A copy (as sent between threads) holds the text itself, with the same fields.
    const copy = structuredClone(first);
    expect(typeof Object.getOwnPropertyDescriptor(copy, 'duty')?.value).toBe('string');
    expect(copy).toEqual(json);
  });

  it('gives the lead to Sở LĐTBXH only, support to departments, and asks (requested) the Front', () => {
    const byRef = new Map(duties(draft).map((t) => [t.sourceClause.section, t]));
    expect(byRef.get('V.2')?.assignees).toEqual([
      { agencyCode: 'lc-so-gddt', role: 'support', agencyName: 'Sở Giáo dục và Đào tạo tỉnh Lai Châu' },
    ]);
    expect(byRef.get('V.9')?.assignees.map((a) => a.agencyCode)).toEqual(['lc-cong-an-tinh']);
    const leads = draft.tasks
      .filter((t) => t.kind === 'duty')
      .flatMap((t) => t.assignees.filter((a) => a.role === 'lead'));
    expect(leads.map((a) => a.agencyCode)).toEqual(['lc-so-ldtbxh']);

    const front = byRef.get('V.13')!;
    expect(front.assignees[0]).toMatchObject({ agencyCode: 'lc-mttq', role: 'requested' });
    expect(front.assignees).toHaveLength(6);
    expect(front.assignees.every((a) => a.role === 'requested')).toBe(true);
  });

  it('expands groups to their members, each with the party role', () => {
    const byRef = new Map(duties(draft).map((t) => [t.sourceClause.section, t]));
    expect(byRef.get('V.12')?.assignees.map((a) => a.agencyCode)).toEqual(LAI_CHAU_DEPARTMENTS);
    expect(byRef.get('V.12')?.assignees.every((a) => a.role === 'support')).toBe(true);
    const districts = byRef.get('V.14')!.assignees;
    expect(districts).toHaveLength(8);
    expect(districts.map((a) => a.agencyCode)).toContain('lc-ubnd-thanh-pho-lai-chau');
    expect(districts.every((a) => a.role === 'support')).toBe(true);
  });

  it('proposes a yearly report for every assigned agency, 2024 to 2030: the parties to Sở LĐTBXH by 15 November, its consolidation by 30 November', () => {
    const assigned = new Set(duties(draft).flatMap((t) => t.assignees.map((a) => a.agencyCode)));
    expect(assigned.size).toBe(25);
    const tasks = reports(draft);
    expect(tasks).toHaveLength(25 * 7);
    for (let year = 2024; year <= 2030; year++) {
      const ofYear = tasks.filter((t) => t.reportYear === year);
      expect(new Set(ofYear.map((t) => t.assignees[0]?.agencyCode))).toEqual(assigned);
      expect(ofYear.filter((t) => t.consolidated).map((t) => t.dueDate)).toEqual([`${year}-11-30`]);
      expect(
        ofYear
          .filter((t) => !t.consolidated)
          .every((t) => t.dueDate === `${year}-11-15` && t.reportsTo === 'lc-so-ldtbxh'),
      ).toBe(true);
    }
    expect(draft.plan.reporting?.consolidationLeadDays).toBe(15);
    expect(tasks.every((t) => t.assignees.length === 1 && t.assignees[0]?.role === 'lead')).toBe(true);
    expect(tasks.every((t) => t.sourceClause.section === 'VI')).toBe(true);
    const clause = draft.sourceText.slice(tasks[0]!.sourceClause.start, tasks[0]!.sourceClause.end);
    expect(clause).toContain('trước ngày 01/12');
    expect(draft.summary).toEqual({ dutyTasks: 14, reportTasks: 175, agencies: 25, tasksNeedingReview: 0 });
  });

  it('makes Sở LĐTBXH consolidate the yearly report', () => {
    const consolidated = reports(draft).filter((t) => t.consolidated);
    expect(consolidated).toHaveLength(7);
    expect(consolidated.every((t) => t.assignees[0]?.agencyCode === 'lc-so-ldtbxh')).toBe(true);
    expect(consolidated.find((t) => t.reportYear === 2025)?.title).toBe(
      'Tổng hợp báo cáo kết quả thực hiện Kế hoạch năm 2025 (qua Sở LĐTBXH)',
    );
    const other = reports(draft).find(
      (t) => t.reportYear === 2025 && t.assignees[0]?.agencyCode === 'lc-so-y-te',
    );
    expect(other?.title).toBe('Báo cáo kết quả thực hiện Kế hoạch năm 2025 gửi UBND tỉnh (qua Sở LĐTBXH)');
  });

  it('passes the parser warnings on and adds none of its own', () => {
    expect(draft.warnings.map((w) => w.code)).toEqual([
      'blank-plan-number',
      'incomplete-date',
      'target-without-year',
    ]);
  });

  it('derives stable ids from the content: the same text gives the same plan and task ids', () => {
    const again = draftPlanText(LAI_CHAU, directory);
    expect(again.planId).toBe(draft.planId);
    expect(again.tasks.map((t) => t.taskId)).toEqual(draft.tasks.map((t) => t.taskId));
    expect(new Set(draft.tasks.map((t) => t.taskId)).size).toBe(draft.tasks.length);
    expect(draft.planId).toBe(planIdFor(draft.contentHash));
    expect(draft.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('gives the same draft for NFD input, CRLF line ends and extra blank lines', () => {
    const variant = LAI_CHAU.normalize('NFD').replace(/\n/g, '\r\n\r\n');
    expect(draftPlanText(variant, directory, { fileName: 'laichau-2024-ct28-kh.txt' })).toEqual(draft);
  });

  it('is all NFC', () => {
    expect(isNfc(draftPlanText(LAI_CHAU.normalize('NFD'), directory))).toBe(true);
  });
});

describe('given the Lạng Sơn city plan (Resolution 121/2020/QH14)', () => {
  const draft = draftPlanText(LANG_SON_CITY, directory);

  it('is the city plan for 2024, issued by the city People’s Committee', () => {
    expect(draft.jurisdiction).toBe('lang-son-city');
    expect(draft.plan.issuer?.agencyCode).toBe('lsc-ubnd-thanh-pho');
    expect(draft.plan.period).toMatchObject({ fromYear: 2024, toYear: 2024 });
    expect(draft.plan.date).toEqual({ year: 2024, month: 6, day: null });
  });

  it('proposes 11 party tasks due at the end of 2024', () => {
    const tasks = duties(draft);
    expect(tasks).toHaveLength(11);
    expect(tasks[0]).toMatchObject({
      title: 'IV.1 — Phòng Lao động - Thương binh và Xã hội thành phố',
      assignees: [{ agencyCode: 'lsc-phong-ldtbxh', role: 'lead' }],
      dueDate: '2024-12-31',
    });
    const byRef = new Map(tasks.map((t) => [t.sourceClause.section, t]));
    expect(byRef.get('IV.6')?.assignees.map((a) => a.agencyCode)).toEqual([
      'lsc-phong-vhtt',
      'lsc-trung-tam-vhtt',
    ]);
    expect(byRef.get('IV.10')?.assignees.every((a) => a.role === 'requested')).toBe(true);
    expect(byRef.get('IV.11')?.assignees).toHaveLength(8);
    expect(tasks.every((t) => t.issues.length === 0)).toBe(true);
  });

  it('proposes the 2024 report of every assigned agency, consolidated by the city office by 14 November, the others due 15 days earlier', () => {
    const assigned = new Set(duties(draft).flatMap((t) => t.assignees.map((a) => a.agencyCode)));
    const tasks = reports(draft);
    expect(tasks).toHaveLength(assigned.size);
    expect(new Set(tasks.map((t) => t.assignees[0]?.agencyCode))).toEqual(assigned);
    expect(tasks.every((t) => t.reportYear === 2024)).toBe(true);
    expect(tasks.filter((t) => t.consolidated).map((t) => t.dueDate)).toEqual(['2024-11-14']);
    expect(tasks.filter((t) => !t.consolidated).every((t) => t.dueDate === '2024-10-30')).toBe(true);
    expect(tasks.filter((t) => t.consolidated).map((t) => t.assignees[0]?.agencyCode)).toEqual([
      'lsc-phong-ldtbxh',
    ]);
    // The reporting sentence is in the closing paragraph, after section IV.
    expect(tasks[0]?.sourceClause.section).toBe('closing');
    expect(draft.sourceText.slice(tasks[0]!.sourceClause.start, tasks[0]!.sourceClause.end)).toContain(
      'trước ngày 15/11',
    );
  });
});

describe('given a party the directory does not know', () => {
  const text = LAI_CHAU.replace('10. Sở Nội vụ', '10. Sở Ngoại vụ').replace(
    '11. Sở Nông nghiệp và Phát triển nông thôn',
    '11. Sở Nông ngiệp và Phát triển nông thôn',
  );
  const draft = draftPlanText(text, directory);

  it('leaves the task unassigned with the closest candidates, and warns', () => {
    const task = duties(draft).find((t) => t.sourceClause.section === 'V.11')!;
    expect(task.assignees).toEqual([]);
    expect(task.issues).toEqual(['unresolved-agency', 'no-assignees']);
    expect(task.unresolved[0]).toMatchObject({
      name: 'Sở Nông ngiệp và Phát triển nông thôn',
      reason: 'not-found',
    });
    expect(task.unresolved[0]?.candidates[0]).toMatchObject({ code: 'lc-so-nnptnt', isGroup: false });
    expect(task.unresolved[0]?.candidates[0]?.score).toBeGreaterThan(0.7);

    const warning = draft.warnings.find((w) => w.code === 'unknown-agency' && w.sectionRef === 'V.11');
    expect(warning).toMatchObject({ name: 'Sở Nông ngiệp và Phát triển nông thôn' });
    expect(warning?.candidates?.[0]).toMatchObject({
      code: 'lc-so-nnptnt',
      name: 'Sở Nông nghiệp và Phát triển nông thôn tỉnh Lai Châu',
    });
    expect(draft.summary.tasksNeedingReview).toBe(2);
  });

  it('offers "Sở Nội vụ" for "Sở Ngoại vụ"', () => {
    const task = duties(draft).find((t) => t.sourceClause.section === 'V.10')!;
    expect(task.unresolved[0]?.candidates[0]).toMatchObject({ code: 'lc-so-noi-vu' });
  });

  it('proposes report tasks only for agencies it resolved (these two still report through party V.12)', () => {
    expect(reports(draft)).toHaveLength(25 * 7);
  });
});

describe('given text with no plan structure', () => {
  it('refuses it as not a plan, with the reasons', () => {
    const read = () =>
      draftPlanText(
        'Biên bản họp tổ dân phố.\nNội dung: bàn về vệ sinh môi trường và an ninh trật tự.\n',
        directory,
      );
    expect(read).toThrow(PlanDocumentError);
    try {
      read();
    } catch (error) {
      expect(error).toMatchObject({ code: 'not-a-plan' });
      expect((error as PlanDocumentError).reasons).toEqual(
        expect.arrayContaining(['no "KẾ HOẠCH" heading', 'it names no plan']),
      );
    }
  });
});

describe('given a party with no duties', () => {
  // Party 2's four duties removed: its heading is followed by party 3's.
  const start = LAI_CHAU.indexOf('2. Sở Giáo dục và Đào tạo');
  const text =
    LAI_CHAU.slice(0, start) +
    '2. Sở Giáo dục và Đào tạo\n' +
    LAI_CHAU.slice(LAI_CHAU.indexOf('3. Sở Văn hóa, Thể thao và Du lịch'));
  const draft = draftPlanText(text, directory);

  it('proposes its task with an empty duty, marked no-duty, and the others without', () => {
    const [first, second, third] = duties(draft);
    expect(second?.title).toBe('V.2 — Sở Giáo dục và Đào tạo');
    expect(second?.duty).toBe('');
    expect(second?.issues).toEqual(['no-duty']);
    expect(first?.issues).toEqual([]);
    expect(third?.issues).toEqual([]);
  });
});

describe('given a lead party that stands for several agencies', () => {
  // Party 1 of the Lạng Sơn city plan renamed to the two culture bodies: it leads and consolidates,
  // but the reports still go "qua phòng Lao động - Thương binh và Xã hội", which no party names now.
  const text = LANG_SON_CITY.replace(
    '1. Phòng Lao động - Thương binh và Xã hội thành phố',
    '1. Phòng Văn hóa - Thông tin, Trung tâm Văn hóa thể thao thành phố',
  );
  const draft = draftPlanText(text, directory);

  it('keeps one lead (the first member), makes the others support, and warns', () => {
    const first = duties(draft)[0]!;
    expect(first.assignees.map((a) => [a.agencyCode, a.role])).toEqual([
      ['lsc-phong-vhtt', 'lead'],
      ['lsc-trung-tam-vhtt', 'support'],
    ]);
    expect(draft.warnings).toContainEqual(
      expect.objectContaining({ code: 'several-leads-in-party', sectionRef: 'IV.1' }),
    );
  });

  it('still has the body the reports go through consolidate them, though it has no duty', () => {
    expect(draft.plan.reporting?.consolidatingAgencyCode).toBe('lsc-phong-ldtbxh');
    const consolidated = reports(draft).filter((t) => t.consolidated);
    expect(consolidated.map((t) => t.assignees[0]?.agencyCode)).toEqual(['lsc-phong-ldtbxh']);
  });
});

describe('the canonical text', () => {
  it('parses like the original', () => {
    for (const original of [LAI_CHAU, LANG_SON_CITY]) {
      const canonical = parsePlanDocument(canonicalPlanText(original));
      const raw = parsePlanDocument(original);
      const view = (x: typeof raw) => ({
        metadata: {
          ...x.metadata,
          numberSpan: null,
          dateSpan: null,
          titleSpan: null,
          issuer: x.metadata.issuer?.name,
          basis: x.metadata.basis.map((b) => b.number),
        },
        period: x.period,
        parties: x.parties.map((p) => ({
          ref: p.sectionRef,
          heading: p.heading,
          role: p.role,
          duties: p.duties.map((d) => d.text),
        })),
        targets: x.targets.map((t) => [t.year, t.value, t.indicator]),
        reporting: x.reporting?.text,
        warnings: x.warnings.map((w) => w.code),
      });
      expect(view(canonical)).toEqual(view(raw));
    }
  });

  it('is the text itself when it is canonical already, and is canonical itself', () => {
    for (const original of [LAI_CHAU, LANG_SON_CITY]) {
      const canonical = canonicalPlanText(original);
      expect(canonicalPlanText(canonical)).toBe(canonical);
    }
    for (const messy of [
      ' a\nb',
      'a \nb',
      'a\n\nb',
      'a\r\nb',
      'a\tb',
      'a  b',
      'a\u00a0b',
      '\uFEFFa',
      'a\u2028b',
      'a\n\u3000b',
    ]) {
      const lines = messy
        .replace(/^\uFEFF/u, '')
        .split(/\r\n|\r|\n|\u2028|\u2029/u)
        .map((line) => line.replace(/[ \t\u00a0]+/gu, ' ').trim())
        .filter((line) => line !== '');
      expect(canonicalPlanText(messy)).toBe(lines.join('\n'));
    }
  });
});

describe('buildPlanDraft options', () => {
  it('takes the jurisdiction when given, and warns about an unknown one', () => {
    const extract = parsePlanDocument(canonicalPlanText(LAI_CHAU));
    const contentHash = planContentHash(extract.text);
    expect(buildPlanDraft(extract, directory, { contentHash, jurisdiction: 'lai-chau' }).jurisdiction).toBe(
      'lai-chau',
    );
    const unknown = buildPlanDraft(extract, directory, { contentHash, jurisdiction: 'atlantis' });
    expect(unknown.jurisdiction).toBe('lai-chau');
    expect(unknown.warnings.map((w) => w.code)).toContain('unknown-jurisdiction');
  });
});

describe('reportDueDate', () => {
  it.each([
    [2025, { day: 1, month: 12 }, '2025-11-30'],
    [2024, { day: 15, month: 11 }, '2024-11-14'],
    [2024, { day: 1, month: 3 }, '2024-02-29'],
    [2025, { day: 1, month: 1 }, '2025-12-31'],
  ])('for %i before %j is %s', (year, before, due) => {
    expect(reportDueDate(year, before)).toBe(due);
  });
});

describe('uuidV5', () => {
  it('matches the RFC 9562 example (DNS namespace, "www.example.com")', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
