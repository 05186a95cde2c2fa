import { foldForSearch, toNfc } from '#libs/shared-kernel';
import {
  diceCoefficient,
  keySimilarity,
  keyTrigrams,
  normaliseAgencyName,
  stripPlaceQualifiers,
  type PlaceQualifiers,
} from './normalise.js';
import type { AgencySuccession, SuccessorForFunction } from './directory-events/directory.events.js';
import {
  AGENCY_CODE_PATTERN,
  AGENCY_LEVELS,
  type Agency,
  type AgencyGroup,
  type AgencyLevel,
  type Jurisdiction,
} from './types.js';

/** Every key's trigrams, by trigram: a name is compared only with the keys it shares one with. */
interface TrigramIndex {
  readonly keyNumbers: Map<string, number>;
  readonly totals: number[];
  readonly postings: Map<string, { readonly key: number; readonly count: number }[]>;
}

export interface AgencyCandidate {
  readonly agency: Agency;
  /** 0..1, higher is closer. */
  readonly score: number;
}

export interface AgencyGroupCandidate {
  readonly group: AgencyGroup;
  readonly score: number;
}

export type AgencyResolution =
  | { readonly kind: 'agency'; readonly agency: Agency }
  | { readonly kind: 'group'; readonly group: AgencyGroup; readonly members: readonly Agency[] }
  | {
      readonly kind: 'unknown';
      /** 'ambiguous': several bodies match equally well (e.g. "Sở LĐTBXH" with no jurisdiction). */
      readonly reason: 'ambiguous' | 'not-found';
      readonly candidates: readonly AgencyCandidate[];
      readonly groupCandidates: readonly AgencyGroupCandidate[];
    };

export interface ResolveOptions {
  /** The jurisdiction of the text the name comes from (the plan's issuer); it decides between same-named bodies. */
  readonly jurisdiction?: string;
}

export interface SearchOptions {
  /** Restrict to this jurisdiction and the jurisdictions it sits in or contains. */
  readonly jurisdiction?: string;
  /** Default 10. */
  readonly limit?: number;
}

export interface AgencySearchHit {
  readonly agency: Agency;
  readonly score: number;
  readonly matchedOn: 'code' | 'name' | 'shortName' | 'alias';
}

export interface AgencyDirectoryInput {
  readonly agencies: readonly Agency[];
  readonly groups: readonly AgencyGroup[];
  readonly jurisdictions: readonly Jurisdiction[];
  /** Bodies that ceased to exist and who took over from them (ADR 0032); none by default. */
  readonly successions?: readonly AgencySuccession[];
}

/** The directory data is inconsistent; `problems` lists every problem found, not only the first. */
export class InvalidAgencyDirectoryError extends Error {
  override readonly name = 'InvalidAgencyDirectoryError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid agency directory (${problems.length} problem(s)):\n- ${problems.join('\n- ')}`);
  }
}

type Entry =
  | { readonly kind: 'agency'; readonly agency: Agency }
  | { readonly kind: 'group'; readonly group: AgencyGroup };

interface Field {
  readonly text: string;
  readonly matchedOn: 'name' | 'shortName' | 'alias';
}

const MAX_CANDIDATES = 5;
const MIN_CANDIDATE_SCORE = 0.3;
/** Candidates from outside the plan's jurisdiction rank below those inside it. */
const OUTSIDE_JURISDICTION_FACTOR = 0.7;
const MIN_SEARCH_SCORE = 0.3;

function entryCode(entry: Entry): string {
  return entry.kind === 'agency' ? entry.agency.code : entry.group.code;
}

function entryJurisdiction(entry: Entry): string {
  return entry.kind === 'agency' ? entry.agency.jurisdiction : entry.group.jurisdiction;
}

function fieldsOf(item: Agency | AgencyGroup): Field[] {
  const fields: Field[] = [{ text: item.name, matchedOn: 'name' }];
  if ('shortName' in item && item.shortName !== undefined)
    fields.push({ text: item.shortName, matchedOn: 'shortName' });
  for (const alias of item.aliases) fields.push({ text: alias, matchedOn: 'alias' });
  return fields;
}

function freezeAgency(agency: Agency): Agency {
  return Object.freeze({
    code: agency.code,
    name: toNfc(agency.name),
    ...(agency.shortName === undefined ? {} : { shortName: toNfc(agency.shortName) }),
    level: agency.level,
    parentCode: agency.parentCode,
    jurisdiction: agency.jurisdiction,
    aliases: Object.freeze(agency.aliases.map(toNfc)),
  });
}

function freezeGroup(group: AgencyGroup): AgencyGroup {
  return Object.freeze({
    code: group.code,
    name: toNfc(group.name),
    jurisdiction: group.jurisdiction,
    memberCodes: Object.freeze([...group.memberCodes]),
    aliases: Object.freeze(group.aliases.map(toNfc)),
  });
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

/**
 * The agency directory: a validated, immutable set of agencies, groups and jurisdictions with
 * name resolution and search. Pure: no I/O, no clock.
 */
export class AgencyDirectory {
  private readonly agencies: readonly Agency[];
  private readonly groups: readonly AgencyGroup[];
  private readonly jurisdictionList: readonly Jurisdiction[];
  private readonly agencyByCode = new Map<string, Agency>();
  private readonly groupByCode = new Map<string, AgencyGroup>();
  private readonly jurisdictionByCode = new Map<string, Jurisdiction>();
  private readonly successionByCode = new Map<string, AgencySuccession>();
  /** Normalised key (and its qualifier-free forms) -> the agencies and groups written that way. */
  private readonly index = new Map<string, Entry[]>();
  /** Every key of an agency or group, for candidate scoring and search. */
  private readonly keysByCode = new Map<string, { key: string; matchedOn: Field['matchedOn'] }[]>();
  private readonly allQualifiers: PlaceQualifiers;
  /**
   * The keys by trigram, made on the first unknown name: a plan of 2,300 parties none of the
   * directory knows compared each of them with every key, building both keys' trigrams each time.
   */
  private trigramIndex: TrigramIndex | undefined;

  constructor(input: AgencyDirectoryInput) {
    this.agencies = Object.freeze(input.agencies.map(freezeAgency));
    this.groups = Object.freeze(input.groups.map(freezeGroup));
    this.jurisdictionList = Object.freeze(input.jurisdictions.map((j) => Object.freeze({ ...j })));
    for (const j of this.jurisdictionList) this.jurisdictionByCode.set(j.code, j);
    for (const a of this.agencies) this.agencyByCode.set(a.code, a);
    for (const g of this.groups) this.groupByCode.set(g.code, g);
    for (const s of input.successions ?? []) this.successionByCode.set(s.code, Object.freeze(s));
    this.allQualifiers = {
      placeNames: this.jurisdictionList.flatMap((j) => j.placeNames),
      levelWords: this.jurisdictionList.flatMap((j) => j.levelWords),
    };

    const problems = this.validateStructure(input);
    if (problems.length === 0) {
      this.buildIndex();
      problems.push(...this.findKeyCollisions());
    }
    if (problems.length > 0) throw new InvalidAgencyDirectoryError(problems);
  }

  get(code: string): Agency | undefined {
    return this.agencyByCode.get(code);
  }

  /** How the agency ceased to exist, or undefined while it exists. */
  successionOf(code: string): AgencySuccession | undefined {
    return this.successionByCode.get(code);
  }

  /** Active: in the directory and not succeeded by another body. */
  isActive(code: string): boolean {
    return this.agencyByCode.has(code) && !this.successionByCode.has(code);
  }

  /**
   * Who holds the agency's functions today: its successors per function, followed through later
   * reorganisations (a successor that was itself succeeded hands on to its own successors); empty
   * for an agency that still exists.
   */
  successorsOf(code: string): SuccessorForFunction[] {
    const resolve = (agencyCode: string, fn: string | null, seen: Set<string>): SuccessorForFunction[] => {
      const succession = this.successionByCode.get(agencyCode);
      if (succession === undefined || seen.has(agencyCode)) return [{ function: fn, agencyCode }];
      const next = new Set(seen).add(agencyCode);
      return succession.successors
        .filter((s) => fn === null || s.function === null || s.function === fn)
        .flatMap((s) => resolve(s.agencyCode, s.function ?? fn, next));
    };
    return this.successionByCode.has(code) ? resolve(code, null, new Set()) : [];
  }

  getGroup(code: string): AgencyGroup | undefined {
    return this.groupByCode.get(code);
  }

  getJurisdiction(code: string): Jurisdiction | undefined {
    return this.jurisdictionByCode.get(code);
  }

  /** Agencies in seed order, optionally filtered by exact jurisdiction and level. */
  list(filter: { jurisdiction?: string; level?: AgencyLevel } = {}): Agency[] {
    return this.agencies.filter(
      (a) =>
        (filter.jurisdiction === undefined || a.jurisdiction === filter.jurisdiction) &&
        (filter.level === undefined || a.level === filter.level),
    );
  }

  listGroups(filter: { jurisdiction?: string } = {}): AgencyGroup[] {
    return this.groups.filter(
      (g) => filter.jurisdiction === undefined || g.jurisdiction === filter.jurisdiction,
    );
  }

  listJurisdictions(): Jurisdiction[] {
    return [...this.jurisdictionList];
  }

  /** Direct subordinates of an agency; empty for an unknown code. */
  children(code: string): Agency[] {
    return this.agencies.filter((a) => a.parentCode === code);
  }

  /** The member agencies of a group, in the group's order; empty for an unknown code. */
  members(groupCode: string): Agency[] {
    const group = this.groupByCode.get(groupCode);
    return group === undefined
      ? []
      : group.memberCodes.map((code) => this.agencyByCode.get(code)).filter((a) => a !== undefined);
  }

  /**
   * Resolves a name as written in a document to one agency, one group, or the closest candidates.
   * The most specific form of the name is tried first ("Sở LĐTBXH tỉnh Lạng Sơn" before "Sở LĐTBXH").
   * With a jurisdiction, bodies of that jurisdiction win over those of the jurisdiction it sits in
   * (the province) and of the ones it contains; a body of an unrelated jurisdiction is only taken
   * when the text names its place ("UBND thành phố Lạng Sơn" in a Lai Châu plan).
   */
  resolve(name: string, options: ResolveOptions = {}): AgencyResolution {
    const jurisdiction = options.jurisdiction;
    const ranks = jurisdiction === undefined ? undefined : this.jurisdictionRanks(jurisdiction);
    const key = normaliseAgencyName(name);
    if (key === '') return this.unknown('not-found', key, jurisdiction);
    if (ranks === undefined) {
      for (const variant of stripPlaceQualifiers(key, this.allQualifiers)) {
        const entries = this.index.get(variant) ?? [];
        if (entries.length === 1) return this.resolved(entries[0] as Entry);
        if (entries.length > 1) return this.ambiguous(entries);
      }
      return this.unknown('not-found', key, undefined);
    }

    for (const variant of stripPlaceQualifiers(key, this.lineageQualifiers(ranks))) {
      const entries = (this.index.get(variant) ?? []).filter((e) => ranks.has(entryJurisdiction(e)));
      if (entries.length === 0) continue;
      const best = Math.min(...entries.map((e) => ranks.get(entryJurisdiction(e)) ?? Infinity));
      const top = entries.filter((e) => ranks.get(entryJurisdiction(e)) === best);
      return top.length === 1 ? this.resolved(top[0] as Entry) : this.ambiguous(top);
    }
    // Outside the plan's jurisdiction only when the text itself names the other place.
    const padded = ` ${key} `;
    for (const variant of stripPlaceQualifiers(key, this.allQualifiers)) {
      const entries = (this.index.get(variant) ?? []).filter((e) => {
        const j = this.jurisdictionByCode.get(entryJurisdiction(e));
        return (
          !ranks.has(entryJurisdiction(e)) &&
          (j?.placeNames ?? []).some((place) => padded.includes(` ${normaliseAgencyName(place)} `))
        );
      });
      if (entries.length === 1) return this.resolved(entries[0] as Entry);
      if (entries.length > 1) return this.ambiguous(entries);
    }
    return this.unknown('not-found', key, jurisdiction);
  }

  /**
   * Diacritic- and case-insensitive search over codes, names, short names and aliases, best first.
   * "so lao dong" finds "Sở Lao động - Thương binh và Xã hội"; abbreviations work too ("ldtbxh").
   */
  search(query: string, options: SearchOptions = {}): AgencySearchHit[] {
    const key = normaliseAgencyName(query);
    const codeQuery = foldForSearch(query).replace(/\s+/g, '-');
    if (key === '' && codeQuery === '') return [];
    const ranks =
      options.jurisdiction === undefined ? undefined : this.jurisdictionRanks(options.jurisdiction);
    const hits: (AgencySearchHit & { rank: number; order: number })[] = [];
    this.agencies.forEach((agency, order) => {
      const rank = ranks === undefined ? 0 : ranks.get(agency.jurisdiction);
      if (rank === undefined) return;
      let best: AgencySearchHit | undefined;
      const consider = (score: number, matchedOn: AgencySearchHit['matchedOn']): void => {
        if (score > (best?.score ?? 0)) best = { agency, score, matchedOn };
      };
      consider(codeScore(codeQuery, agency.code), 'code');
      if (key !== '') {
        for (const { key: candidate, matchedOn } of this.keysByCode.get(agency.code) ?? []) {
          consider(textScore(key, candidate), matchedOn);
        }
      }
      if (best !== undefined && best.score >= MIN_SEARCH_SCORE) {
        hits.push({ ...best, score: round(best.score), rank, order });
      }
    });
    hits.sort(
      (a, b) =>
        b.score - a.score ||
        a.rank - b.rank ||
        levelOrder(a.agency) - levelOrder(b.agency) ||
        a.order - b.order,
    );
    return hits
      .slice(0, options.limit ?? 10)
      .map(({ agency, score, matchedOn }) => ({ agency, score, matchedOn }));
  }

  private resolved(entry: Entry): AgencyResolution {
    if (entry.kind === 'agency') return { kind: 'agency', agency: entry.agency };
    return { kind: 'group', group: entry.group, members: this.members(entry.group.code) };
  }

  private ambiguous(entries: readonly Entry[]): AgencyResolution {
    return {
      kind: 'unknown',
      reason: 'ambiguous',
      candidates: entries.flatMap((e) => (e.kind === 'agency' ? [{ agency: e.agency, score: 1 }] : [])),
      groupCandidates: entries.flatMap((e) => (e.kind === 'group' ? [{ group: e.group, score: 1 }] : [])),
    };
  }

  private unknown(reason: 'not-found', key: string, jurisdiction: string | undefined): AgencyResolution {
    if (key === '') return { kind: 'unknown', reason, candidates: [], groupCandidates: [] };
    const ranks = jurisdiction === undefined ? undefined : this.jurisdictionRanks(jurisdiction);
    const queryKeys = stripPlaceQualifiers(
      key,
      ranks === undefined ? this.allQualifiers : this.lineageQualifiers(ranks),
    );
    // The best keySimilarity of each key with any form of the name (keys sharing no trigram: 0).
    const index = this.trigramIndexOf();
    const similarity = new Float64Array(index.totals.length);
    for (const query of queryKeys) {
      const grams = keyTrigrams(query);
      const shared = new Int32Array(index.totals.length);
      for (const [gram, count] of grams.grams) {
        for (const posting of index.postings.get(gram) ?? []) {
          shared[posting.key] = (shared[posting.key] ?? 0) + Math.min(count, posting.count);
        }
      }
      shared.forEach((n, k) => {
        if (n === 0) return;
        const score = diceCoefficient(n, grams.total, index.totals[k] ?? 0);
        similarity[k] = Math.max(similarity[k] ?? 0, score);
      });
    }
    const scoreOf = (code: string, itemJurisdiction: string): number => {
      let best = 0;
      for (const { key: candidate } of this.keysByCode.get(code) ?? []) {
        best = Math.max(best, similarity[index.keyNumbers.get(candidate) ?? -1] ?? 0);
      }
      const outside = ranks !== undefined && !ranks.has(itemJurisdiction);
      return round(outside ? best * OUTSIDE_JURISDICTION_FACTOR : best);
    };
    const byScore = <T extends { score: number }>(items: T[]): T[] =>
      items
        .filter((c) => c.score >= MIN_CANDIDATE_SCORE)
        .sort((a, b) => b.score - a.score)
        .slice(0, MAX_CANDIDATES);
    return {
      kind: 'unknown',
      reason,
      candidates: byScore(
        this.agencies.map((agency) => ({ agency, score: scoreOf(agency.code, agency.jurisdiction) })),
      ),
      groupCandidates: byScore(
        this.groups.map((group) => ({ group, score: scoreOf(group.code, group.jurisdiction) })),
      ),
    };
  }

  private trigramIndexOf(): TrigramIndex {
    if (this.trigramIndex !== undefined) return this.trigramIndex;
    const index: TrigramIndex = { keyNumbers: new Map(), totals: [], postings: new Map() };
    for (const keys of this.keysByCode.values()) {
      for (const { key } of keys) {
        if (index.keyNumbers.has(key)) continue;
        const number = index.totals.length;
        const grams = keyTrigrams(key);
        index.keyNumbers.set(key, number);
        index.totals.push(grams.total);
        for (const [gram, count] of grams.grams) {
          let postings = index.postings.get(gram);
          if (postings === undefined) index.postings.set(gram, (postings = []));
          postings.push({ key: number, count });
        }
      }
    }
    this.trigramIndex = index;
    return index;
  }

  /**
   * How close each related jurisdiction is to the given one: itself 0, then the ones it sits in
   * (nearest first), then the ones inside it. Unrelated jurisdictions are absent.
   */
  private jurisdictionRanks(code: string): Map<string, number> {
    // A typo in a plan's jurisdiction would otherwise make every name silently unknown.
    if (!this.jurisdictionByCode.has(code)) throw new RangeError(`Unknown jurisdiction "${code}"`);
    const ranks = new Map<string, number>([[code, 0]]);
    let rank = 0;
    let parent = this.jurisdictionByCode.get(code)?.parentCode ?? null;
    while (parent !== null && !ranks.has(parent)) {
      ranks.set(parent, ++rank);
      parent = this.jurisdictionByCode.get(parent)?.parentCode ?? null;
    }
    let generation = [code];
    while (generation.length > 0) {
      rank++;
      const children = this.jurisdictionList
        .filter((j) => j.parentCode !== null && generation.includes(j.parentCode) && !ranks.has(j.code))
        .map((j) => j.code);
      for (const child of children) ranks.set(child, rank);
      generation = children;
    }
    return ranks;
  }

  private lineageQualifiers(ranks: Map<string, number>): PlaceQualifiers {
    const lineage = this.jurisdictionList.filter((j) => ranks.has(j.code));
    return {
      placeNames: lineage.flatMap((j) => j.placeNames),
      levelWords: lineage.flatMap((j) => j.levelWords),
    };
  }

  private qualifiersOf(jurisdiction: string): PlaceQualifiers {
    return this.jurisdictionByCode.get(jurisdiction) ?? { placeNames: [], levelWords: [] };
  }

  private buildIndex(): void {
    const entries: Entry[] = [
      ...this.agencies.map((agency): Entry => ({ kind: 'agency', agency })),
      ...this.groups.map((group): Entry => ({ kind: 'group', group })),
    ];
    for (const entry of entries) {
      const item = entry.kind === 'agency' ? entry.agency : entry.group;
      const keys: { key: string; matchedOn: Field['matchedOn'] }[] = [];
      for (const field of fieldsOf(item)) {
        const key = normaliseAgencyName(field.text);
        if (key === '') continue;
        for (const variant of stripPlaceQualifiers(key, this.qualifiersOf(item.jurisdiction))) {
          keys.push({ key: variant, matchedOn: field.matchedOn });
          const list = this.index.get(variant) ?? [];
          if (!list.some((e) => entryCode(e) === item.code)) list.push(entry);
          this.index.set(variant, list);
        }
      }
      this.keysByCode.set(item.code, keys);
    }
  }

  /** Two bodies of one jurisdiction written the same way would make every such name ambiguous. */
  private findKeyCollisions(): string[] {
    const problems: string[] = [];
    for (const [key, entries] of this.index) {
      const byJurisdiction = new Map<string, string[]>();
      for (const entry of entries) {
        const codes = byJurisdiction.get(entryJurisdiction(entry)) ?? [];
        codes.push(entryCode(entry));
        byJurisdiction.set(entryJurisdiction(entry), codes);
      }
      for (const [jurisdiction, codes] of byJurisdiction) {
        if (codes.length > 1) {
          problems.push(`"${codes.join('", "')}" in jurisdiction "${jurisdiction}" are all written "${key}"`);
        }
      }
    }
    return problems;
  }

  private validateStructure(input: AgencyDirectoryInput): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    const checkCode = (what: string, code: string): void => {
      if (!AGENCY_CODE_PATTERN.test(code)) {
        problems.push(
          `${what} code "${code}" must match ${String(AGENCY_CODE_PATTERN)} (lowercase ASCII, hyphens)`,
        );
      }
      if (seen.has(code)) problems.push(`duplicate code "${code}"`);
      seen.add(code);
    };
    const checkJurisdiction = (what: string, code: string, jurisdiction: string): void => {
      if (!this.jurisdictionByCode.has(jurisdiction)) {
        problems.push(`${what} "${code}": unknown jurisdiction "${jurisdiction}"`);
      }
    };

    const jurisdictionCodes = new Set<string>();
    for (const j of input.jurisdictions) {
      if (!AGENCY_CODE_PATTERN.test(j.code))
        problems.push(`jurisdiction code "${j.code}" must match ${String(AGENCY_CODE_PATTERN)}`);
      if (jurisdictionCodes.has(j.code)) problems.push(`duplicate jurisdiction "${j.code}"`);
      jurisdictionCodes.add(j.code);
    }
    for (const j of input.jurisdictions) {
      if (j.parentCode !== null && !jurisdictionCodes.has(j.parentCode)) {
        problems.push(`jurisdiction "${j.code}": parent "${j.parentCode}" does not exist`);
      }
    }

    for (const a of input.agencies) {
      checkCode('agency', a.code);
      if (a.name.trim() === '') problems.push(`agency "${a.code}": name is empty`);
      if (!(AGENCY_LEVELS as readonly string[]).includes(a.level))
        problems.push(`agency "${a.code}": unknown level "${a.level}"`);
      checkJurisdiction('agency', a.code, a.jurisdiction);
      if (a.parentCode === a.code) problems.push(`agency "${a.code}": is its own parent`);
      else if (a.parentCode !== null && !this.agencyByCode.has(a.parentCode)) {
        problems.push(`agency "${a.code}": parent "${a.parentCode}" does not exist`);
      }
    }
    problems.push(...this.findParentCycles());

    for (const g of input.groups) {
      checkCode('group', g.code);
      if (g.name.trim() === '') problems.push(`group "${g.code}": name is empty`);
      checkJurisdiction('group', g.code, g.jurisdiction);
      if (g.memberCodes.length === 0) problems.push(`group "${g.code}": has no members`);
      const members = new Set<string>();
      for (const member of g.memberCodes) {
        if (!this.agencyByCode.has(member))
          problems.push(`group "${g.code}": member "${member}" does not exist`);
        if (members.has(member)) problems.push(`group "${g.code}": member "${member}" is listed twice`);
        members.add(member);
      }
    }
    return problems;
  }

  private findParentCycles(): string[] {
    const problems: string[] = [];
    for (const start of this.agencies) {
      const path = new Set<string>([start.code]);
      for (let a = start; a.parentCode !== null && a.parentCode !== a.code;) {
        const parent = this.agencyByCode.get(a.parentCode);
        if (parent === undefined) break;
        if (path.has(parent.code)) {
          if (parent.code === start.code)
            problems.push(`agency "${start.code}": parent chain loops back to itself`);
          break;
        }
        path.add(parent.code);
        a = parent;
      }
    }
    return problems;
  }
}

function levelOrder(agency: Agency): number {
  return AGENCY_LEVELS.indexOf(agency.level);
}

function codeScore(query: string, code: string): number {
  if (query.length < 2) return 0;
  if (code === query) return 1;
  if (code.startsWith(query)) return 0.95;
  if (code.includes(query)) return 0.7;
  return 0;
}

/** How well a search key matches one key of an agency. */
function textScore(query: string, key: string): number {
  if (key === query) return 1;
  if (key.startsWith(`${query} `)) return 0.9;
  if (key.startsWith(query)) return 0.85; // the last word is still being typed
  const padded = ` ${key} `;
  if (padded.includes(` ${query} `)) return 0.8;
  if (padded.includes(` ${query}`)) return 0.75;
  const queryTokens = query.split(' ');
  const keyTokens = key.split(' ');
  if (queryTokens.every((q) => keyTokens.some((k) => k.startsWith(q)))) {
    return 0.5 + 0.2 * Math.min(1, queryTokens.length / keyTokens.length);
  }
  // Typo tolerance: only close spellings count.
  const similarity = keySimilarity(query, key);
  return similarity >= 0.7 ? 0.6 * similarity : 0;
}
