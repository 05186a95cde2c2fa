import type { AgencyDirectory } from '#libs/agencies';
import { placesOf, ReadPolicy } from '#libs/application';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, openDirectory } from '#libs/platform';

export const AGENCY_DIRECTORY = Symbol('AGENCY_DIRECTORY');
/** The read policy (libs/application access policy) over the directory: who may read what. */
export const READ_POLICY = Symbol('READ_POLICY');

/**
 * The directory as its events leave it (ADR 0031), read at start: the shipped seed file
 * (libs/agencies/seed/directory.jsonl) while none are recorded. A directory import or a
 * reorganisation recorded by `coord` is read by the API's next start.
 */
export const agencyDirectoryProvider = {
  provide: AGENCY_DIRECTORY,
  inject: [EVENT_STORE],
  useFactory: async (store: EventStore): Promise<AgencyDirectory> =>
    (await openDirectory({ store }).load()).directory,
};

export const readPolicyProvider = {
  provide: READ_POLICY,
  inject: [AGENCY_DIRECTORY],
  useFactory: (directory: AgencyDirectory): ReadPolicy => new ReadPolicy(placesOf(directory)),
};
