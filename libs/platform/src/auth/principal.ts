/**
 * The authenticated caller of a request. `operator`: runs the service; sees the details of
 * /health (what is down, and why) and reads or decides nothing else. `administrator`: connects
 * their agency's own systems (its webhook endpoints).
 */
export type PrincipalRole = 'officer' | 'issuer' | 'auditor' | 'inspector' | 'operator' | 'administrator';

export const PRINCIPAL_ROLES: readonly PrincipalRole[] = [
  'officer',
  'issuer',
  'auditor',
  'inspector',
  'operator',
  'administrator',
];

export interface Principal {
  /** Stable id of the person (the token's subject). */
  readonly personId: string;
  /** The agency the person works for and acts for. */
  readonly agencyCode: string;
  readonly roles: readonly PrincipalRole[];
  /**
   * For an issuer: the People's Committee whose plans and tasks they decide on, when that is not
   * the agency they work for (a focal-point officer of the Sở LĐTBXH entering the committee's
   * decisions). Unset: their own agency.
   */
  readonly issuesFor?: string;
  /**
   * For auditors and inspectors: the jurisdiction (province) they oversee, when not the province of
   * their agency (the `jurisdiction` claim).
   */
  readonly jurisdiction?: string;
  /** For auditors and inspectors: oversight of the whole country (the `national` claim, `true`). */
  readonly national?: boolean;
  readonly name?: string;
}

export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}
