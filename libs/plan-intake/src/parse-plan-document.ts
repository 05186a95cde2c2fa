import { foldForSearch, toNfc } from '#libs/shared-kernel';
import { assertLooksLikeText } from './input-guard.js';
import { documentKind, hasPlanHeading, readMentionedPlan } from './document-kind.js';
import { readMetadata } from './metadata.js';
import { buildOutline, type Outline } from './outline.js';
import { findImplementationSection, readParties } from './parties.js';
import { readReportingDuty } from './reporting.js';
import { derivePlanPeriod, readObjectivesAndTargets } from './targets.js';
import type {
  PlanExtract,
  PlanMetadata,
  PlanPeriod,
  PlanWarning,
  ReportingDuty,
  ResponsibleParty,
} from './types.js';
import { namesSameBody } from './vietnamese.js';
import { warn } from './warnings.js';

/**
 * Reads a plan document (Kế hoạch) into a draft for review. Pure: the same text always gives the
 * same extract. The input is normalised to NFC first and every span points into that NFC text.
 *
 * What is not understood becomes a warning; only input that cannot be text at all (empty, binary)
 * throws a PlanDocumentError.
 */
export function parsePlanDocument(input: string): PlanExtract {
  assertLooksLikeText(input);
  const text = toNfc(input);
  const outline = buildOutline(text);
  const warnings: PlanWarning[] = [];

  const ownMetadata = readMetadata(outline, warnings);
  const { objectives, targets } = readObjectivesAndTargets(outline, warnings);
  const implementation = findImplementationSection(outline, warnings);
  const reportingWithoutParty = readReportingDuty(outline, warnings);
  const reporting = reportingWithoutParty ? { ...reportingWithoutParty, throughPartyOrdinal: null } : null;
  const parties = implementation ? readParties(implementation, reporting, warnings) : [];
  const kind = documentKind(outline, ownMetadata, parties, hasPlanHeading(outline));
  const metadata =
    kind.origin === 'secondary-source' ? aboutMentionedPlan(outline, ownMetadata) : ownMetadata;
  const period = derivePlanPeriod(metadata.title, metadata.date, targets);
  checkClosingYear(outline, period, warnings);

  return {
    text,
    origin: kind.origin,
    originReasons: kind.reasons,
    metadata,
    sections: outline.sections.map((s) => ({ numeral: s.numeral, title: s.title, span: s.heading.span })),
    objectives,
    targets,
    period,
    implementationSection: implementation?.numeral ?? null,
    parties,
    reporting: reporting ? linkThroughParty(reporting, parties) : null,
    warnings,
  };
}

/**
 * A news item or a letter about a plan: the plan's number, date, issuer and subject come from the
 * sentence that names it; the document's own number ("Số: 1499/LĐTBXH-TE") is neither the plan's
 * nor a citation.
 */
function aboutMentionedPlan(outline: Outline, own: PlanMetadata): PlanMetadata {
  const mentioned = readMentionedPlan(outline);
  const ownNumber =
    own.number && own.documentTypeCode ? foldForSearch(`${own.number}/${own.documentTypeCode}`) : null;
  const planNumber =
    mentioned?.number && mentioned.documentTypeCode
      ? foldForSearch(`${mentioned.number}/${mentioned.documentTypeCode}`)
      : null;
  const basis = own.basis.filter((cited) => {
    const key = cited.number === null ? null : foldForSearch(cited.number);
    return key === null || (key !== ownNumber && key !== planNumber);
  });
  return {
    number: mentioned?.number ?? null,
    documentTypeCode: mentioned?.documentTypeCode ?? null,
    numberSpan: mentioned?.numberSpan ?? null,
    issuer: mentioned?.issuer ?? null,
    place: null,
    date: mentioned?.date ?? null,
    dateSpan: mentioned?.dateSpan ?? null,
    title: mentioned?.title ?? null,
    titleSpan: mentioned?.titleSpan ?? null,
    basis,
  };
}

/** Which implementation party the reports go through ("qua Sở ..."), when its name matches. */
function linkThroughParty(reporting: ReportingDuty, parties: readonly ResponsibleParty[]): ReportingDuty {
  const through = reporting.through?.name;
  const party = through
    ? parties.find((p) => p.names.some((name) => namesSameBody(name.name, through)))
    : undefined;
  return { ...reporting, throughPartyOrdinal: party?.ordinal ?? null };
}

/**
 * "Trên đây là Kế hoạch ... năm 2023" closing a plan for 2024 is a copy-paste slip worth a look
 * (the Lạng Sơn city plan has one).
 */
function checkClosingYear(outline: Outline, period: PlanPeriod, warnings: PlanWarning[]): void {
  const { fromYear, toYear } = period;
  if (fromYear === null || toYear === null) return;
  for (const block of outline.closing) {
    if (!/^Trên đây là/iu.test(block.text)) continue;
    for (const match of block.text.matchAll(/(?<!tháng\s*\d{1,2}\s*)năm\s+(\d{4})/gu)) {
      const year = Number(match[1]);
      if (year >= fromYear && year <= toYear) continue;
      const span = block.spanOf(match.index, match.index + match[0].length);
      const years = fromYear === toYear ? `${fromYear}` : `${fromYear}-${toYear}`;
      warn(
        warnings,
        'closing-year-mismatch',
        `The closing paragraph says "${match[0]}" but the plan is for ${years}.`,
        span,
      );
    }
  }
}
