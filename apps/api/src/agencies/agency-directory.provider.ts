import { createSeedDirectory, type AgencyDirectory } from '#libs/agencies';

export const AGENCY_DIRECTORY = Symbol('AGENCY_DIRECTORY');

/** The directory of agencies named in the seed plans (codes, names, aliases, groups). */
export const agencyDirectoryProvider = {
  provide: AGENCY_DIRECTORY,
  useFactory: (): AgencyDirectory => createSeedDirectory(),
};
