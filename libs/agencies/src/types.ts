/**
 * The administrative level or kind of body. 'department' covers every specialised body of a
 * People's Committee (a provincial Sở, a city Phòng, police, health centres); mass organisations
 * are asked ("đề nghị"), never ordered, so they have a level of their own.
 */
export const AGENCY_LEVELS = ['province', 'department', 'district', 'commune', 'mass-organisation'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];

/** Codes become NATS subject tokens (coord.agency.{code}.…): lowercase ASCII words joined by hyphens. */
export const AGENCY_CODE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function isAgencyCode(code: string): boolean {
  return AGENCY_CODE_PATTERN.test(code);
}

export interface Agency {
  readonly code: string;
  /** Full official Vietnamese name, NFC, as it was before the 2025 reorganisation. */
  readonly name: string;
  readonly shortName?: string;
  readonly level: AgencyLevel;
  /** Administrative superior when it is in the directory; null for top bodies and bodies led from outside it. */
  readonly parentCode: string | null;
  /** Code of the Jurisdiction the agency belongs to, e.g. 'lai-chau', 'lang-son-city'. */
  readonly jurisdiction: string;
  /** Other ways the body is written (abbreviations, names without the place); NFC. */
  readonly aliases: readonly string[];
}

/** A name that stands for several agencies at once, e.g. "UBND các huyện, thành phố". */
export interface AgencyGroup {
  readonly code: string;
  readonly name: string;
  readonly jurisdiction: string;
  readonly memberCodes: readonly string[];
  readonly aliases: readonly string[];
}

/**
 * The area a plan is issued for. Its place names and level words are the qualifiers that may be
 * left out when a body is named inside its own plan ("Sở Y tế" for "Sở Y tế tỉnh Lai Châu").
 */
export interface Jurisdiction {
  readonly code: string;
  readonly name: string;
  /** The jurisdiction this one sits in (Lạng Sơn city sits in Lạng Sơn province), or null. */
  readonly parentCode: string | null;
  /** Proper names of the place, e.g. ['Lai Châu']. */
  readonly placeNames: readonly string[];
  /** Words for its level that follow an agency name, e.g. ['tỉnh'] or ['thành phố']. */
  readonly levelWords: readonly string[];
}
