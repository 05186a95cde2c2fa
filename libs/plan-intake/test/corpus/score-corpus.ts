/**
 * The scored intake corpus: plan texts from other provinces and years (copied from public web
 * copies, each with its source address in expected/<name>.json), documents about a plan (news, a
 * ministry's letter), documents that are not plans, the two seed plans, and synthetic variants of
 * them as people receive plans (hard-wrapped PDF text, NFD, a title in capitals, a deadline broken
 * over two lines, a dated duty, 150 parties). The expectations were written by hand from reading
 * each text; `scoreCorpus` reads every document as intake does and counts, per field, how many
 * the reader got right.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSeedDirectory } from '#libs/agencies';
import { foldForSearch } from '#libs/shared-kernel';
import { draftPlanText, parsePlanDocument, PlanDocumentError } from '../../src/index.js';
import type { PlanDraft, PlanExtract } from '../../src/index.js';
import { hardWrap, planWithParties, upperCaseTitle } from '../support/variants.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpusDir = here.includes('/dist/') ? here.replace('/dist/', '/') : here;
const seedDir = join(corpusDir, '..', '..', 'seed-plans');

export interface ExpectedCitation {
  readonly kind: string;
  readonly number: string | null;
  readonly date: string | null;
  readonly issuedBy: string | null;
  readonly name?: string;
}

export interface Expected {
  readonly source: string;
  readonly document?: string;
  readonly origin: 'plan' | 'secondary-source' | 'not-a-plan';
  readonly number?: string | null;
  readonly documentTypeCode?: string | null;
  readonly issuedOn?: string | null;
  readonly place?: string | null;
  readonly period?: { readonly from: number; readonly to: number } | null;
  readonly citations?: readonly ExpectedCitation[];
  readonly parties?: readonly { readonly ordinal: number; readonly heading: string; readonly role: string }[];
  readonly reporting?: { readonly day: number; readonly month: number } | null;
  readonly dutyDeadlines?: readonly { readonly party: number; readonly date: string }[];
  /** Agencies a duty of the party names to work with ("phối hợp với ..."): its support parties. */
  readonly dutySupport?: readonly { readonly party: number; readonly agency: string }[];
}

export interface CorpusCase {
  readonly name: string;
  readonly kind: 'real' | 'seed' | 'synthetic';
  readonly text: string;
  readonly expected: Expected;
}

function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(join(corpusDir, 'expected', `${name}.json`), 'utf8')) as Expected;
}

export function loadCorpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const file of readdirSync(join(corpusDir, 'documents')).sort()) {
    const name = file.replace(/\.txt$/u, '');
    const text = readFileSync(join(corpusDir, 'documents', file), 'utf8');
    cases.push({ name, kind: 'real', text, expected: expectedOf(name) });
  }
  const laiChau = readFileSync(join(seedDir, 'laichau-2024-ct28-kh.txt'), 'utf8');
  const langSon = readFileSync(join(seedDir, 'langson-city-2024-nq121-kh.txt'), 'utf8');
  const lc = expectedOf('laichau-2024-ct28-kh');
  const lsc = expectedOf('langson-city-2024-nq121-kh');
  cases.push(
    { name: 'laichau-2024-ct28-kh', kind: 'seed', text: laiChau, expected: lc },
    { name: 'langson-city-2024-nq121-kh', kind: 'seed', text: langSon, expected: lsc },
    {
      name: 'laichau, PDF text wrapped at 72 + page numbers',
      kind: 'synthetic',
      text: hardWrap(laiChau, 72, 45),
      expected: lc,
    },
    {
      name: 'langson-city, PDF text wrapped at 60 + page numbers',
      kind: 'synthetic',
      text: hardWrap(langSon, 60, 40),
      expected: lsc,
    },
    { name: 'laichau, NFD', kind: 'synthetic', text: laiChau.normalize('NFD'), expected: lc },
    {
      name: 'langson-city, title in capitals',
      kind: 'synthetic',
      text: upperCaseTitle(langSon),
      expected: lsc,
    },
    {
      name: 'langson-city, deadline across a line break',
      kind: 'synthetic',
      text: langSon.replace('(trước ngày 15/11)', '(trước ngày\n15/11)'),
      expected: lsc,
    },
    {
      name: 'laichau, a dated duty',
      kind: 'synthetic',
      text: laiChau.replace(
        '2. Sở Giáo dục và Đào tạo',
        '2. Sở Giáo dục và Đào tạo\n- Phối hợp với Công an tỉnh rà soát trẻ em bỏ học, hoàn thành trước ngày 30/9/2025.',
      ),
      expected: {
        ...lc,
        dutyDeadlines: [{ party: 2, date: '2025-09-30' }],
        dutySupport: [...(lc.dutySupport ?? []), { party: 2, agency: 'lc-cong-an-tinh' }],
      },
    },
    {
      name: '150 parties',
      kind: 'synthetic',
      text: planWithParties(150),
      expected: {
        source: 'synthetic: test/support/variants.ts planWithParties(150)',
        origin: 'plan',
        number: '77',
        documentTypeCode: 'KH-UBND',
        issuedOn: '2025-03-10',
        place: 'Lai Châu',
        period: { from: 2025, to: 2025 },
        citations: [{ kind: 'Luật', number: null, date: null, issuedBy: null, name: 'Luật Trẻ em' }],
        parties: Array.from({ length: 150 }, (_u, i) => ({
          ordinal: i + 1,
          heading: i === 0 ? 'Sở Lao động - Thương binh và Xã hội' : `Ủy ban nhân dân xã số ${i + 1}`,
          role: i === 0 ? 'lead' : 'support',
        })),
        reporting: { day: 1, month: 12 },
        dutyDeadlines: [],
      },
    },
  );
  return cases;
}

export interface FieldScore {
  right: number;
  total: number;
}

export type Scores = Record<string, FieldScore>;

const FIELDS = [
  'document kind (plan, secondary source, not a plan)',
  'plan number',
  'issue date',
  'place',
  'plan period',
  'cited documents (kind, number, date)',
  'issuers of cited documents',
  'parties with the right role and source clause',
  'report deadlines',
  'deadlines written in duties',
  'support parties named in duties',
] as const;

const same = (a: string | null | undefined, b: string | null | undefined) =>
  foldForSearch((a ?? '').replace(/[–—]/gu, '-').replace(/\s+/gu, ' ').trim()) ===
  foldForSearch((b ?? '').replace(/[–—]/gu, '-').replace(/\s+/gu, ' ').trim());
const clean = (text: string) =>
  text
    .replace(/\*/g, '')
    .replace(/\n\d{1,4}\n/gu, '\n')
    .replace(/\s+/gu, ' ')
    .trim();

export interface CorpusReport {
  readonly scores: Scores;
  /** Cited documents read that the expectations do not list. */
  readonly extraCitations: number;
  /** Dates in drafts that are not written in the text and not marked inferred and listed for review. */
  readonly unmarkedDates: number;
  readonly failures: readonly string[];
  readonly documents: { readonly real: number; readonly seed: number; readonly synthetic: number };
}

export function scoreCorpus(cases: readonly CorpusCase[] = loadCorpus()): CorpusReport {
  const directory = createSeedDirectory();
  const scores: Scores = Object.fromEntries(FIELDS.map((f) => [f, { right: 0, total: 0 }]));
  const failures: string[] = [];
  let extraCitations = 0;
  let unmarkedDates = 0;
  const count = (field: (typeof FIELDS)[number], ok: boolean, what: string) => {
    const score = scores[field] as FieldScore;
    score.total += 1;
    if (ok) score.right += 1;
    else failures.push(what);
  };

  for (const { name, text, expected } of cases) {
    let draft: PlanDraft | null = null;
    let origin: string;
    try {
      draft = draftPlanText(text, directory);
      origin = draft.origin;
    } catch (error) {
      if (!(error instanceof PlanDocumentError) || error.code !== 'not-a-plan') throw error;
      origin = 'not-a-plan';
    }
    count(FIELDS[0], origin === expected.origin, `${name}: kind ${origin}, expected ${expected.origin}`);
    if (draft === null || expected.origin === 'not-a-plan') continue;
    const extract = parsePlanDocument(text);
    const plan = draft.plan;

    count(
      FIELDS[1],
      plan.number === (expected.number ?? null) &&
        (expected.number == null || plan.documentTypeCode === expected.documentTypeCode),
      `${name}: number ${plan.number}/${plan.documentTypeCode}, expected ${expected.number}/${expected.documentTypeCode}`,
    );
    count(
      FIELDS[2],
      plan.issuedOn === (expected.issuedOn ?? null),
      `${name}: date ${plan.issuedOn}, expected ${expected.issuedOn}`,
    );
    if (expected.origin === 'plan') {
      count(
        FIELDS[3],
        same(plan.place, expected.place),
        `${name}: place ${plan.place}, expected ${expected.place}`,
      );
    }
    if (expected.period) {
      const { fromYear, toYear } = plan.period;
      count(
        FIELDS[4],
        fromYear === expected.period.from && toYear === expected.period.to,
        `${name}: period ${fromYear}-${toYear}, expected ${expected.period.from}-${expected.period.to}`,
      );
    }

    const basis = plan.basis;
    const matched = new Set<number>();
    for (const cited of expected.citations ?? []) {
      const index = basis.findIndex(
        (b, i) =>
          !matched.has(i) &&
          (cited.number !== null ? same(b.number, cited.number) : same(b.name, cited.name)),
      );
      const found = index === -1 ? undefined : basis[index];
      if (index !== -1) matched.add(index);
      const label = cited.number ?? cited.name ?? '?';
      count(
        FIELDS[5],
        found !== undefined && found.kind === cited.kind && found.date === cited.date,
        `${name}: citation ${label} read as ${found ? `${found.kind} ${found.number} ${found.date}` : 'nothing'}`,
      );
      count(
        FIELDS[6],
        found !== undefined && same(found.issuedBy, cited.issuedBy),
        `${name}: issuer of ${label} read as ${found?.issuedBy ?? 'nothing'}, expected ${cited.issuedBy}`,
      );
    }
    for (const [i, b] of basis.entries()) {
      if (matched.has(i)) continue;
      extraCitations += 1;
      failures.push(`${name}: extra citation ${b.number ? `${b.kind} ${b.number}` : (b.name ?? b.kind)}`);
    }

    const original = text.normalize('NFC');
    for (const party of expected.parties ?? []) {
      const found = extract.parties.find((p) => p.ordinal === party.ordinal);
      const clause = found ? clean(original.slice(found.headingSpan.start, found.headingSpan.end)) : '';
      const task = draft.tasks.find((t) => t.kind === 'duty' && t.partyOrdinal === party.ordinal);
      const taskClause = task
        ? clean(draft.sourceText.slice(task.sourceClause.start, task.sourceClause.end))
        : '';
      count(
        FIELDS[7],
        found !== undefined &&
          same(found.heading, party.heading) &&
          found.role === party.role &&
          same(clause, party.heading) &&
          taskClause.startsWith(`${party.ordinal}.`),
        `${name}: party ${party.ordinal} read as ${found ? `"${found.heading}" (${found.role}), clause "${clause}"` : 'nothing'}`,
      );
    }

    if (expected.reporting !== undefined) {
      const before = extract.reporting?.before ?? null;
      count(
        FIELDS[8],
        JSON.stringify(before) === JSON.stringify(expected.reporting),
        `${name}: report deadline ${JSON.stringify(before)}, expected ${JSON.stringify(expected.reporting)}`,
      );
    }
    const readDeadlines = draft.tasks
      .filter((t) => t.kind === 'duty' && t.dueDateSource === 'read')
      .map((t) => `${t.partyOrdinal}:${t.dueDate}`);
    for (const deadline of expected.dutyDeadlines ?? []) {
      count(
        FIELDS[9],
        readDeadlines.includes(`${deadline.party}:${deadline.date}`),
        `${name}: deadline ${deadline.date} of party ${deadline.party} not read`,
      );
    }
    if (expected.dutySupport !== undefined) {
      // Each named support must be assigned with a clause that names it; any other is a miss too.
      const read = draft.tasks.flatMap((t) =>
        t.assignees.flatMap((a) =>
          a.namedInDuty && /phối hợp/iu.test(draft.sourceText.slice(a.namedInDuty.start, a.namedInDuty.end))
            ? [`${t.partyOrdinal}:${a.agencyCode}`]
            : [],
        ),
      );
      const wanted = expected.dutySupport.map((d) => `${d.party}:${d.agency}`);
      for (const key of wanted) {
        count(FIELDS[10], read.includes(key), `${name}: support ${key} named in a duty not assigned`);
      }
      for (const key of new Set(read)) {
        if (!wanted.includes(key)) count(FIELDS[10], false, `${name}: support ${key} assigned, not expected`);
      }
    }
    unmarkedDates += datesNotWritten(draft, extract, name, failures);
  }
  const documents = {
    real: cases.filter((c) => c.kind === 'real').length,
    seed: cases.filter((c) => c.kind === 'seed').length,
    synthetic: cases.filter((c) => c.kind === 'synthetic').length,
  };
  return { scores, extraCitations, unmarkedDates, failures, documents };
}

/**
 * Every date of the draft is either written in the text (a read due date's clause holds its day
 * and month; a citation's date is in its clause) or marked inferred and listed for review.
 */
function datesNotWritten(draft: PlanDraft, extract: PlanExtract, name: string, failures: string[]): number {
  let count = 0;
  const review = new Set(
    draft.needsReview.flatMap((r) => (r.reasons.includes('due-date-inferred') ? [r.taskId] : [])),
  );
  for (const task of draft.tasks) {
    if (task.dueDate === null) continue;
    if (task.dueDateSource === 'read' && task.dueDateSpan) {
      const clause = draft.sourceText.slice(task.dueDateSpan.start, task.dueDateSpan.end);
      const [, month, day] = task.dueDate.split('-').map(Number) as [number, number, number];
      const before = task.kind === 'report' ? extract.reporting?.before : { day, month };
      const written =
        before && new RegExp(`0?${before.day}\\s*(?:[/.-]|tháng)\\s*0?${before.month}`, 'u').test(clause);
      if (written) continue;
    } else if (task.dueDateSource === 'inferred' && review.has(task.taskId)) continue;
    count += 1;
    failures.push(
      `${name}: task "${task.title}" is due ${task.dueDate}, neither written nor marked inferred`,
    );
  }
  for (const cited of extract.metadata.basis) {
    if (cited.date === null) continue;
    const [year] = cited.date.split('-');
    if (extract.text.slice(cited.span.start, cited.span.end).includes(year ?? '')) continue;
    count += 1;
    failures.push(`${name}: citation date ${cited.date} is not in its clause`);
  }
  return count;
}

export function formatReport(report: CorpusReport): string {
  const rows = Object.entries(report.scores).map(([field, { right, total }]) => {
    const accuracy = total === 0 ? '-' : `${((100 * right) / total).toFixed(1)}%`;
    return `| ${field.padEnd(50)} | ${String(right).padStart(5)} | ${String(total).padStart(5)} | ${accuracy.padStart(7)} |`;
  });
  const { real, seed, synthetic } = report.documents;
  return [
    `Intake corpus: ${real} documents from provincial portals and legal-text sites, ${seed} seed plans, ${synthetic} synthetic variants`,
    '',
    `| ${'field'.padEnd(50)} | right | total | accuracy |`,
    `| ${'-'.repeat(50)} | ----: | ----: | -------: |`,
    ...rows,
    '',
    `cited documents read that the expectations do not list: ${report.extraCitations}`,
    `dates neither written in the text nor marked inferred for review: ${report.unmarkedDates}`,
  ].join('\n');
}
