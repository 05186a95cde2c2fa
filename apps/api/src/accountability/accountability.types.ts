import type { AgencyHeadTerm } from '#libs/agencies';
import type { LapseRecord } from '#libs/projections';

/** A lapse as the API answers it: with who headed the responsible agency on the lapse date. */
export interface LapseAnswer extends LapseRecord {
  readonly headOnLapseDate: AgencyHeadTerm | null;
}
