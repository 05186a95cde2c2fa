import { createSeedDirectory, type AgencyDirectory } from '#libs/agencies';
import { placesOf, ReadPolicy } from '#libs/application';

export const AGENCY_DIRECTORY = Symbol('AGENCY_DIRECTORY');
/** The read policy (libs/application access policy) over the directory: who may read what. */
export const READ_POLICY = Symbol('READ_POLICY');

/** The directory of agencies named in the seed plans (codes, names, aliases, groups). */
export const agencyDirectoryProvider = {
  provide: AGENCY_DIRECTORY,
  useFactory: (): AgencyDirectory => createSeedDirectory(),
};

export const readPolicyProvider = {
  provide: READ_POLICY,
  inject: [AGENCY_DIRECTORY],
  useFactory: (directory: AgencyDirectory): ReadPolicy => new ReadPolicy(placesOf(directory)),
};
