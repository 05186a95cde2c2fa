import { foldForSearch } from '#libs/shared-kernel';
import type { MappedText } from './mapped-text.js';
import type { Block } from './outline.js';
import type { CitedDocument, CitedDocumentKind, PlanWarning } from './types.js';
import { toIsoDate } from './vietnamese.js';
import { warn } from './warnings.js';

/** Written kind (full or abbreviated) -> kind. Longer names first so "Chương trình hành động" wins. */
const KIND_NAMES: readonly (readonly [string, CitedDocumentKind])[] = [
  ['Chương trình hành động', 'Chương trình hành động'],
  ['Chương trình', 'Chương trình'],
  ['Chỉ thị', 'Chỉ thị'],
  ['Nghị quyết', 'Nghị quyết'],
  ['Nghị định', 'Nghị định'],
  ['Quyết định', 'Quyết định'],
  ['Kế hoạch', 'Kế hoạch'],
  ['Công văn', 'Công văn'],
  ['Văn bản', 'Văn bản'],
  ['Thông báo', 'Thông báo'],
  ['Thông tư', 'Thông tư'],
  ['Hướng dẫn', 'Hướng dẫn'],
  ['Kết luận', 'Kết luận'],
  ['CTr', 'Chương trình'],
  ['CT', 'Chỉ thị'],
  ['NQ', 'Nghị quyết'],
  ['NĐ', 'Nghị định'],
  ['QĐ', 'Quyết định'],
  ['KH', 'Kế hoạch'],
  ['CV', 'Công văn'],
  ['TB', 'Thông báo'],
];
const KIND_ALTERNATION = KIND_NAMES.map(([written]) => written).join('|');
/** "28-CT/TW", "121/2020/QH14"; a web copy's "1848/LĐTBXH- TE" keeps its last part. */
const DOCUMENT_NUMBER = String.raw`\d+(?:[/\-–](?:\s(?=\p{Lu}{2}))?[\p{L}\d&]+)*`;

/** A number with its code ("2361/QĐ-TTg", "121/2020/QH14", "28-CT/TW"): enough without "số". */
const CODED_NUMBER = String.raw`\d+(?:[/\-–]\d+)*[/\-–]\p{Lu}[\p{L}\d&]*(?:[/\-–][\p{L}\d&]+)*`;
/** "Chỉ thị số 28-CT/TW", "Kế hoạch số 186/KH-UBND", "Quyết định 2361/QĐ-TTg", "QUYẾT ĐỊNH SỐ 23/QĐ-TTg". */
const NUMBERED_CITATION = new RegExp(
  `(?<!\\p{L})(${KIND_ALTERNATION})\\s+(?:số\\s*:?\\s*(${DOCUMENT_NUMBER})|(${CODED_NUMBER}))`,
  'giu',
);
/** "Luật Trẻ em năm 2016", "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015". */
const LAW_CITATION = new RegExp(
  `(?<!\\p{L})Luật\\s+(?!số\\s)(\\p{L}[\\p{L}\\s-]*?)(?=\\s+(?:số|ngày|năm|và|của|về|được|đã|có|nhằm|trong|để|theo)\\s|[,;.()]|$)(?:\\s+số\\s*(${DOCUMENT_NUMBER}))?`,
  'gu',
);

const NUMERIC_DATE = /^\s*,?\s*(?:ban hành\s+)?ngày\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})/u;
const WORDED_DATE = /^\s*,?\s*(?:ban hành\s+)?ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/u;
const LAW_YEAR = /^\s+năm\s+\d{4}/u;
const ISSUER_START = /^\s*,?\s*của\s+/u;
/** Where the issuing body's name ends: punctuation, a linking word, or the next cited document. */
const ISSUER_END = new RegExp(
  `(?<!(?:TP|Tp|TX|TT))[.]|[,;:()]|\\s+(?:về|thực hiện|triển khai|ban hành|phê duyệt|nhằm|trên địa bàn|quy định|hướng dẫn|đối với|tại|ngày)(?=[\\s,;.]|$)|\\s+(?:và\\s+)?(?:${KIND_ALTERNATION}|Luật)(?=\\s|$)`,
  'u',
);

/**
 * The documents the plan cites in its title and preamble, each once: a document mentioned again
 * ("Chỉ thị số 28-CT/TW, ngày 25/12/2023 của Bộ Chính trị") merges into the first mention.
 */
export function readBasis(blocks: readonly Block[], warnings: PlanWarning[]): CitedDocument[] {
  const byKey = new Map<string, CitedDocument>();
  for (const block of blocks) {
    for (const citation of citationsIn(block, warnings)) {
      const key = citation.number ? foldForSearch(citation.number) : foldForSearch(citation.name ?? '');
      const known = byKey.get(key);
      byKey.set(key, known ? mergeMentions(known, citation) : citation);
    }
  }
  return [...byKey.values()];
}

function citationsIn(mapped: MappedText, warnings: PlanWarning[]): CitedDocument[] {
  const found: { at: number; citation: CitedDocument }[] = [];
  for (const match of mapped.text.matchAll(NUMBERED_CITATION)) {
    const kind = kindOf(match[1] ?? '');
    const number = (match[2] ?? match[3] ?? '').replace(/–/gu, '-').replace(/\s+/gu, '');
    if (!kind) continue;
    const end = match.index + match[0].length;
    found.push({
      at: match.index,
      citation: completeCitation(mapped, match.index, end, { kind, number, name: null }, warnings),
    });
  }
  for (const match of mapped.text.matchAll(LAW_CITATION)) {
    const name = `Luật ${(match[1] ?? '').trim()}`;
    const number = match[2] ?? null;
    const end = match.index + match[0].length;
    found.push({
      at: match.index,
      citation: completeCitation(mapped, match.index, end, { kind: 'Luật', number, name }, warnings),
    });
  }
  return found.sort((a, b) => a.at - b.at).map((entry) => entry.citation);
}

function kindOf(written: string): CitedDocumentKind | undefined {
  // Abbreviations only as written ("CT", not "ct"); full names in any case ("QUYẾT ĐỊNH").
  const exact = KIND_NAMES.find(([name]) => name === written)?.[1];
  if (exact) return exact;
  const lower = written.toLocaleLowerCase('vi');
  return KIND_NAMES.find(([name]) => name.length > 3 && name.toLocaleLowerCase('vi') === lower)?.[1];
}

/**
 * The issuer a document's code names when the text does not say "của ...": "/QĐ-TTg" is the Prime
 * Minister's, "/QH14" the National Assembly's, "/NĐ-CP" the Government's, "-BLĐTBXH" the Labour
 * ministry's. Party codes ("-CT/TW") are left alone: the Politburo and the Secretariat share them.
 */
const ISSUER_BY_CODE: readonly (readonly [RegExp, string])[] = [
  [/[-/]TTg$/u, 'Thủ tướng Chính phủ'],
  [/\/QH\d*$/u, 'Quốc hội'],
  [/[-/]CP$/u, 'Chính phủ'],
  [/[-/]B?LĐTBXH(?:-[\p{L}]+)?$/u, 'Bộ Lao động - Thương binh và Xã hội'],
  [/[-/]BYT$/u, 'Bộ Y tế'],
  [/[-/]BGDĐT$/u, 'Bộ Giáo dục và Đào tạo'],
  [/[-/]BCA$/u, 'Bộ Công an'],
  [/[-/]BTP$/u, 'Bộ Tư pháp'],
  [/[-/]BVHTTDL$/u, 'Bộ Văn hóa, Thể thao và Du lịch'],
];

function issuerByCode(number: string | null): string | null {
  if (number === null) return null;
  return ISSUER_BY_CODE.find(([pattern]) => pattern.test(number))?.[1] ?? null;
}

/** Reads the date and the issuing body that follow a document number. */
function completeCitation(
  mapped: MappedText,
  start: number,
  numberEnd: number,
  identity: Pick<CitedDocument, 'kind' | 'number' | 'name'>,
  warnings: PlanWarning[],
): CitedDocument {
  let end = numberEnd;
  let date: string | null = null;
  const dateMatch = NUMERIC_DATE.exec(mapped.text.slice(end)) ?? WORDED_DATE.exec(mapped.text.slice(end));
  if (dateMatch) {
    const [day, month, year] = [dateMatch[1], dateMatch[2], dateMatch[3]].map(Number) as [
      number,
      number,
      number,
    ];
    date = toIsoDate(day, month, year);
    if (date === null) {
      const span = mapped.spanOf(end, end + dateMatch[0].length);
      warn(
        warnings,
        'invalid-date',
        `The date of ${identity.kind} ${identity.number ?? ''} is not a real day.`,
        span,
      );
    }
    end += dateMatch[0].length;
  } else if (identity.kind === 'Luật') {
    end += LAW_YEAR.exec(mapped.text.slice(end))?.[0].length ?? 0;
  }

  let issuedBy: string | null = null;
  const issuerStart = ISSUER_START.exec(mapped.text.slice(end));
  if (issuerStart) {
    const from = end + issuerStart[0].length;
    const rest = mapped.text.slice(from);
    const stop = ISSUER_END.exec(rest);
    const name = rest.slice(0, stop ? stop.index : rest.length).trim();
    if (name !== '') {
      issuedBy = name;
      end = from + name.length;
    }
  }
  // The code names the issuer when the sentence does not; "của ..." as written wins.
  issuedBy ??= issuerByCode(identity.number);
  return { ...identity, date, issuedBy, span: mapped.spanOf(start, end) };
}

/** Keeps the first mention's kind; fills in what it lacked; keeps the span of the fuller mention. */
function mergeMentions(first: CitedDocument, again: CitedDocument): CitedDocument {
  const detail = (c: CitedDocument): number => (c.date ? 1 : 0) + (c.issuedBy ? 1 : 0);
  const longerIssuer =
    (again.issuedBy?.length ?? 0) > (first.issuedBy?.length ?? 0) ? again.issuedBy : first.issuedBy;
  return {
    ...first,
    date: first.date ?? again.date,
    issuedBy: longerIssuer,
    span: detail(again) > detail(first) ? again.span : first.span,
  };
}
