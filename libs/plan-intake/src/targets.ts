import { foldForSearch } from '#libs/shared-kernel';
import type { MappedText } from './mapped-text.js';
import type { Block, Outline, Section } from './outline.js';
import type {
  IndicatorTarget,
  Objective,
  PartialDate,
  PlanPeriod,
  PlanWarning,
  TargetComparator,
} from './types.js';
import { parseVietnameseDecimal } from './vietnamese.js';
import { warn } from './warnings.js';

export interface ObjectivesAndTargets {
  readonly objectives: Objective[];
  readonly targets: IndicatorTarget[];
}

/**
 * Reads the sections about purposes and objectives ("MỤC ĐÍCH", "MỤC TIÊU", "CHỈ TIÊU").
 * Objectives are the paragraphs under a purpose or general-objective heading; indicator targets
 * are the percentages in an objectives section, each with the year it must be reached by.
 */
export function readObjectivesAndTargets(outline: Outline, warnings: PlanWarning[]): ObjectivesAndTargets {
  const objectives: Objective[] = [];
  const targets: IndicatorTarget[] = [];
  for (const section of outline.sections) {
    const title = foldForSearch(section.title);
    const holdsTargets = /muc tieu|chi tieu/.test(title);
    if (!holdsTargets && !/muc dich/.test(title)) continue;
    for (const { block, heading, year } of paragraphsUnderHeadings(section)) {
      if (holdsTargets && /\d\s*%/u.test(block.text)) {
        targets.push(...targetsIn(block, year, warnings));
      } else if (isObjectiveHeading(heading)) {
        objectives.push({ heading, text: block.text, span: block.span });
      }
    }
  }
  if (targets.length === 0) {
    warn(warnings, 'no-targets', 'No indicator target (a percentage in an objectives section) was found.');
  }
  return { objectives, targets };
}

function isObjectiveHeading(heading: string): boolean {
  const folded = foldForSearch(heading);
  return /muc dich|muc tieu chung/.test(folded) || (/muc tieu/.test(folded) && !/cu the/.test(folded));
}

interface ParagraphInContext {
  readonly block: Block;
  /** The nearest heading above the paragraph ("Mục tiêu chung"), or the section title. */
  readonly heading: string;
  /** The target year set by a heading above it ("2.1. Đến năm 2025"). */
  readonly year: number | null;
}

interface OpenHeading {
  readonly depth: number;
  readonly text: string;
  readonly year: number | null;
}

/** The paragraphs of a section with the sub-headings they sit under ("2." > "2.1." > "a)"). */
function paragraphsUnderHeadings(section: Section): ParagraphInContext[] {
  const paragraphs: ParagraphInContext[] = [];
  let open: OpenHeading[] = [];
  for (const block of section.body) {
    const heading = subHeading(block.text);
    if (heading) {
      open = [...open.filter((h) => h.depth < heading.depth), heading];
      continue;
    }
    const nearest = open[open.length - 1];
    const year = [...open].reverse().find((h) => h.year !== null)?.year ?? null;
    paragraphs.push({ block, heading: nearest?.text ?? section.title, year });
  }
  return paragraphs;
}

/** "1. Mục tiêu chung", "2.1. Đến năm 2025", "a) Đến năm 2030:"; a short line, not a sentence. */
function subHeading(text: string): OpenHeading | null {
  const numbered = /^(\d{1,2}(?:\.\d{1,2})*)\s*[.)]\s*(.+)$/u.exec(text);
  const lettered = /^([a-zđ])\)\s*(.+)$/u.exec(text);
  const match = numbered ?? lettered;
  const title = match?.[2]?.replace(/:$/u, '').trim();
  if (!match?.[1] || !title || title.length > 120 || /[.;]$/u.test(title)) return null;
  const depth = numbered ? match[1].split('.').length : 10;
  return { depth, text: title, year: yearOfHeading(title) };
}

function yearOfHeading(title: string): number | null {
  const match = /(?:^|\s)(?:đến|tới|vào|trong|cuối)?\s*năm\s+(\d{4})/iu.exec(title);
  return match?.[1] ? Number(match[1]) : null;
}

const PERCENT = /(\d{1,3}(?:[.,]\d+)?)\s*%/gu;
const INLINE_YEAR = /(?:đến|tới|vào|trong|cuối)\s+năm\s+(\d{4})/giu;
const ITEM_LABEL = /^\(?(\d{1,2}|[a-zđ])\)\.?\s*|^(\d{1,2})[.)]\s+/u;

/** "(1). 84,3% xã, phường ...; 30% các xã ..." gives one target per percentage. */
function targetsIn(block: Block, contextYear: number | null, warnings: PlanWarning[]): IndicatorTarget[] {
  const withoutBullet = block.withoutPrefix(/^[-+•–]\s+/u);
  const label = ITEM_LABEL.exec(withoutBullet.text);
  const item = label ? `(${label[1] ?? label[2]})` : null;
  const body = withoutBullet.slice(label?.[0].length ?? 0);
  const targets: IndicatorTarget[] = [];
  for (const clause of clauses(body)) {
    for (const percentage of percentagesIn(clause)) {
      const year = lastYearNamedBefore(body.text, percentage.positionInBody) ?? contextYear;
      if (year === null) continue;
      targets.push({
        year,
        value: percentage.value,
        unit: '%',
        comparator: percentage.comparator,
        indicator: percentage.text.text,
        item,
        span: percentage.text.span,
      });
    }
  }
  if (targets.length === 0) {
    warn(warnings, 'target-without-year', `A percentage with no target year: "${block.text}".`, block.span);
  }
  return targets;
}

interface Clause {
  readonly text: MappedText;
  /** Where the clause starts in the item's text. */
  readonly offset: number;
}

/** Splits an item at ";" into clauses. */
function clauses(body: MappedText): Clause[] {
  const ends = [...body.text.matchAll(/;/gu)].map((match) => match.index);
  const parts: Clause[] = [];
  let start = 0;
  for (const end of [...ends, body.length]) {
    const raw = body.text.slice(start, end);
    const offset = start + (raw.length - raw.trimStart().length);
    parts.push({ text: body.slice(offset, end).trim(/[.\s]+$/u), offset });
    start = end + 1;
  }
  return parts.filter((part) => part.text.length > 0);
}

interface Percentage {
  readonly value: number;
  readonly comparator: TargetComparator | null;
  readonly positionInBody: number;
  /** The part of the clause about this percentage. */
  readonly text: MappedText;
}

/**
 * A clause can hold several percentages ("100% cơ sở giáo dục ... và 100% trường học ..."): it is
 * cut before each further percentage, at the last " và " or ", " in between.
 */
function percentagesIn(clause: Clause): Percentage[] {
  const text = clause.text.text;
  const matches = [...text.matchAll(PERCENT)];
  // Where the text about each percentage starts; without a joint it shares the previous one's text.
  const starts: number[] = [];
  for (const [k, match] of matches.entries()) {
    const previous = matches[k - 1];
    if (!previous) {
      starts.push(0);
      continue;
    }
    const previousEnd = previous.index + previous[0].length;
    const between = text.slice(previousEnd, match.index);
    const joint = Math.max(between.lastIndexOf(' và '), between.lastIndexOf(', '));
    starts.push(joint === -1 ? (starts[k - 1] ?? 0) : previousEnd + joint);
  }
  return matches.map((match, k) => {
    const from = starts[k] ?? 0;
    const to = starts.find((start) => start > from) ?? text.length;
    return {
      value: parseVietnameseDecimal(match[1] ?? ''),
      comparator: comparatorBefore(text.slice(0, match.index)),
      positionInBody: clause.offset + match.index,
      text: clause.text
        .slice(from, to)
        .withoutPrefix(/^[\s,]*(?:và\s+)?/u)
        .trim(/[.,\s]+$/u),
    };
  });
}

/** "đến năm 2025 ... đạt 84,3%; đến năm 2030 đạt 85%": the last target year named before the number. */
function lastYearNamedBefore(text: string, position: number): number | null {
  const years = [...text.slice(0, position).matchAll(INLINE_YEAR)];
  const last = years[years.length - 1]?.[1];
  return last ? Number(last) : null;
}

const COMPARATORS: readonly (readonly [RegExp, TargetComparator])[] = [
  [/(?:không dưới|tối thiểu|ít nhất)\s*$/iu, 'at-least'],
  [/(?:không quá|không vượt quá|tối đa)\s*$/iu, 'at-most'],
  [/dưới\s*$/iu, 'below'],
  [/trên\s*$/iu, 'above'],
];

/** "xuống dưới 15%" is a ceiling; "đạt trên 99,1%" a floor. */
function comparatorBefore(textBeforeNumber: string): TargetComparator | null {
  return COMPARATORS.find(([pattern]) => pattern.test(textBeforeNumber))?.[1] ?? null;
}

/**
 * The years the plan covers. A title that names its year ("... năm 2024") or period ("giai đoạn
 * 2021-2025") decides; otherwise the plan runs from the year of its date to its last target year.
 */
export function derivePlanPeriod(
  title: string | null,
  date: PartialDate | null,
  targets: readonly IndicatorTarget[],
): PlanPeriod {
  const titleText = title ?? '';
  const titleYearAtEnd = /năm\s+(\d{4})\s*[.:]?$/iu.exec(titleText)?.[1];
  const titleRange = /giai đoạn\s+(\d{4})\s*[-–—]\s*(\d{4})/iu.exec(titleText);
  const titleYearAnywhere = [...titleText.matchAll(/(?<!tháng\s*\d{1,2}\s*)năm\s+(\d{4})/giu)].pop()?.[1];
  const planYear = date?.year ?? null;
  const lastTargetYear = targets.length > 0 ? Math.max(...targets.map((t) => t.year)) : null;

  if (titleYearAtEnd) {
    return singleYear(Number(titleYearAtEnd), 'title-year', `the title names the year ${titleYearAtEnd}`);
  }
  if (titleRange?.[1] && titleRange[2]) {
    return {
      fromYear: Number(titleRange[1]),
      toYear: Number(titleRange[2]),
      derivedFrom: 'title-range',
      explanation: `the title names the period ${titleRange[1]}-${titleRange[2]}`,
    };
  }
  if (titleYearAnywhere) {
    return singleYear(
      Number(titleYearAnywhere),
      'title-year',
      `the title names the year ${titleYearAnywhere}`,
    );
  }
  if (planYear !== null && lastTargetYear !== null && lastTargetYear >= planYear) {
    return {
      fromYear: planYear,
      toYear: lastTargetYear,
      derivedFrom: 'plan-year-to-last-target',
      explanation: `plan year ${planYear} to last target year ${lastTargetYear}`,
    };
  }
  if (planYear !== null) return singleYear(planYear, 'plan-year', `the plan is dated ${planYear}`);
  if (lastTargetYear !== null) {
    return {
      fromYear: null,
      toYear: lastTargetYear,
      derivedFrom: 'last-target-year',
      explanation: `the plan has no year of its own; its last target year is ${lastTargetYear}`,
    };
  }
  return { fromYear: null, toYear: null, derivedFrom: 'none', explanation: 'no year was found' };
}

function singleYear(year: number, derivedFrom: PlanPeriod['derivedFrom'], explanation: string): PlanPeriod {
  return { fromYear: year, toYear: year, derivedFrom, explanation };
}
