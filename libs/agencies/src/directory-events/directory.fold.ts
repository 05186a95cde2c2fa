import { AgencyDirectory, type AgencyDirectoryInput } from '../directory.js';
import type { Agency, AgencyGroup, Jurisdiction } from '../types.js';
import type { AgencySuccession, DirectoryEvent } from './directory.events.js';

/** The directory as its events leave it, in the order things were first recorded. */
export interface DirectoryState {
  readonly jurisdictions: ReadonlyMap<string, Jurisdiction>;
  readonly agencies: ReadonlyMap<string, Agency>;
  readonly groups: ReadonlyMap<string, AgencyGroup>;
  readonly successions: ReadonlyMap<string, AgencySuccession>;
}

export const initialDirectoryState = (): DirectoryState => ({
  jurisdictions: new Map(),
  agencies: new Map(),
  groups: new Map(),
  successions: new Map(),
});

/**
 * One event onto the state. Maps are copied only where the event changes them; a fold over a whole
 * stream goes through foldDirectory, which mutates one private copy instead (the seed alone is 68
 * events, a province's import a few thousand).
 */
export function evolveDirectory(state: DirectoryState, event: DirectoryEvent): DirectoryState {
  const next = {
    jurisdictions: new Map(state.jurisdictions),
    agencies: new Map(state.agencies),
    groups: new Map(state.groups),
    successions: new Map(state.successions),
  };
  apply(next, event);
  return next;
}

export function foldDirectory(
  events: readonly DirectoryEvent[],
  from: DirectoryState = initialDirectoryState(),
): DirectoryState {
  const state = {
    jurisdictions: new Map(from.jurisdictions),
    agencies: new Map(from.agencies),
    groups: new Map(from.groups),
    successions: new Map(from.successions),
  };
  for (const event of events) apply(state, event);
  return state;
}

interface MutableState {
  jurisdictions: Map<string, Jurisdiction>;
  agencies: Map<string, Agency>;
  groups: Map<string, AgencyGroup>;
  successions: Map<string, AgencySuccession>;
}

function apply(state: MutableState, event: DirectoryEvent): void {
  switch (event.type) {
    case 'JurisdictionDefined':
      state.jurisdictions.set(event.data.jurisdiction.code, event.data.jurisdiction);
      return;
    case 'AgencyCreated': {
      const { shortName, ...rest } = event.data;
      state.agencies.set(rest.code, { ...rest, ...(shortName === null ? {} : { shortName }) });
      return;
    }
    case 'AgencyRenamed':
      return change(state, event.data.code, (agency) => {
        const { shortName: _old, ...rest } = agency;
        const { shortName } = event.data;
        return { ...rest, name: event.data.name, ...(shortName === null ? {} : { shortName }) };
      });
    case 'AgencyMoved':
      return change(state, event.data.code, (agency) => ({ ...agency, parentCode: event.data.parentCode }));
    case 'AgencyAliasesChanged':
      return change(state, event.data.code, (agency) => ({ ...agency, aliases: event.data.aliases }));
    case 'AgencyGroupDefined':
      state.groups.set(event.data.group.code, event.data.group);
      return;
    case 'AgencySucceeded':
      state.successions.set(event.data.code, event.data);
      return;
    default: {
      const _exhaustive: never = event;
      void _exhaustive;
    }
  }
}

function change(state: MutableState, code: string, update: (agency: Agency) => Agency): void {
  const agency = state.agencies.get(code);
  if (agency) state.agencies.set(code, update(agency));
}

export function directoryInputOf(state: DirectoryState): AgencyDirectoryInput {
  return {
    jurisdictions: [...state.jurisdictions.values()],
    agencies: [...state.agencies.values()],
    groups: [...state.groups.values()],
    successions: [...state.successions.values()],
  };
}

/** The directory the service reads: the fold of the directory's events, validated. */
export function directoryFromEvents(events: readonly DirectoryEvent[]): AgencyDirectory {
  return new AgencyDirectory(directoryInputOf(foldDirectory(events)));
}
