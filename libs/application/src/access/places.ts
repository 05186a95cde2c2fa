import type { AgencyDirectory } from '#libs/agencies';
import type { Places } from './access-policy.js';

/** Where agencies sit, as the read policy asks it, from the agency directory. */
export function placesOf(directory: AgencyDirectory): Places {
  const chainFrom = <T>(first: T | undefined, next: (item: T) => T | undefined, key: (item: T) => string) => {
    const chain: string[] = [];
    for (let item = first; item !== undefined && !chain.includes(key(item)); item = next(item)) {
      chain.push(key(item));
    }
    return chain;
  };
  return {
    jurisdictionOf: (agencyCode) => directory.get(agencyCode)?.jurisdiction,
    jurisdictionChain: (jurisdiction) =>
      chainFrom(
        directory.getJurisdiction(jurisdiction),
        (j) => (j.parentCode === null ? undefined : directory.getJurisdiction(j.parentCode)),
        (j) => j.code,
      ),
    superiorsOf: (agencyCode) =>
      chainFrom(
        directory.get(agencyCode),
        (a) => (a.parentCode === null ? undefined : directory.get(a.parentCode)),
        (a) => a.code,
      ),
  };
}
