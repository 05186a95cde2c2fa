import { foldForSearch } from '#libs/shared-kernel';
import type { MappedText } from './mapped-text.js';
import { numberedHeading, type Outline, type Section } from './outline.js';
import type { Duty, PartyName, PartyRole, PlanWarning, ReportingDuty, ResponsibleParty } from './types.js';
import { namesSameBody, toIsoDate } from './vietnamese.js';
import { warn } from './warnings.js';

/** The section that assigns duties: "TỔ CHỨC THỰC HIỆN", whatever its numeral. */
export function findImplementationSection(outline: Outline, warnings: PlanWarning[]): Section | null {
  const section = outline.sections.find((s) => foldForSearch(s.title).includes('to chuc thuc hien')) ?? null;
  if (section === null) {
    warn(
      warnings,
      'no-implementation-section',
      'No "TỔ CHỨC THỰC HIỆN" section was found, so no party was read.',
    );
  }
  return section;
}

/** A party as read from its heading and paragraphs, before roles are decided. */
interface PartyDraft {
  readonly ordinal: number;
  /** Where the heading line starts, its number included. */
  readonly start: number;
  readonly heading: MappedText;
  readonly requested: boolean;
  readonly names: PartyName[];
  readonly duties: Duty[];
}

/**
 * One party per numbered heading of the implementation section ("1. Sở Lao động - Thương binh và
 * Xã hội"); each paragraph or bullet under it is one duty.
 */
export function readParties(
  section: Section,
  reporting: ReportingDuty | null,
  warnings: PlanWarning[],
): ResponsibleParty[] {
  const drafts = readPartyDrafts(section, warnings);
  if (drafts.length === 0) {
    warn(warnings, 'no-parties', `Section ${section.numeral} has no numbered party.`, section.heading.span);
  }
  const parties = drafts.map((draft) => decideRole(draft, section.numeral, reporting));
  const leads = parties.filter((party) => party.role === 'lead');
  if (drafts.length > 0 && leads.length === 0) {
    warn(warnings, 'no-lead-party', 'No party both leads ("chủ trì") and consolidates the report.');
  }
  if (leads.length > 1) {
    const ordinals = leads.map((party) => party.ordinal).join(', ');
    warn(warnings, 'several-lead-parties', `Parties ${ordinals} all lead and consolidate the report.`);
  }
  return parties;
}

function readPartyDrafts(section: Section, warnings: PlanWarning[]): PartyDraft[] {
  const drafts: { ordinal: number; start: number; heading: MappedText; duties: Duty[] }[] = [];
  for (const block of section.body) {
    const heading = numberedHeading(block.text);
    const follows = (drafts[drafts.length - 1]?.ordinal ?? 0) + 1;
    const numbered = heading && (heading.number < 1000 || heading.number === follows) ? heading : null;
    if (numbered) {
      const { heading, inlineDuty } = splitHeading(block.slice(numbered.restStart));
      const expected = (drafts[drafts.length - 1]?.ordinal ?? 0) + 1;
      if (numbered.number !== expected) {
        warn(
          warnings,
          'party-numbering-gap',
          `Party ${numbered.number} follows party ${expected - 1}.`,
          block.span,
        );
      }
      const duties = inlineDuty ? [toDuty(inlineDuty, warnings)] : [];
      drafts.push({ ordinal: numbered.number, start: block.span.start, heading, duties });
      continue;
    }
    // Paragraphs before the first numbered heading introduce the section; they assign nothing.
    const duty = toDuty(block, warnings);
    if (duty.text !== '') drafts[drafts.length - 1]?.duties.push(duty);
  }
  return drafts.map((draft) => {
    if (draft.duties.length === 0) {
      warn(
        warnings,
        'party-without-duties',
        `Party ${draft.ordinal} (${draft.heading.text}) has no duties.`,
        draft.heading.span,
      );
    }
    // The plan asks rather than orders: "13. Đề nghị Ủy ban MTTQ ..." or a duty opening "Đề nghị ...".
    const requested = [draft.heading.text, draft.duties[0]?.text ?? ''].some((text) =>
      /^đề nghị\s/iu.test(text),
    );
    const names = splitNames(draft.heading.withoutPrefix(/^đề nghị\s+/iu));
    return { ...draft, requested, names };
  });
}

/** "Sở Y tế:" or "Sở Y tế: Chủ trì ..." (a duty written on the heading line). */
function splitHeading(rest: MappedText): { heading: MappedText; inlineDuty: MappedText | null } {
  const colon = rest.text.indexOf(':');
  const afterColon = colon === -1 ? null : rest.slice(colon + 1).trim();
  if (colon === -1 || !afterColon || afterColon.length === 0) {
    return { heading: rest.trim(/[\s:.;]+$/u), inlineDuty: null };
  }
  return { heading: rest.slice(0, colon).trim(), inlineDuty: afterColon };
}

/** The duty text without its bullet ("- ", "+ ", "• "), its own deadline and the bodies it names. */
function toDuty(mapped: MappedText, warnings: PlanWarning[]): Duty {
  const text = mapped.withoutPrefix(/^[-+•–—]\s*/u).trim();
  const deadline = dutyDeadline(text, warnings);
  const namedSupport = supportNamedIn(text);
  return {
    text: text.text,
    leads: leadsDuty(text.text),
    span: text.span,
    ...(deadline ? { deadline } : {}),
    ...(namedSupport.length > 0 ? { namedSupport } : {}),
  };
}

/**
 * "hoàn thành trước ngày 30/9/2025", "chậm nhất ngày 15 tháng 10 năm 2025", "(trước ngày" / "15/11/2025)"
 * broken over lines: a one-off deadline with its year. A day and month with no year repeat every
 * year: that is the reporting duty, read elsewhere.
 */
const DUTY_DEADLINE =
  /(?:trước|chậm nhất(?:\s+là)?(?:\s+vào)?|hạn chót|xong\s+trước|hoàn thành(?:\s+trước)?|trong)\s+ngày\s+(\d{1,2})\s*(?:[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})|tháng\s+(\d{1,2})\s+năm\s+(\d{4}))/iu;

function dutyDeadline(text: MappedText, warnings: PlanWarning[]): Duty['deadline'] {
  const match = DUTY_DEADLINE.exec(text.text);
  if (!match) return undefined;
  const day = Number(match[1]);
  const month = Number(match[2] ?? match[4]);
  const year = Number(match[3] ?? match[5]);
  const span = text.spanOf(match.index, match.index + match[0].length);
  const date = toIsoDate(day, month, year);
  if (date === null) {
    warn(warnings, 'duty-deadline-invalid', `The deadline "${match[0]}" is not a real day.`, span);
    return undefined;
  }
  return { date, span };
}

/** "phối hợp với Công an tỉnh, Sở Y tế và UBND các huyện thực hiện ...": the bodies after "phối hợp với". */
const WORKS_WITH =
  /phối hợp\s+(?:chặt chẽ\s+)?(?:với|cùng)\s+(.+?)(?=\s+(?:để|nhằm|trong|thực hiện|triển khai|tổ chức|tham mưu|xây dựng|tuyên truyền|kiểm tra|rà soát|hướng dẫn|theo|về|trước|hoàn thành)\s|[.;:()]|$)/giu;

function supportNamedIn(text: MappedText): PartyName[] {
  const names: PartyName[] = [];
  for (const match of text.text.matchAll(WORKS_WITH)) {
    const list = match[1] ?? '';
    const start = match.index + match[0].length - list.length;
    names.push(...bodiesIn(text.slice(start, start + list.length)));
  }
  return names;
}

/**
 * "Công an tỉnh, Sở Văn hóa, Thể thao và Du lịch và các cơ quan liên quan": split at every comma and
 * "và", and a piece that does not open with a body word ("Thể thao") belongs to the name before it.
 * Vague pieces ("các sở, ngành có liên quan") and anything after one name no body.
 */
function bodiesIn(list: MappedText): PartyName[] {
  const pieces: { from: number; to: number }[] = [];
  let from = 0;
  for (const separator of list.text.matchAll(/\s*[,;]\s*|\s+và\s+/gu)) {
    pieces.push({ from, to: separator.index });
    from = separator.index + separator[0].length;
  }
  pieces.push({ from, to: list.length });
  const names: { from: number; to: number }[] = [];
  for (const piece of pieces) {
    const text = list.text.slice(piece.from, piece.to);
    const previous = names[names.length - 1];
    if (/^các\s/iu.test(text)) break;
    if (STARTS_WITH_BODY.test(text)) names.push({ ...piece });
    else if (previous) previous.to = piece.to;
    else break;
  }
  return names
    .map(({ from: start, to }) => toPartyName(list.slice(start, to)))
    .filter((name) => name.name !== '' && name.name.split(' ').length <= 12);
}

/** "Chủ trì, phối hợp ...", "Tham mưu, chủ trì ...". */
function leadsDuty(text: string): boolean {
  return /^(?:\p{L}+(?:\s\p{L}+)?,\s*)?chủ trì(?=[\s,]|$)/iu.test(text);
}

/** Words that begin the name of a body; a comma or "và" before one of them separates two names. */
const BODY_START = [
  'Sở',
  'Phòng',
  'Văn phòng',
  'Trung tâm',
  'Ủy ban',
  'Uỷ ban',
  'UBND',
  'Công an',
  'Ban',
  'Bộ',
  'Hội',
  'Tỉnh đoàn',
  'Thành đoàn',
  'Huyện đoàn',
  'Đoàn',
  'Liên đoàn',
  'Liên minh',
  'Bệnh viện',
  'Tòa án',
  'Toà án',
  'Viện',
  'Cục',
  'Chi cục',
  'Đài',
  'Báo',
  'Bưu điện',
  'Bảo hiểm',
  'Kho bạc',
  'Ngân hàng',
  'Quỹ',
  'Thanh tra',
  'Mặt trận',
  '[Cc]ác (?:tổ chức|cơ quan|đơn vị|sở|phòng|hội|đoàn thể|doanh nghiệp|trường)',
].join('|');
const NAME_SEPARATOR = new RegExp(
  `\\s*[,;]\\s*(?=(?:${BODY_START})\\s)|\\s+và\\s+(?=(?:${BODY_START})\\s)`,
  'gu',
);
const STARTS_WITH_BODY = new RegExp(`^(?:${BODY_START})\\s`, 'u');

/**
 * "Ủy ban Mặt trận Tổ quốc và các tổ chức thành viên, các tổ chức chính trị - xã hội" names three
 * bodies, while "Sở Văn hóa, Thể thao và Du lịch" and "UBND các huyện, thành phố" name one each: a
 * separator only splits when a body's name follows it.
 */
function splitNames(heading: MappedText): PartyName[] {
  const names: PartyName[] = [];
  let start = 0;
  for (const separator of heading.text.matchAll(NAME_SEPARATOR)) {
    names.push(toPartyName(heading.slice(start, separator.index)));
    start = separator.index + separator[0].length;
  }
  names.push(toPartyName(heading.slice(start)));
  return names.filter((name) => name.name !== '');
}

function toPartyName(mapped: MappedText): PartyName {
  const name = mapped.trim(/[\s,;:.]+$/u);
  return { name: name.text, isGroup: /(?:^|\s)các\s/iu.test(name.text), span: name.span };
}

const CONSOLIDATES_RESULTS = /tong hop (?:ket qua|bao cao (?:nam|hang nam|dinh ky|ket qua))/;

/**
 * 'lead' is the party that leads ("chủ trì") and consolidates the report: the plan's focal point.
 * Other parties that "chủ trì" one piece of work lead that duty (Duty.leads) but support the plan.
 */
function decideRole(draft: PartyDraft, numeral: string, reporting: ReportingDuty | null): ResponsibleParty {
  const reportsGoThroughIt =
    reporting?.through != null &&
    draft.names.some((name) => namesSameBody(name.name, reporting.through?.name ?? ''));
  const consolidatesReport =
    reportsGoThroughIt ||
    draft.duties.some(
      (duty) => /t[ổôo]ng\s*h[ợơo]p/iu.test(duty.text) && CONSOLIDATES_RESULTS.test(foldForSearch(duty.text)),
    );
  const role = roleOf(draft, consolidatesReport);
  const lastDuty = draft.duties[draft.duties.length - 1];
  return {
    ordinal: draft.ordinal,
    sectionRef: `${numeral}.${draft.ordinal}`,
    heading: draft.heading.text,
    headingSpan: draft.heading.span,
    names: draft.names,
    isGroup: draft.names.some((name) => name.isGroup),
    role,
    consolidatesReport,
    duties: draft.duties,
    span: { start: draft.start, end: lastDuty?.span.end ?? draft.heading.span.end },
  };
}

function roleOf(draft: PartyDraft, consolidatesReport: boolean): PartyRole {
  if (draft.requested) return 'requested';
  const leadsSomething = draft.duties.some((duty) => duty.leads);
  return consolidatesReport && leadsSomething ? 'lead' : 'support';
}
