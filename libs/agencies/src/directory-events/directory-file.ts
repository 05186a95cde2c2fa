import { toNfc } from '#libs/shared-kernel';
import { AgencyDirectory, InvalidAgencyDirectoryError } from '../directory.js';
import {
  AGENCY_CODE_PATTERN,
  AGENCY_LEVELS,
  type Agency,
  type AgencyGroup,
  type Jurisdiction,
} from '../types.js';
import { agencyCreated, type DirectoryEvent } from './directory.events.js';
import { directoryInputOf, foldDirectory, type DirectoryState } from './directory.fold.js';

/**
 * A directory file: JSON Lines, one record a line, so that every error names its line. A record is
 * a jurisdiction, an agency or a group, as the directory's model has them:
 *
 *   {"type":"jurisdiction","code":"lai-chau","name":"tỉnh Lai Châu","parentCode":null,"placeNames":["Lai Châu"],"levelWords":["tỉnh"]}
 *   {"type":"agency","code":"lc-so-y-te","name":"Sở Y tế tỉnh Lai Châu","shortName":"Sở Y tế","level":"department","parentCode":"lc-ubnd-tinh","jurisdiction":"lai-chau","aliases":[]}
 *   {"type":"group","code":"lc-ubnd-cap-huyen","name":"UBND các huyện, thành phố","jurisdiction":"lai-chau","memberCodes":["..."],"aliases":[]}
 *
 * Blank lines and lines starting with '#' are skipped. Importing a file records, in one append,
 * what it changes against the directory as it is: new bodies, renamings, moves, changed aliases
 * (planDirectoryImport). A file with any error records nothing.
 */

/** One error: the line of the file (1-based), the JSON pointer of the field in that line's record. */
export interface DirectoryFileError {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface DirectoryImportSummary {
  readonly jurisdictions: number;
  readonly created: number;
  readonly renamed: number;
  readonly moved: number;
  readonly aliasesChanged: number;
  readonly groups: number;
  readonly unchanged: number;
}

export type DirectoryImportPlan =
  | { readonly ok: true; readonly events: DirectoryEvent[]; readonly summary: DirectoryImportSummary }
  | { readonly ok: false; readonly errors: DirectoryFileError[] };

type DirectoryRecord =
  | { readonly type: 'jurisdiction'; readonly line: number; readonly value: Jurisdiction }
  | { readonly type: 'agency'; readonly line: number; readonly value: Agency }
  | { readonly type: 'group'; readonly line: number; readonly value: AgencyGroup };

/** Files larger than this many records are refused: a province has a few thousand bodies. */
export const MAX_DIRECTORY_RECORDS = 100_000;

export function planDirectoryImport(text: string, current: DirectoryState): DirectoryImportPlan {
  const { records, errors } = parseRecords(text);
  if (errors.length === 0) errors.push(...referenceErrors(records, current));
  if (errors.length > 0) return { ok: false, errors };

  const events: DirectoryEvent[] = [];
  const summary = {
    jurisdictions: 0,
    created: 0,
    renamed: 0,
    moved: 0,
    aliasesChanged: 0,
    groups: 0,
    unchanged: 0,
  };
  for (const record of records) {
    if (record.type === 'jurisdiction') {
      if (!sameJson(current.jurisdictions.get(record.value.code), record.value)) {
        events.push({ type: 'JurisdictionDefined', data: { jurisdiction: record.value } });
        summary.jurisdictions++;
      } else summary.unchanged++;
    } else if (record.type === 'group') {
      if (!sameJson(current.groups.get(record.value.code), record.value)) {
        events.push({ type: 'AgencyGroupDefined', data: { group: record.value } });
        summary.groups++;
      } else summary.unchanged++;
    } else {
      const changes = agencyChanges(current.agencies.get(record.value.code), record.value);
      events.push(...changes);
      if (changes.length === 0) summary.unchanged++;
      for (const change of changes) {
        if (change.type === 'AgencyCreated') summary.created++;
        if (change.type === 'AgencyRenamed') summary.renamed++;
        if (change.type === 'AgencyMoved') summary.moved++;
        if (change.type === 'AgencyAliasesChanged') summary.aliasesChanged++;
      }
    }
  }
  // The directory the events leave must hold together (no name two bodies answer to, no cycle).
  try {
    new AgencyDirectory(directoryInputOf(foldDirectory(events, current)));
  } catch (error) {
    if (!(error instanceof InvalidAgencyDirectoryError)) throw error;
    return { ok: false, errors: error.problems.map((problem) => problemAtLine(problem, records)) };
  }
  return { ok: true, events, summary };
}

/** What an import changes of one agency. Jurisdiction and level are an agency's identity: not changed here. */
function agencyChanges(before: Agency | undefined, after: Agency): DirectoryEvent[] {
  if (before === undefined) return [agencyCreated(after)];
  const events: DirectoryEvent[] = [];
  if (before.name !== after.name || before.shortName !== after.shortName) {
    events.push({
      type: 'AgencyRenamed',
      data: { code: after.code, name: after.name, shortName: after.shortName ?? null },
    });
  }
  if (before.parentCode !== after.parentCode) {
    events.push({ type: 'AgencyMoved', data: { code: after.code, parentCode: after.parentCode } });
  }
  if (!sameJson(before.aliases, after.aliases)) {
    events.push({ type: 'AgencyAliasesChanged', data: { code: after.code, aliases: after.aliases } });
  }
  return events;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

// --- Reading the lines ---------------------------------------------------------------------------

function parseRecords(text: string): { records: DirectoryRecord[]; errors: DirectoryFileError[] } {
  const records: DirectoryRecord[] = [];
  const errors: DirectoryFileError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (records.length >= MAX_DIRECTORY_RECORDS) {
      if (records.length === MAX_DIRECTORY_RECORDS)
        errors.push({ line, field: '', message: `more than ${MAX_DIRECTORY_RECORDS} records` });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      errors.push({ line, field: '', message: `not a JSON record: ${(error as Error).message}` });
      return;
    }
    const record = readRecord(value, line, errors);
    if (record) records.push(record);
  });
  if (records.length === 0 && errors.length === 0)
    errors.push({ line: 1, field: '', message: 'the file holds no record' });
  return { records, errors };
}

function readRecord(value: unknown, line: number, errors: DirectoryFileError[]): DirectoryRecord | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ line, field: '', message: 'must be a JSON object' });
    return null;
  }
  const o = value as Record<string, unknown>;
  const before = errors.length;
  const fail = (field: string, message: string): void =>
    void errors.push({ line, field: `/${field}`, message });
  const str = (field: string, optional = false): string => {
    const v = o[field];
    if ((v === undefined || v === null) && optional) return '';
    if (typeof v !== 'string' || v.trim() === '') {
      fail(field, 'must be a non-empty string');
      return '';
    }
    return toNfc(v.trim());
  };
  const code = (field: string, nullable: boolean): string | null => {
    const v = o[field];
    if (v === null && nullable) return null;
    if (typeof v !== 'string' || !AGENCY_CODE_PATTERN.test(v)) {
      fail(field, `must be a code of lowercase ASCII words joined by hyphens${nullable ? ', or null' : ''}`);
      return null;
    }
    return v;
  };
  const list = (field: string, check: 'text' | 'code' = 'text'): string[] => {
    const v = o[field] ?? [];
    if (!Array.isArray(v)) {
      fail(field, 'must be an array of strings');
      return [];
    }
    return v.flatMap((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') {
        fail(`${field}/${i}`, 'must be a non-empty string');
        return [];
      }
      if (check === 'code' && !AGENCY_CODE_PATTERN.test(item)) {
        fail(`${field}/${i}`, 'must be a code of lowercase ASCII words joined by hyphens');
        return [];
      }
      return [check === 'code' ? item : toNfc(item.trim())];
    });
  };

  switch (o.type) {
    case 'jurisdiction': {
      const j: Jurisdiction = {
        code: code('code', false) ?? '',
        name: str('name'),
        parentCode: code('parentCode', true),
        placeNames: list('placeNames'),
        levelWords: list('levelWords'),
      };
      return errors.length > before ? null : { type: 'jurisdiction', line, value: j };
    }
    case 'agency': {
      // In the order the fields are written.
      const agencyCode = code('code', false) ?? '';
      const name = str('name');
      const level = o.level;
      if (typeof level !== 'string' || !(AGENCY_LEVELS as readonly string[]).includes(level)) {
        fail('level', `must be one of ${AGENCY_LEVELS.join(', ')}`);
      }
      const shortName = str('shortName', true);
      const agency: Agency = {
        code: agencyCode,
        name,
        ...(shortName === '' ? {} : { shortName }),
        level: level as Agency['level'],
        parentCode: code('parentCode', true),
        jurisdiction: code('jurisdiction', false) ?? '',
        aliases: list('aliases'),
      };
      return errors.length > before ? null : { type: 'agency', line, value: agency };
    }
    case 'group': {
      const group: AgencyGroup = {
        code: code('code', false) ?? '',
        name: str('name'),
        jurisdiction: code('jurisdiction', false) ?? '',
        memberCodes: list('memberCodes', 'code'),
        aliases: list('aliases'),
      };
      if (group.memberCodes.length === 0 && errors.length === before)
        fail('memberCodes', 'must name a member');
      return errors.length > before ? null : { type: 'group', line, value: group };
    }
    default:
      fail('type', "must be 'jurisdiction', 'agency' or 'group'");
      return null;
  }
}

/** Codes the file uses must exist in the file or the directory; each code once in the file. */
function referenceErrors(records: readonly DirectoryRecord[], current: DirectoryState): DirectoryFileError[] {
  const errors: DirectoryFileError[] = [];
  const seen = new Map<string, number>();
  const jurisdictions = new Set(current.jurisdictions.keys());
  const agencies = new Set(current.agencies.keys());
  for (const r of records) {
    const key = `${r.type === 'jurisdiction' ? 'j' : 'a'}:${r.value.code}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        line: r.line,
        field: '/code',
        message: `"${r.value.code}" is already given on line ${first}`,
      });
    }
    seen.set(key, r.line);
    if (r.type === 'jurisdiction') jurisdictions.add(r.value.code);
    else if (r.type === 'agency') agencies.add(r.value.code);
  }
  for (const r of records) {
    const missing = (field: string, what: string, target: string): void =>
      void errors.push({
        line: r.line,
        field,
        message: `${what} "${target}" is neither in the file nor in the directory`,
      });
    if (r.type === 'jurisdiction') {
      if (r.value.parentCode !== null && !jurisdictions.has(r.value.parentCode))
        missing('/parentCode', 'jurisdiction', r.value.parentCode);
      continue;
    }
    if (!jurisdictions.has(r.value.jurisdiction))
      missing('/jurisdiction', 'jurisdiction', r.value.jurisdiction);
    if (r.type === 'agency') {
      const before = current.agencies.get(r.value.code);
      if (r.value.parentCode !== null && !agencies.has(r.value.parentCode))
        missing('/parentCode', 'agency', r.value.parentCode);
      if (r.value.parentCode === r.value.code)
        errors.push({ line: r.line, field: '/parentCode', message: 'an agency cannot be its own parent' });
      if (before && before.jurisdiction !== r.value.jurisdiction)
        errors.push({
          line: r.line,
          field: '/jurisdiction',
          message: `is "${before.jurisdiction}" in the directory; a body does not change jurisdiction (record a reorganisation)`,
        });
      if (before && before.level !== r.value.level)
        errors.push({
          line: r.line,
          field: '/level',
          message: `is "${before.level}" in the directory; a body does not change level (record a reorganisation)`,
        });
    } else {
      r.value.memberCodes.forEach((member, i) => {
        if (!agencies.has(member)) missing(`/memberCodes/${i}`, 'agency', member);
      });
    }
  }
  return errors.sort((a, b) => a.line - b.line);
}

/** A problem of the whole directory, at the line of the first code of the file it names. */
function problemAtLine(problem: string, records: readonly DirectoryRecord[]): DirectoryFileError {
  for (const [, quoted] of problem.matchAll(/"([^"]+)"/g)) {
    const record = records.find((r) => r.value.code === quoted);
    if (record) return { line: record.line, field: '/code', message: problem };
  }
  return { line: 0, field: '', message: problem };
}
