import type { Agency, AgencyGroup, AgencyLevel, Jurisdiction } from '../types.js';

/**
 * The directory as events (ADR 0031). Every change of who exists, what they are called, where they
 * sit and who took over from them is an event on the directory's stream, in the order it was
 * recorded; the directory the service reads is the fold of that stream (foldDirectory).
 */

type Event<Type extends string, Data> = { readonly type: Type; readonly data: Data };

/** The one stream of the directory: an import of a file is one atomic append to it. */
export const DIRECTORY_STREAM = 'directory';

export type JurisdictionDefined = Event<'JurisdictionDefined', { readonly jurisdiction: Jurisdiction }>;

export type AgencyCreated = Event<
  'AgencyCreated',
  {
    readonly code: string;
    readonly name: string;
    readonly shortName: string | null;
    readonly level: AgencyLevel;
    readonly parentCode: string | null;
    readonly jurisdiction: string;
    readonly aliases: readonly string[];
  }
>;

export type AgencyRenamed = Event<
  'AgencyRenamed',
  { readonly code: string; readonly name: string; readonly shortName: string | null }
>;

/** Moved under another administrative superior (null: a top body, or led from outside the directory). */
export type AgencyMoved = Event<'AgencyMoved', { readonly code: string; readonly parentCode: string | null }>;

export type AgencyAliasesChanged = Event<
  'AgencyAliasesChanged',
  { readonly code: string; readonly aliases: readonly string[] }
>;

/** A group name (e.g. "UBND các huyện, thành phố") and its members, as of now. */
export type AgencyGroupDefined = Event<'AgencyGroupDefined', { readonly group: AgencyGroup }>;

/** The legal act a reorganisation rests on. */
export interface LegalBasis {
  /** As written, e.g. 'Nghị quyết số 202/2025/QH15'. */
  readonly number: string;
  /** The date it was adopted or signed, 'YYYY-MM-DD'. */
  readonly date: string;
  readonly title: string;
}

/** Who takes over a function of a body that ceased to exist. `function` null: everything. */
export interface SuccessorForFunction {
  readonly function: string | null;
  readonly agencyCode: string;
}

export const reorganisationKinds = ['merge', 'absorb', 'split', 'dissolve', 'issuer-dissolved'] as const;
export type ReorganisationKind = (typeof reorganisationKinds)[number];

/**
 * The agency ceased to exist on `effectiveDate`; its functions passed to `successors`. It stays in
 * the directory: its history, its heads and its old plans still name it.
 */
export type AgencySucceeded = Event<
  'AgencySucceeded',
  {
    readonly code: string;
    readonly kind: ReorganisationKind;
    readonly successors: readonly SuccessorForFunction[];
    readonly effectiveDate: string;
    readonly basis: LegalBasis;
    readonly reorganisationId: string;
  }
>;

/** A body's end: when, by which act, and who took over which function. */
export type AgencySuccession = AgencySucceeded['data'];

export type DirectoryEvent =
  | JurisdictionDefined
  | AgencyCreated
  | AgencyRenamed
  | AgencyMoved
  | AgencyAliasesChanged
  | AgencyGroupDefined
  | AgencySucceeded;

export const directoryEventTypes = [
  'JurisdictionDefined',
  'AgencyCreated',
  'AgencyRenamed',
  'AgencyMoved',
  'AgencyAliasesChanged',
  'AgencyGroupDefined',
  'AgencySucceeded',
] as const satisfies readonly DirectoryEvent['type'][];

type _Missing = Exclude<DirectoryEvent['type'], (typeof directoryEventTypes)[number]>;
const _allListed: [_Missing] extends [never] ? true : _Missing = true;
void _allListed;

const TYPES: ReadonlySet<string> = new Set(directoryEventTypes);

/** A stored event as a directory event, or null for another type (only the directory writes its stream). */
export function decodeDirectoryEvent(stored: {
  readonly type: string;
  readonly data: unknown;
}): DirectoryEvent | null {
  return TYPES.has(stored.type) ? ({ type: stored.type, data: stored.data } as DirectoryEvent) : null;
}

/** The events that bring an agency into the directory as it is given. */
export function agencyCreated(agency: Agency): AgencyCreated {
  return {
    type: 'AgencyCreated',
    data: {
      code: agency.code,
      name: agency.name,
      shortName: agency.shortName ?? null,
      level: agency.level,
      parentCode: agency.parentCode,
      jurisdiction: agency.jurisdiction,
      aliases: [...agency.aliases],
    },
  };
}
