import { AgencyDirectory } from '../directory.js';
import type { Agency, AgencyGroup } from '../types.js';
import { SEED_JURISDICTIONS } from './jurisdictions.js';
import { LAI_CHAU_AGENCIES, LAI_CHAU_GROUPS } from './lai-chau.js';
import { LANG_SON_CITY_AGENCIES, LANG_SON_CITY_GROUPS } from './lang-son-city.js';
import { LANG_SON_AGENCIES } from './lang-son.js';

export { SEED_JURISDICTIONS } from './jurisdictions.js';
export { LAI_CHAU_AGENCIES, LAI_CHAU_GROUPS } from './lai-chau.js';
export { LANG_SON_AGENCIES } from './lang-son.js';
export { LANG_SON_CITY_AGENCIES, LANG_SON_CITY_GROUPS } from './lang-son-city.js';

export const SEED_AGENCIES: readonly Agency[] = [
  ...LAI_CHAU_AGENCIES,
  ...LANG_SON_AGENCIES,
  ...LANG_SON_CITY_AGENCIES,
];
export const SEED_GROUPS: readonly AgencyGroup[] = [...LAI_CHAU_GROUPS, ...LANG_SON_CITY_GROUPS];

/** The directory of the two seed plans' agencies (validated on construction). */
export function createSeedDirectory(): AgencyDirectory {
  return new AgencyDirectory({
    agencies: SEED_AGENCIES,
    groups: SEED_GROUPS,
    jurisdictions: SEED_JURISDICTIONS,
  });
}
